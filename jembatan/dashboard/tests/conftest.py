"""A small world for the dashboard: two kabupaten, a camat, staff, KIMs and activity."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from jembatan.accounts.models import Role, User
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.communities.models import Kim, Position
from jembatan.dissemination.models import Delivery, InfoItem, ShareLink
from jembatan.sites.models import Post
from jembatan.testing.db import built_once, fresh_copy
from jembatan.testing.factories import (
    AspirationFactory,
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

_counter = iter(range(10_000, 99_999))


def shown_figures(html: str) -> dict[str, str]:
    """The figure cards of a dashboard page as the reader sees them: label -> value."""
    html = re.sub(r">\s+<", "><", html)
    cards = re.findall(r"<li>(?:<a [^>]*>)?<strong>([^<]*)</strong>([^<]*)", html)
    return {label.strip(): value for value, label in cards}


def shown_rows(html: str) -> dict[str, list[str]]:
    """The rows of a page's number tables: row heading -> the numbers in its cells."""
    html = re.sub(r">\s+<", "><", html)
    rows = re.findall(
        r'<tr><th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th>'
        r'((?:<td class="num">.*?</td>)+)</tr>',
        html,
    )
    return {
        heading: re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]*)', cells)
        for heading, cells in rows
    }


def make_post(kim: Kim, when: datetime.datetime, **extra) -> Post:
    n = next(_counter)
    author = kim.memberships.first().user if kim.memberships.exists() else UserFactory()
    return Post.objects.create(
        author=author,
        kim=kim,
        title=f"Berita {n}",
        slug=f"berita-{n}",
        body="Isi",
        status=Post.Status.PUBLISHED,
        published_at=when,
        **extra,
    )


def make_case(region, category, when, *, status=Status.RECEIVED, **extra) -> Aspiration:
    """A case with a made-up past: the row alone (AspirationFactory.row)."""
    return AspirationFactory.row(
        region=region, category=category, status=status, created_at=when, **extra
    )


def answer(case: Aspiration, when: datetime.datetime) -> None:
    CaseEvent.objects.create(
        aspiration=case,
        kind=CaseEvent.Kind.STATUS,
        from_status=Status.IN_PROGRESS,
        to_status=Status.DONE,
        body="Sudah diperbaiki",
        created_at=when,
    )
    case.status = Status.DONE
    case.save(update_fields=["status"])


@dataclass
class World:
    now: datetime.datetime
    kim_a: Kim  # desa 61.07.04.2001
    kim_a2: Kim  # desa 61.07.04.2002, no activity
    kim_c: Kim  # kecamatan 61.07.05's desa 2001
    kim_other: Kim  # another kabupaten 61.04
    admin: User  # Diskominfo 61.07
    admin_other: User  # Diskominfo 61.04
    camat: User  # camat of 61.07.04
    camat_other: User  # camat of 61.07.05
    operator: User
    ketua: User  # pengurus of kim_a
    outsider: User
    cases: list[Aspiration]


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Built once per file (rolled back after it); each test's writes are rolled back."""
    yield from built_once(django_db_blocker, _build_world)


@pytest.fixture
def world(db, _module_world) -> World:
    return fresh_copy(_module_world)


def _build_world() -> World:
    now = timezone.now()
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Raya")
    region_chain("61.07.05", "Capkala")
    region_chain("61.04", "Kabupaten Mempawah")
    desa_a = region_chain("61.07.04.2001", "Sungai Jaga A")
    desa_a2 = region_chain("61.07.04.2002", "Karimunting")
    region_chain("61.07.04.2003", "Sungai Duri")  # no KIM
    desa_c = region_chain("61.07.05.2001", "Capkala")
    desa_o = region_chain("61.04.05.2001", "Sungai Pinyuh")
    kim_a = KimFactory(name="KIM Sungai Jaga", slug="kim-sungai-jaga", region=desa_a)
    kim_a2 = KimFactory(name="KIM Karimunting", slug="kim-karimunting", region=desa_a2)
    kim_c = KimFactory(name="KIM Capkala", slug="kim-capkala", region=desa_c)
    kim_other = KimFactory(name="KIM Pinyuh", slug="kim-pinyuh", region=desa_o)
    ketua = UserFactory(full_name="Ketua Sungai Jaga")
    KimMembershipFactory(kim=kim_a, user=ketua, position=Position.KETUA)
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.07").user
    admin_other = MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.04").user
    camat = MembershipFactory(role=Role.CAMAT, region_id="61.07.04").user
    camat_other = MembershipFactory(role=Role.CAMAT, region_id="61.07.05").user
    operator = MembershipFactory(role=Role.OPERATOR, region=None).user
    for i in range(3):
        make_post(kim_a, now - datetime.timedelta(minutes=5 + i))
    make_post(kim_c, now - datetime.timedelta(minutes=5))
    make_post(kim_other, now - datetime.timedelta(minutes=5))
    make_post(kim_a, now + datetime.timedelta(days=3))  # scheduled: not counted yet
    category = Category.objects.create(kabupaten_id="61.07", name="Jalan")
    category_o = Category.objects.create(kabupaten_id="61.04", name="Jalan")
    today = timezone.localdate()
    earlier = now - datetime.timedelta(minutes=30)
    cases = [
        make_case(desa_a, category, earlier, verify_due=today - datetime.timedelta(days=1)),
        make_case(desa_a, category, earlier, verify_due=today + datetime.timedelta(days=2)),
        make_case(desa_c, category, earlier, status=Status.IN_PROGRESS, answer_due=today),
        make_case(desa_a, category, earlier, rating=4),
        make_case(
            desa_a,
            category,
            earlier,
            visibility=Aspiration.Visibility.CONFIDENTIAL,
            verify_due=today + datetime.timedelta(days=2),
        ),
        make_case(desa_o, category_o, earlier),
    ]
    answer(cases[3], earlier)  # same day: 0 days to answer
    item = InfoItem.objects.create(
        area_id="61.07",
        author=admin,
        title="Vaksinasi",
        slug="vaksinasi",
        body="Isi",
        status=InfoItem.Status.PUBLISHED,
        published_at=earlier,
    )
    delivery = Delivery.objects.create(
        item=item, kim=kim_a, republished_at=now, shared_at=now, view_count=7
    )
    Delivery.objects.create(item=item, kim=kim_a2)
    ShareLink.objects.create(delivery=delivery, channel="whatsapp", code="abc123", click_count=3)
    return World(
        now=now,
        kim_a=kim_a,
        kim_a2=kim_a2,
        kim_c=kim_c,
        kim_other=kim_other,
        admin=admin,
        admin_other=admin_other,
        camat=camat,
        camat_other=camat_other,
        operator=operator,
        ketua=ketua,
        outsider=UserFactory(),
        cases=cases,
    )
