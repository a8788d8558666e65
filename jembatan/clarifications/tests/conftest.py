from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.test import Client

from jembatan.accounts.models import Office, Role, User
from jembatan.communities.models import Kim
from jembatan.testing.db import shared_fixture
from jembatan.testing.factories import (
    KimFactory,
    MembershipFactory,
    OfficeFactory,
    StaffFactory,
    UserFactory,
    region_chain,
)


@dataclass
class World:
    admin: User
    officer: User
    office: Office
    admin_b: User
    outsider: User
    kim: Kim


@shared_fixture
def world() -> World:
    return make_world()


def make_world() -> World:
    cache.clear()  # rate limits of an earlier test
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    OfficeFactory(kabupaten=kabupaten, name="Diskominfo Bengkayang", kind=Office.Kind.DISKOMINFO)
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan Bengkayang")
    officer = UserFactory(full_name="Petugas Dinkes")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=office)
    return World(
        admin=StaffFactory(full_name="Admin Bengkayang"),
        officer=officer,
        office=office,
        admin_b=StaffFactory(
            full_name="Admin Mempawah", region=region_chain("61.04", "Kabupaten Mempawah")
        ),
        outsider=UserFactory(full_name="Warga Biasa"),
        kim=KimFactory(name="KIM Sebalo", region=region_chain("61.07.04.1010", "Sebalo")),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
