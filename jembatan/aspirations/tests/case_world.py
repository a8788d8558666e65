"""The people and places of the aspiration service and page tests, made with the factories.

Kabupaten Bengkayang (61.07) with Dinas PUPR (the "Jalan" category's office) and Dinas
Kesehatan, and Kabupaten Mempawah (61.04); the two tenants' KIMs (Sebalo, Sungai Pinyuh);
a user for every role. Built once per test file (``world`` fixtures with ``built_once``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from jembatan.accounts.models import Office, Role, User
from jembatan.aspirations import services
from jembatan.aspirations.models import Category
from jembatan.regions.models import Region
from jembatan.testing.factories import (
    CategoryFactory,
    MembershipFactory,
    OfficeFactory,
    StaffFactory,
    TwoTenants,
    UserFactory,
    build_two_tenants,
    region_chain,
)


@dataclass
class CaseWorld:
    tenants: TwoTenants
    kabupaten: Region
    kabupaten_b: Region
    village: Region  # Sebalo, 61.07.04.1010: kim-a's village
    other_village: Region  # 61.07.05.2002: same kabupaten, another kecamatan
    village_b: Region  # Sungai Pinyuh, 61.04.05.2001: kim-b's village
    office: Office  # Dinas PUPR (61.07), the category's office
    other_office: Office  # Dinas Kesehatan (61.07)
    office_b: Office  # an office of 61.04
    category: Category  # Jalan, referred to Dinas PUPR
    other_category: Category  # Kesehatan, no office
    category_b: Category  # of Kabupaten Mempawah
    users: dict[str, User]


def build_case_world() -> CaseWorld:
    tenants = build_two_tenants()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    kabupaten_b = region_chain("61.04", "Kabupaten Mempawah")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    other_office = OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    users = {
        "operator": StaffFactory(role=Role.OPERATOR, region=None),
        "admin": StaffFactory(role=Role.KABUPATEN_ADMIN, region=kabupaten),
        "admin_b": StaffFactory(role=Role.KABUPATEN_ADMIN, region=kabupaten_b),
        "camat": StaffFactory(role=Role.CAMAT, region=region_chain("61.07.04")),
        "officer": StaffFactory(role=Role.OPD_OFFICER, region=kabupaten, office=office),
        "other_officer": StaffFactory(role=Role.OPD_OFFICER, region=kabupaten, office=other_office),
        "kim_ketua": tenants.a.owner,
        "kim_anggota": tenants.a.member,
        "kim_b_ketua": tenants.b.owner,
        "outsider": tenants.a.outsider,
    }
    return CaseWorld(
        tenants=tenants,
        kabupaten=kabupaten,
        kabupaten_b=kabupaten_b,
        village=region_chain("61.07.04.1010", "Sebalo"),
        other_village=region_chain("61.07.05.2002", "Lembah Bawang"),
        village_b=region_chain("61.04.05.2001", "Sungai Pinyuh"),
        office=office,
        other_office=other_office,
        office_b=OfficeFactory(kabupaten=kabupaten_b, name="Dinas PUPR Mempawah"),
        category=CategoryFactory(kabupaten=kabupaten, name="Jalan", office=office),
        other_category=CategoryFactory(kabupaten=kabupaten, name="Kesehatan"),
        category_b=CategoryFactory(kabupaten=kabupaten_b, name="Jembatan"),
        users=users,
    )


def build_desk_world() -> dict:
    """The staff desk's world (its case list and the page kept per kabupaten): Bengkayang's
    two kecamatan with a desa each, Dinas PUPR ("Jalan") and Dinas Kesehatan, Landak with a
    desa, an office and a category; two Diskominfo admins of Bengkayang (signed in on
    ``client``: the first), Landak's admin, a PUPR officer and the camat of Sungai Betung;
    ``case(...)`` sends a case through the service."""
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Betung")
    region_chain("61.07.05", "Ledo")
    desa_a = region_chain("61.07.04.2001", "Sungai Jaga A")
    desa_b = region_chain("61.07.05.2002", "Lesabela")
    other_kab = region_chain("61.08", "Kabupaten Landak")
    other_desa = region_chain("61.08.01.2001", "Desa Landak")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    health = OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    OfficeFactory(kabupaten=other_kab, name="Dinas PUPR Landak")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    water = Category.objects.create(kabupaten=kabupaten, name="Air bersih")
    landak_roads = Category.objects.create(kabupaten=other_kab, name="Jalan Landak")
    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    colleague = UserFactory(full_name="Sari Diskominfo")
    MembershipFactory(user=colleague, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    landak = UserFactory(full_name="Admin Landak")
    MembershipFactory(user=landak, role=Role.KABUPATEN_ADMIN, region=other_kab)
    officer = UserFactory(full_name="Budi PUPR")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, office=pupr)
    camat = UserFactory(full_name="Camat Sungai Betung")
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    client = Client()
    client.force_login(admin)

    def case(description="Jalan berlubang di depan sekolah.", *, region=desa_a, category=roads):
        made, _ = services.aspiration_submit(
            data={
                "region": region,
                "category": category,
                "description": description,
                "visibility": "anonim",
                "reporter_phone": "081234567890",
            }
        )
        return made

    return {
        "client": client,
        "admin": admin,
        "colleague": colleague,
        "landak": landak,
        "officer": officer,
        "camat": camat,
        "pupr": pupr,
        "health": health,
        "roads": roads,
        "water": water,
        "landak_roads": landak_roads,
        "desa_a": desa_a,
        "desa_b": desa_b,
        "other_desa": other_desa,
        "case": case,
    }
