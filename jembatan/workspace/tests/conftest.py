"""A kabupaten with its Diskominfo, an office, a camat and the KIM of tenant A (Sebalo);
tenant B's Diskominfo in Mempawah."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from jembatan.accounts.models import Office, Role, User
from jembatan.aspirations.models import Category
from jembatan.regions.models import Region
from jembatan.testing.factories import (
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)


@dataclass
class Staff:
    tenants: object
    kabupaten: Region
    admin: User
    officer: User
    pupr: Office
    camat: User
    admin_b: User
    category: Category
    category_b: Category


# Mempawah's host: its staff work there (on Bengkayang's host they act for Bengkayang).
HOST_B = "mempawah.test"


@pytest.fixture
def staff(two_tenants, settings) -> Staff:
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    kabupaten_b = region_chain("61.04", "Kabupaten Mempawah")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST_B]
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=(HOST_B,))
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    admin = UserFactory(full_name="Dewi Diskominfo")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(full_name="Budi PUPR")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=pupr)
    camat = UserFactory(full_name="Markus Camat")
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04", "Bengkayang"))
    admin_b = UserFactory(full_name="Rina Mempawah")
    MembershipFactory(user=admin_b, role=Role.KABUPATEN_ADMIN, region=kabupaten_b)
    return Staff(
        tenants=two_tenants,
        kabupaten=kabupaten,
        admin=admin,
        officer=officer,
        pupr=pupr,
        camat=camat,
        admin_b=admin_b,
        category=Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr),
        category_b=Category.objects.create(kabupaten=kabupaten_b, name="Jalan"),
    )


def client_for(user, host: str = "testserver") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def today_counts(user, host: str = "testserver") -> dict[str, int]:
    response = client_for(user, host).get("/kelola/")
    assert response.status_code == 200
    return {entry.key: entry.count for entry in response.context["today"]}
