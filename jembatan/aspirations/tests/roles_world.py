"""One kecamatan with its people, for the camat, KIM pengurus and answer-file tests:
Diskominfo of Bengkayang, the camat of Bengkayang kecamatan (61.07.04) and the camat of
another, KIM Sebalo's ketua and member (two_tenants.a), and Dinas PUPR's officer."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.test import Client
from pypdf import PdfWriter

from jembatan.accounts.models import Office, Role, User
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, Category
from jembatan.regions.models import Region
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain


@dataclass
class Place:
    kabupaten: Region
    village: Region  # Sebalo 61.07.04.1010, KIM Sebalo's village
    office: Office
    category: Category
    admin: User
    camat: User
    other_camat: User  # of 61.07.05
    officer: User
    ketua: User
    member: User

    def submit(self, **extra) -> Aspiration:
        case, _created = services.aspiration_submit(
            data={
                "region": self.village,
                "category": self.category,
                "description": "Jalan berlubang di depan SD Negeri 2, RT 03.",
                "visibility": Aspiration.Visibility.ANONYMOUS,
                "reporter_name": "Budi Santoso",
                "reporter_phone": "0812-3456-7890",
            }
            | extra
        )
        return case

    def referred(self, **extra) -> Aspiration:
        case = self.submit(**extra)
        services.aspiration_transition(actor=self.admin, case=case, action="verify")
        referred = services.aspiration_transition(
            actor=self.admin, case=case, action="dispose", office=self.office
        )
        referred.reporter_key = case.reporter_key  # shown once, at submission
        return referred


def build_place(two_tenants) -> Place:
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")

    def person(role, region, office=None):
        user = UserFactory()
        MembershipFactory(user=user, role=role, region=region, office=office)
        return user

    return Place(
        kabupaten=kabupaten,
        village=region_chain("61.07.04.1010", "Sebalo"),
        office=office,
        category=Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office),
        admin=person(Role.KABUPATEN_ADMIN, kabupaten),
        camat=person(Role.CAMAT, region_chain("61.07.04", "Bengkayang")),
        other_camat=person(Role.CAMAT, region_chain("61.07.05", "Lumar")),
        officer=person(Role.OPD_OFFICER, kabupaten, office),
        ketua=two_tenants.a.owner,
        member=two_tenants.a.member,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
