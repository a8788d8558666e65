"""PostgreSQL's side table of what search may show (migration 0017): its triggers follow
every write, and a search through it answers what the search of the wide tables did."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from jembatan.communities.models import Kim
from jembatan.sites import search as search_module
from jembatan.sites import services
from jembatan.sites.content import KINDS, content_delete, content_save
from jembatan.sites.models import Post, Potential, Product
from jembatan.sites.search import RESULT_CAP, TARGETS, search_all

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def crowd_the_side_table(kind: int, kabupaten: str = "61.07", count: int = 2000) -> None:
    """Entries of other words beside a test's few, and fresh statistics: the planner then
    chooses the plan it chooses at scale for a rare word, where on a table of a few rows
    any index, or none, is as cheap. (Gone with the test's transaction.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO kimsites_search_entry (kind, row_id, kabupaten, kim_id, newest, vector)"
            " SELECT %s, -g, %s, 0, now() - g * interval '1 hour',"
            " to_tsvector('indonesian', 'kabar warga nomor ' || g)"
            " FROM generate_series(1, %s) AS g",
            [kind, kabupaten, count],
        )
        cursor.execute("ANALYZE kimsites_search_entry")


def _entries() -> set[tuple]:
    """Every entry as (kind, row id, kabupaten, KIM, date, vector text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, row_id, kabupaten, kim_id, newest, vector::text"
            " FROM kimsites_search_entry"
        )
        return set(cursor.fetchall())


def _expected() -> set[tuple]:
    """What the side table must hold, worked out from the wide tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 0, p.id, p.search_kabupaten, p.kim_id, p.published_at, p.search_vector::text"
            " FROM kimsites_post p JOIN communities_kim k ON k.id = p.kim_id"
            " WHERE k.is_active AND p.status = 'published'"
            " UNION ALL SELECT 1, t.id, t.search_kabupaten, t.kim_id, t.created_at,"
            " t.search_vector::text FROM kimsites_potential t"
            " JOIN communities_kim k ON k.id = t.kim_id WHERE k.is_active AND t.is_published"
            " UNION ALL SELECT 2, t.id, t.search_kabupaten, t.kim_id, t.created_at,"
            " t.search_vector::text FROM kimsites_product t"
            " JOIN communities_kim k ON k.id = t.kim_id WHERE k.is_active AND t.is_published"
        )
        return set(cursor.fetchall())


def _ids(kind: int) -> set[int]:
    return {row[1] for row in _entries() if row[0] == kind}


def _post(tenant, title, body="<p>Kabar dari warga.</p>", *, publish=True):
    post = services.post_create(
        actor=tenant.owner, kim=tenant.kim, data={"title": title, "body": body}
    )
    if publish:
        post = services.post_transition(actor=tenant.owner, post=post, action="publish")
    return post


def _content(tenant, segment, title, *, published=True, **data):
    return content_save(
        actor=tenant.owner,
        kim=tenant.kim,
        kind=KINDS[segment],
        data={"title": title, "body": "<p>Dari warga.</p>", "is_published": published, **data},
    )


def test_entries_follow_inserts_updates_and_deletes(two_tenants):
    a = two_tenants.a
    post = _post(a, "Pembangunan irigasi")
    draft = _post(a, "Rencana bendungan", publish=False)
    potensi = _content(a, "potensi", "Air terjun", kind=Potential.Kind.WISATA)
    produk = _content(a, "produk", "Keripik pisang", seller="Bu Ani")
    hidden = _content(a, "produk", "Gula aren", published=False)
    assert _ids(0) == {post.pk}
    assert _ids(1) == {potensi.pk}
    assert _ids(2) == {produk.pk}
    assert _entries() == _expected()
    # Edited text: the entry's vector is the row's new one.
    services.post_update(actor=a.owner, post=post, data={"title": "Perbaikan saluran"})
    vector = next(row[5] for row in _entries() if row[:2] == (0, post.pk))
    assert "'salur':2A" in vector and "irigasi" not in vector
    Post.objects.filter(pk=post.pk).update(tags="gotong royong")  # no save(): SQL alone
    assert _entries() == _expected()
    assert [p.title for p in search_all("gotong", kabupaten="61.07")["posts"]] == [
        "Perbaikan saluran"
    ]
    # Rows written in bulk are entries too.
    Product.objects.bulk_create(
        [Product(kim=a.kim, created_by=a.owner, title="Madu hutan", slug="madu", is_published=True)]
    )
    assert len(_ids(2)) == 2
    assert _entries() == _expected()
    # Deleted rows leave; a row that was never shown has nothing to remove.
    content_delete(actor=a.owner, kim=a.kim, kind=KINDS["produk"], instance=produk)
    content_delete(actor=a.owner, kim=a.kim, kind=KINDS["produk"], instance=hidden)
    post.delete()
    draft.delete()
    assert _ids(0) == set()
    assert produk.pk not in _ids(2)
    assert _entries() == _expected()


