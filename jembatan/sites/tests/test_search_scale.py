"""Search at national scale: the stored tsvector (PostgreSQL), the capped candidate set and
its "lebih dari" wording, the same on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jembatan.sites import search as search_module
from jembatan.sites import services
from jembatan.sites.content import KINDS, content_save
from jembatan.sites.models import Post
from jembatan.sites.search import POSTS, search_all, search_posts
from jembatan.sites.tests.test_search_entries import crowd_the_side_table

pytestmark = pytest.mark.django_db


def _publish(tenant, title, body="<p>Kabar dari warga.</p>", *, days_ago=0):
    post = services.post_create(
        actor=tenant.owner, kim=tenant.kim, data={"title": title, "body": body}
    )
    post = services.post_transition(actor=tenant.owner, post=post, action="publish")
    when = timezone.now() - datetime.timedelta(days=days_ago, minutes=1)
    Post.objects.filter(pk=post.pk).update(published_at=when)
    return post


def _stored_vector(post) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM kimsites_post WHERE id = %s", [post.pk])
        return cursor.fetchone()[0]


def test_more_matches_than_the_cap_are_capped_and_ranked_among_the_newest(two_tenants):
    a = two_tenants.a
    # The oldest is the best match (the word in its title), but only the newest `cap` + 1
    # matches are candidates: it is not ranked at all.
    _publish(a, "Posyandu balita", "<p>Posyandu posyandu.</p>", days_ago=30)
    for day in (3, 2, 1):
        _publish(a, f"Kabar hari {day}", "<p>Ada posyandu di dusun.</p>", days_ago=day)
    results = POSTS.search("posyandu", kabupaten="61.07", cap=2)
    assert results.capped is True
    assert results.count() == 2
    assert [p.title for p in results] == ["Kabar hari 1", "Kabar hari 2"]
    # Exactly at the cap is not "more than".
    exactly = POSTS.search("posyandu", kabupaten="61.07", cap=4)
    assert exactly.capped is False
    assert next(p.title for p in exactly) == "Posyandu balita"  # the title match ranks first


def test_the_cap_is_per_tenant(two_tenants):
    for day in range(3):
        _publish(two_tenants.b, f"Posyandu Mempawah {day}", days_ago=day)
    _publish(two_tenants.a, "Posyandu Bengkayang")
    results = POSTS.search("posyandu", kabupaten="61.07", cap=1)
    assert [p.title for p in results] == ["Posyandu Bengkayang"]
    assert results.capped is False


def test_page_says_more_than_the_cap_instead_of_counting(client, two_tenants, monkeypatch):
    monkeypatch.setattr(search_module, "RESULT_CAP", 3)
    for day in range(5):
        _publish(two_tenants.a, f"Gotong royong {day}", days_ago=day)
    html = client.get("/cari/", {"q": "gotong royong"}).content.decode()
    assert "Lebih dari 3 hasil untuk “gotong royong”." in html
    assert "(lebih dari 3)" in html
    assert "5 hasil" not in html
    monkeypatch.setattr(search_module, "RESULT_CAP", 5)
    html = client.get("/cari/", {"q": "gotong royong"}).content.decode()
    assert "5 hasil untuk “gotong royong”." in html
    assert "Lebih dari" not in html


def test_page_shows_big_counts_with_grouping(client, two_tenants, monkeypatch):
    monkeypatch.setattr(search_module, "RESULT_CAP", 1000)
    _publish(two_tenants.a, "Panen raya")
    html = client.get("/cari/", {"q": "panen"}).content.decode()
    assert "1 hasil untuk “panen”." in html
    assert "(1)" in html


def _content(tenant, kind, title):
    return content_save(
        actor=tenant.owner,
        kim=tenant.kim,
        kind=KINDS[kind],
        data={"title": title, "body": "<p>Dari warga.</p>", "is_published": True},
    )


def _stored_tenant(table, pk) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT search_kabupaten FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_search_takes_one_query_to_rank_and_one_per_page_of_rows(two_tenants):
    for n in range(12):
        _publish(two_tenants.a, f"Pelatihan {n}", days_ago=n)
    with CaptureQueriesContext(connection) as queries:
        results = search_all("pelatihan", kabupaten="61.07")
    # The three kinds are ranked in one query; the tenant's KIMs are a subquery of it.
    assert len(queries) == 1, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        page = list(results["posts"][:10])
        for kind in ("potensi", "produk"):
            assert list(results[kind][:10]) == []  # no ids, no query
    assert len(page) == 10
    assert len(queries) == 1, [q["sql"] for q in queries]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [((), 1), (("posts",), 2), (("posts", "potensi", "produk"), 4)],
    ids=["no match", "posts", "every kind"],
)
def test_the_search_page_takes_its_queries_only(
    client, two_tenants, settings, django_assert_num_queries, kinds, expected
):
    # The page is the words' queries alone: the ranking of all three kinds, then one page
    # of rows per kind that has any. The kabupaten comes with the tenant (no query).
    settings.PAGE_CACHE_SECONDS = 0
    a = two_tenants.a
    if "posts" in kinds:
        for n in range(12):
            _publish(a, f"Pelatihan kader {n}", days_ago=n)
    if "potensi" in kinds:
        _content(a, "potensi", "Tempat pelatihan tenun")
    if "produk" in kinds:
        _content(a, "produk", "Modul pelatihan jahit")
    client.get("/cari/", {"q": "pelatihan"})  # the first request of a worker reads more
    with django_assert_num_queries(expected):
        response = client.get("/cari/", {"q": "pelatihan"})
    html = response.content.decode()
    if kinds:
        assert f"{12 * ('posts' in kinds) + len(kinds) - 1} hasil untuk" in html
    else:
        assert "Tidak ada hasil untuk “pelatihan”." in html
    with django_assert_num_queries(0):
        client.get("/cari/")  # no words, no query


def test_a_kim_that_moves_takes_its_rows_to_the_other_tenant(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post = _publish(a, "Festival layang-layang")
    potensi = _content(a, "potensi", "Lapangan layang-layang")
    assert [p.title for p in search_posts("layang", kabupaten="61.07")] == [post.title]
    assert search_posts("layang", kabupaten="61.04").count() == 0
    if connection.vendor == "postgresql":
        # The tenant column of the index is the KIM's kabupaten (trigger of migration 0015).
        assert _stored_tenant("kimsites_post", post.pk) == "61.07"
        assert _stored_tenant("kimsites_potential", potensi.pk) == "61.07"
    # The KIM's village is found to lie in the other kabupaten: its rows follow it.
    kim = a.kim
    kim.region = b.kim.region
    kim.save()
    assert kim.kabupaten_id == "61.04"
    assert search_posts("layang", kabupaten="61.07").count() == 0
    assert [p.title for p in search_posts("layang", kabupaten="61.04")] == [post.title]
    found = search_all("layang", kabupaten="61.04")
    assert [p.title for p in found["potensi"]] == [potensi.title]
    if connection.vendor == "postgresql":
        assert _stored_tenant("kimsites_post", post.pk) == "61.04"
        assert _stored_tenant("kimsites_potential", potensi.pk) == "61.04"
        # A row moved to another KIM takes that KIM's kabupaten.
        Post.objects.filter(pk=post.pk).update(kim=two_tenants.b.kim)
        assert _stored_tenant("kimsites_post", post.pk) == "61.04"


@pytest.mark.postgresql
def test_a_tenants_matches_are_one_scan_of_the_tenant_index(two_tenants):
    # One scan of the side table's index over (tenant, vector) gives the tenant's
    # matches: neither every match in the country nor one scan per KIM. (On the national
    # data the planner takes it by itself: bench/README.md; a test database is too small
    # to ask it.)
    bengkayang = [
        _publish(two_tenants.a, f"Posyandu Bengkayang {day}", days_ago=day) for day in range(3)
    ]
    for day in range(3):
        _publish(two_tenants.b, f"Posyandu Mempawah {day}", days_ago=day)
    tsquery, params = search_module.pg_tsquery_sql(search_module.parse_query("posyandu"))
    sql = (
        "SELECT row_id FROM kimsites_search_entry"
        f" WHERE kind = 0 AND vector @@ ({tsquery}) AND kabupaten = %s ORDER BY row_id"
    )
    crowd_the_side_table(0)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, [*params, "61.07"])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {sql}", [*params, "61.07"])
        plan = [row[0].strip() for row in cursor.fetchall()]
    assert ids == sorted(post.pk for post in bengkayang)
    scans = [i for i, line in enumerate(plan) if "Index Scan on post_entry_match_idx" in line]
    assert len(scans) == 1, "\n".join(plan)
    condition = plan[scans[0] + 1]
    assert condition.startswith("Index Cond:"), condition
    assert "(kabupaten)::text = '61.07'" in condition, condition
    assert "vector @@" in condition, condition
    assert [p.title for p in search_posts("posyandu", kabupaten="61.07")] == [
        "Posyandu Bengkayang 0",
        "Posyandu Bengkayang 1",
        "Posyandu Bengkayang 2",
    ]


def test_websearch_syntax_on_the_capped_search(two_tenants):
    a = two_tenants.a
    _publish(a, "Jalan desa diperbaiki")
    _publish(a, "Jalan kabupaten rusak")
    _publish(a, "Desa wisata baru")
    assert [p.title for p in search_posts('"jalan desa"', kabupaten="61.07")] == [
        "Jalan desa diperbaiki"
    ]
    assert sorted(p.title for p in search_posts("jalan -desa", kabupaten="61.07")) == [
        "Jalan kabupaten rusak"
    ]
    assert sorted(p.title for p in search_posts("wisata or kabupaten", kabupaten="61.07")) == [
        "Desa wisata baru",
        "Jalan kabupaten rusak",
    ]


@pytest.mark.postgresql
def test_the_stored_vector_follows_create_update_and_delete(two_tenants):
    post = _publish(two_tenants.a, "Pembangunan irigasi", "<p>Air untuk sawah.</p>")
    vector = _stored_vector(post)
    assert "'bangun':1A" in vector and "'sawah'" in vector
    services.post_update(
        actor=two_tenants.a.owner,
        post=post,
        data={"title": "Perbaikan bendungan", "body": "<p>Air untuk kebun.</p>"},
    )
    vector = _stored_vector(post)
    assert "'bendung'" in vector and "'kebun'" in vector and "'sawah'" not in vector
    assert [p.title for p in search_posts("bendungan")] == ["Perbaikan bendungan"]
    assert search_posts("irigasi").count() == 0
    # Rows written without the ORM's save (bulk loads, SQL) are indexed by the trigger too.
    Post.objects.filter(pk=post.pk).update(summary="Musyawarah warga")
    assert "'musyawarah':" in _stored_vector(post)
    Post.objects.bulk_create(
        [
            Post(
                kim=two_tenants.a.kim,
                author=two_tenants.a.owner,
                title="Lomba perahu naga",
                slug="lomba",
                body="",
            )
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kimsites_post WHERE search_vector IS NULL")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM kimsites_post WHERE search_kabupaten IS NULL")
        assert cursor.fetchone()[0] == 0
    post.delete()
    assert search_posts("bendungan").count() == 0


def test_search_pages_are_cached_until_content_changes(client, two_tenants, settings):
    settings.PAGE_CACHE_SECONDS = 60
    _publish(two_tenants.a, "Panen raya padi")
    first = client.get("/cari/", {"q": "panen"})
    again = client.get("/cari/", {"q": "panen"})
    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit"
    assert "Panen raya padi" in again.content.decode()  # (the CSRF token is per visitor)
    # Publishing a post changes public content: the next search is rendered afresh.
    _publish(two_tenants.a, "Panen jagung")
    fresh = client.get("/cari/", {"q": "panen"})
    assert fresh["X-Page-Cache"] == "miss"
    assert "Panen jagung" in fresh.content.decode()
