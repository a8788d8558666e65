"""The KIMs on the workspace home: the first few (the user's own, then those that need a
look), how many there are, and the whole list page by page on /kelola/kim/."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jembatan.communities.models import Position
from jembatan.communities.views import KIM_PAGE_SIZE
from jembatan.communities.workspace import KIM_LIMIT
from jembatan.core.registry import kabupaten_changed
from jembatan.testing.factories import KimFactory, KimMembershipFactory, region_chain
from jembatan.workspace.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _kims(count: int, prefix: str, **fields) -> list:
    desa = region_chain("61.07.04.2003", "Tirta Kencana")
    return [
        KimFactory(name=f"{prefix} {n:03d}", region=desa, verified_at=timezone.now(), **fields)
        for n in range(count)
    ]


def _names(html: str) -> list[str]:
    panel = html.split('id="kims-title"', 1)[1].split("</section>", 1)[0]
    return [part.split("<", 1)[0] for part in panel.split('">')[1:] if part.startswith("KIM ")]


def test_diskominfo_sees_the_first_kims_that_need_a_look_and_how_many_there_are(staff):
    admin = staff.admin
    ordinary = _kims(KIM_LIMIT + 5, "KIM Aman")
    (unverified,) = _kims(1, "KIM Zulu Belum")
    unverified.verified_at = None
    unverified.save(update_fields=["verified_at"])
    expired = _kims(1, "KIM Yakin", term_end=timezone.localdate() - datetime.timedelta(days=1))[0]
    own = _kims(1, "KIM Xenon Milik")[0]
    KimMembershipFactory(kim=own, user=admin, position=Position.SEKRETARIS)
    outside = KimFactory(name="KIM Mempawah Lain", region=region_chain("61.04.05.2001"))
    total = len(ordinary) + 3 + 1  # and the KIM of tenant A (Sebalo), in the kabupaten

    html = client_for(admin).get("/kelola/").content.decode()

    names = _names(html)
    assert len(names) == KIM_LIMIT
    # Their own KIM first, then those that need a look (by name: Sebalo is not verified
    # either), then the rest by name.
    sebalo = staff.tenants.a.kim
    assert names[:4] == [own.name, sebalo.name, expired.name, unverified.name]
    assert names[4] == ordinary[0].name
    assert "decree-expired" in html and "belum diverifikasi" in html
    assert outside.name not in html
    assert f"{KIM_LIMIT} dari {total} KIM" in html
    assert f'href="{reverse("communities:list")}"' in html


def test_the_whole_list_is_on_its_own_page_by_name_within_the_kabupaten(staff):
    kims = _kims(KIM_PAGE_SIZE + 3, "KIM Daftar")
    outside = KimFactory(name="KIM Daftar Mempawah", region=region_chain("61.04.05.2001"))
    client = client_for(staff.admin)
    assert reverse("communities:list") == "/kelola/kim/"

    first = client.get("/kelola/kim/")
    assert first.status_code == 200
    listed = [kim.name for kim in first.context["page"].object_list]
    assert listed == sorted(listed) and len(listed) == KIM_PAGE_SIZE
    assert first.context["page"].paginator.count == len(kims) + 1  # and Sebalo
    second = client.get("/kelola/kim/?halaman=2").content.decode()
    assert kims[-1].name in second and outside.name not in second
    assert client.get("/kelola/kim/?halaman=x").status_code == 400
    assert client.post("/kelola/kim/").status_code == 405


def test_a_ketua_sees_only_their_kim_and_no_link_to_more(two_tenants):
    a = two_tenants.a
    html = client_for(a.owner).get("/kelola/").content.decode()
    assert _names(html) == [a.kim.name]
    assert f'href="{reverse("communities:list")}"' not in html and "kims-more" not in html
    page = client_for(a.owner).get("/kelola/kim/").content.decode()
    assert a.kim.name in page and two_tenants.b.kim.name not in page
    assert reverse("communities:create") not in page


def test_the_panel_reads_its_kims_in_one_query_however_many(staff):
    client = client_for(staff.admin)
    _kims(3, "KIM Awal")
    client.get("/kelola/")
    kabupaten_changed("61.07")  # read afresh, not from what the first visit kept
    with CaptureQueriesContext(connection) as few:
        client.get("/kelola/")
    _kims(KIM_LIMIT * 2, "KIM Tambahan")  # marks the kabupaten changed
    with CaptureQueriesContext(connection) as many:
        html = client.get("/kelola/").content.decode()
    kim_queries = [q for q in many.captured_queries if 'FROM "communities_kim"' in q["sql"]]
    assert len(kim_queries) == 1
    assert len(many) == len(few)
    assert len(_names(html)) == KIM_LIMIT

    # The next visit of a Diskominfo reads the panel the kabupaten's Diskominfo share.
    with CaptureQueriesContext(connection) as kept:
        again = client.get("/kelola/").content.decode()
    assert not [q for q in kept.captured_queries if 'FROM "communities_kim"' in q["sql"]]
    assert _names(again) == _names(html)
