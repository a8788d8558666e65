from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfWriter

from jembatan.accounts.models import Office, Role, User
from jembatan.core.workdays import clear_cache
from jembatan.disclosure.models import PublicBody
from jembatan.testing.factories import (
    MembershipFactory,
    OfficeFactory,
    PublicBodyFactory,
    UserFactory,
    region_chain,
)

# A Monday without holidays (no Holiday rows in tests): 10 working days later is 16 March.
MONDAY = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


@dataclass
class Ppid:
    kabupaten: PublicBody
    opd: PublicBody
    desa: PublicBody
    office: Office
    admin: User  # Diskominfo 61.07
    officer: User  # OPD officer of `office`
    other_admin: User  # Diskominfo of another kabupaten (61.04)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Holidays are cached in process memory; a rolled-back test leaves no signal behind.
    # The rate limits live in the cache: each test starts with a visitor's full allowance.
    clear_cache()
    cache.clear()
    yield
    clear_cache()
    cache.clear()


@pytest.fixture
def ppid(two_tenants) -> Ppid:
    bengkayang = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=bengkayang, name="Dinas Kesehatan")
    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=bengkayang)
    officer = UserFactory(full_name="Petugas Dinkes")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=bengkayang, office=office)
    other_admin = UserFactory(full_name="Admin Mempawah")
    MembershipFactory(user=other_admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.04"))
    return Ppid(
        kabupaten=PublicBodyFactory(),
        opd=PublicBodyFactory(kind="opd", region=None, office=office),
        desa=PublicBodyFactory(kind="desa", region=two_tenants.a.kim.region),
        office=office,
        admin=admin,
        officer=officer,
        other_admin=other_admin,
    )


def request_data(body: PublicBody, **overrides):
    data = {
        "body": body,
        "requester_kind": "perorangan",
        "requester_name": "Maria Goreti",
        "requester_nik": "6107045203900001",
        "requester_address": "Jl. Sanggau Ledo No. 5, Bengkayang",
        "requester_phone": "081234567890",
        "requester_email": "maria@example.test",
        "information": "Salinan APBDes tahun 2026 beserta rinciannya.",
        "purpose": "Bahan diskusi warga RT 03.",
        "obtain_form": "salinan_elektronik",
        "delivery": "email",
    }
    data.update(overrides)
    return data


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
