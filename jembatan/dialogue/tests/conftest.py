"""A Bengkayang with an open consultation, an open poll and a discussion; and Mempawah."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.utils import timezone

from jembatan.accounts.models import Role, User
from jembatan.dialogue import services
from jembatan.dialogue.models import Consultation, Poll, Thread
from jembatan.regions.models import Region
from jembatan.testing.db import shared_fixture
from jembatan.testing.factories import (
    ConsultationFactory,
    MembershipFactory,
    PollFactory,
    UserFactory,
    region_chain,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    tenants: object
    kabupaten: Region
    village: Region  # Sebalo 61.07.04.1010, kecamatan 61.07.04
    other_village: Region  # 61.07.05.2002, kecamatan 61.07.05
    admin: User
    admin_b: User
    citizen: User
    consultation: Consultation
    poll: Poll
    thread: Thread


def window(days_before: int = 1, days_after: int = 7) -> dict:
    now = timezone.now()
    return {
        "opens_at": now - datetime.timedelta(days=days_before),
        "closes_at": now + datetime.timedelta(days=days_after),
    }


def close_now(row) -> None:
    """Move a consultation or poll into the past (it closed a minute ago)."""
    now = timezone.now()
    type(row).objects.filter(pk=row.pk).update(
        opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1)
    )
    row.refresh_from_db()


def make_poll(admin: User, *, results: str = Poll.Results.AFTER_CLOSE) -> Poll:
    """A published poll with one question of each kind (PollFactory)."""
    return PollFactory(actor=admin, title="Prioritas pembangunan desa 2027", results=results)


@shared_fixture
def world(two_tenants) -> World:
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04")
    Region.objects.filter(code="61.07.04").update(name="Bengkayang")
    region_chain("61.07.05", "Ledo")
    village = Region.objects.get(code="61.07.04.1010")
    other_village = region_chain("61.07.05.2002", "Lesabela")
    kabupaten_b = Region.objects.get(code="61.04")
    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    admin_b = UserFactory(full_name="Admin Mempawah")
    MembershipFactory(user=admin_b, role=Role.KABUPATEN_ADMIN, region=kabupaten_b)
    citizen = UserFactory(full_name="Warga Bengkayang")
    consultation = ConsultationFactory(actor=admin, title="Rancangan Perbup Partisipasi Desa")
    poll = make_poll(admin)
    thread = services.thread_create(
        actor=two_tenants.a.owner,
        opener_key=f"61.07|{two_tenants.a.kim.pk}",
        title="Musyawarah jadwal posyandu",
        body="Kapan jadwal posyandu yang paling cocok untuk warga?",
    )
    return World(
        tenants=two_tenants,
        kabupaten=kabupaten,
        village=village,
        other_village=other_village,
        admin=admin,
        admin_b=admin_b,
        citizen=citizen,
        consultation=consultation,
        poll=poll,
        thread=thread,
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def verified_client(contact: str = "warga@example.test", name: str = "Siti Warga") -> Client:
    """A citizen without an account who proved their email with the mailed code."""
    client = Client()
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/dialog/verifikasi/",
            {"step": "request", "name": name, "contact": contact, "next": "/dialog/"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    response = client.post("/dialog/verifikasi/", {"step": "code", "code": code, "next": "/"})
    assert response.status_code == 302
    return client