def test_entries_follow_status_publish_time_and_showing(two_tenants):
    a = two_tenants.a
    post = _post(a, "Lomba perahu", publish=False)
    assert _ids(0) == set()
    services.post_transition(actor=a.owner, post=post, action="submit")
    assert _ids(0) == set()  # waiting for review is not shown
    later = timezone.now() + datetime.timedelta(days=2)
    services.post_transition(actor=a.owner, post=post, action="publish", publish_at=later)
    # A scheduled post is an entry with its date: it is found from that date on.
    assert _ids(0) == {post.pk}
    assert search_all("perahu", kabupaten="61.07")["posts"].count() == 0
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(1))
    assert _entries() == _expected()
    assert search_all("perahu", kabupaten="61.07")["posts"].count() == 1
    services.post_transition(actor=a.owner, post=post, action="unpublish")
    assert _ids(0) == set()
    assert search_all("perahu", kabupaten="61.07")["posts"].count() == 0
    # Potensi and produk: shown on the site or not.
    potensi = _content(a, "potensi", "Kebun kopi")
    Potential.objects.filter(pk=potensi.pk).update(is_published=False)
    assert _ids(1) == set()
    Potential.objects.filter(pk=potensi.pk).update(is_published=True)
    assert _ids(1) == {potensi.pk}
    assert _entries() == _expected()


def test_entries_follow_the_kim_active_and_moved(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post = _post(a, "Festival layang-layang")
    draft = _post(a, "Rencana festival", publish=False)
    potensi = _content(a, "potensi", "Lapangan layang-layang")
    other = _post(b, "Festival Mempawah")
    kim = Kim.objects.get(pk=a.kim.pk)
    kim.is_active = False
    kim.save()
    # A deactivated KIM's rows leave the side table; another KIM's stay.
    assert {row[1] for row in _entries()} == {other.pk}
    assert search_all("festival", kabupaten="61.07")["posts"].count() == 0
    kim.is_active = True
    kim.save()
    # Reactivated: what it shows comes back (not its draft).
    assert _ids(0) == {post.pk, other.pk}
    assert _ids(1) == {potensi.pk}
    assert draft.pk not in _ids(0)
    assert _entries() == _expected()
    # A KIM found to lie in another kabupaten takes its entries there.
    kim.region = b.kim.region
    kim.save()
    assert {row[2] for row in _entries()} == {"61.04"}
    assert _entries() == _expected()
    assert [p.title for p in search_all("layang", kabupaten="61.04")["posts"]] == [post.title]
    # A bulk deactivation (no save(), no signal) is followed too.
    Kim.objects.filter(pk=kim.pk).update(is_active=False)
    assert {row[1] for row in _entries()} == {other.pk}


def _wide_table_search(query: str, code: str | None, cap: int = RESULT_CAP) -> dict:
    """The search of migration 0015, which read the wide tables: the reference."""
    parsed = search_module.parse_query(query)
    tsquery, params = search_module.pg_tsquery_sql(parsed)
    now = timezone.now()
    found = {}
    for target in TARGETS.values():
        table = target.model._meta.db_table
        shown = (
            "t.status = 'published' AND t.published_at <= %s"
            if target.scheduled
            else "t.is_published"
        )
        tenant = "AND k.kabupaten_id = %s AND t.search_kabupaten = %s" if code else ""
        sql = (
            f"SELECT c.id FROM (SELECT t.id, t.{target.newest} AS newest, t.search_vector"
            f" FROM {table} t JOIN communities_kim k ON k.id = t.kim_id"
            f" WHERE k.is_active AND {shown} AND t.search_vector @@ ({tsquery}) {tenant}"
            f" ORDER BY t.{target.newest} DESC, t.id DESC LIMIT %s) c"
            f" ORDER BY ts_rank(c.search_vector, ({tsquery})) DESC, c.newest DESC, c.id DESC"
        )
        values = [*([now] if target.scheduled else []), *params]
        values += [*([code, code] if code else []), cap + 1, *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            found[target.key] = [row[0] for row in cursor.fetchall()]
    return found


def test_results_are_those_of_the_wide_table_search(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    topics = ["Posyandu balita", "Gotong royong", "Jalan desa rusak", "Panen padi", "Pupuk kompos"]
    for n in range(40):
        tenant = a if n % 3 else b
        post = _post(
            tenant,
            f"{topics[n % 5]} {n}",
            f"<p>{topics[(n * 7) % 5]} dan {topics[(n * 3) % 5]} di dusun {n}.</p>",
            publish=n % 11 != 0,
        )
        if n % 4 == 0:  # a spread of dates, some equal
            when = timezone.now() - datetime.timedelta(days=n % 9)
            Post.objects.filter(pk=post.pk).update(published_at=when)
        if n % 6 == 0:
            _content(tenant, "potensi", f"{topics[n % 5]} potensi {n}", published=n % 12 != 0)
            _content(tenant, "produk", f"Pupuk {topics[n % 5]} {n}")
    queries = [
        "posyandu",
        "jalan desa",
        '"jalan desa"',
        "panen or pupuk",
        "gotong -royong",
        "posyandu -balita",
        "dusun",
        "tidak ada",
    ]
    for query in queries:
        for code in ("61.07", "61.04", None):
            for cap in (RESULT_CAP, 3):
                wanted = _wide_table_search(query, code, cap)
                got = search_module.search_targets(
                    tuple(TARGETS.values()), query, kabupaten=code, cap=cap
                )
                for key, ids in wanted.items():
                    assert got[key].ids == ids[:cap], (query, code, cap, key)
                    assert got[key].capped == (len(ids) > cap), (query, code, cap, key)
    assert search_all("posyandu", kabupaten="61.07")["posts"].count() > 0
