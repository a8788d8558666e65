"""Search of posts with Indonesian stemming (/cari/), on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import datetime
import io
import os
import re
from html.parser import HTMLParser

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jembatan.sites import services
from jembatan.sites.models import Post
from jembatan.sites.search import (
    FTS_TABLE,
    fts_match_expression,
    parse_query,
    pg_tsquery_sql,
    search_posts,
    stem_text,
)
from jembatan.sites.tests.test_search_entries import crowd_the_side_table
from jembatan.testing.factories import KimFactory, region_chain

pytestmark = pytest.mark.django_db

# PostgreSQL runs beside every test run here (CI starts it), so the stemmer comparison
# talks to it directly even when the suite itself runs on SQLite.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

HOSTILE_QUERIES = [
    '"',
    '""',
    '"""',
    "*",
    "AND OR NOT (",
    "<script>",
    "(",
    ")",
    "-",
    "--",
    "or",
    "OR OR",
    "a*",
    "^jalan",
    "NEAR(jalan desa, 2)",
    "content:jalan",
    "post_id:1",
    "jalan AND",
    "'; DROP TABLE kimsites_post; --",
    "\\",
    "%_%",
    "jalan or -desa",
    '-"jalan desa"',
    "🙂🙂",
    "\u0000jalan",
    "x" * 500,
]


def _publish(tenant, title, body="<p>Kabar dari warga.</p>", *, when=None, **data):
    post = services.post_create(
        actor=tenant.owner, kim=tenant.kim, data={"title": title, "body": body, **data}
    )
    return services.post_transition(
        actor=tenant.owner, post=post, action="publish", publish_at=when
    )


def _titles(query, **kwargs) -> list[str]:
    return [post.title for post in search_posts(query, **kwargs)]


class ResultParser(HTMLParser):
    """Titles of the result list and the value of the page's search box."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.box_value: str | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "h3":
            self._in_title = True
            self.titles.append("")
        if tag == "input" and attributes.get("id") == "search-q":
            self.box_value = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data.strip()


def _page(client, query, **params):
    response = client.get("/cari/", {"q": query, **params})
    assert response.status_code == 200
    parser = ResultParser()
    parser.feed(response.content.decode())
    return response, parser


# --- Stemming -------------------------------------------------------------------------


def test_snowball_indonesian_reduces_affixed_forms_to_the_root():
    assert stem_text("Membangun PEMBANGUNAN dibangun bangunan") == "bangun bangun bangun bangun"
    assert stem_text("perjalanan berjalan, jalan-jalan") == "jalan jalan jalan jalan"
    # Words with digits are kept whole, as PostgreSQL's `indonesian` configuration does.
    assert stem_text("Covid19nya 2024") == "covid19nya 2024"


def test_python_stems_match_postgresql_indonesian_stemmer():
    words = [
        "membangun",
        "pembangunan",
        "dibangun",
        "perjalanan",
        "kesehatan",
        "pertanian",
        "menanam",
        "bermain",
        "posyandu",
        "bukunya",
        "makanlah",
        "pendidikan",
        "kebersihan",
        "memperbaiki",
        "diperbaiki",
        "pengumuman",
        "sosialisasi",
        "musyawarah",
    ]
    with psycopg.connect(POSTGRES_URL) as pg, pg.cursor() as cursor:
        for word in words:
            cursor.execute("SELECT ts_lexize('indonesian_stem', %s)", [word])
            assert cursor.fetchone()[0] == [stem_text(word)], word


# --- Finding and not finding ----------------------------------------------------------


def test_membangun_finds_pembangunan(two_tenants):
    _publish(two_tenants.a, "Pembangunan jalan desa")
    _publish(two_tenants.a, "Lomba masak")
    assert _titles("membangun") == ["Pembangunan jalan desa"]
    assert _titles("MEMBANGUN jalan") == ["Pembangunan jalan desa"]
    assert _titles("pembangunan") == ["Pembangunan jalan desa"]


def test_words_of_body_summary_and_tags_are_found(two_tenants):
    a = two_tenants.a
    _publish(a, "Kabar satu", "<p>Rapat di balai</p><p>posyandu&amp;kader bulan ini.</p>")
    _publish(a, "Kabar dua", summary="Panen raya jagung")
    _publish(a, "Kabar tiga", tags="perikanan, kolam lele")
    # Tags separate words: "balai" and "posyandu" are not glued into one.
    assert _titles("posyandu") == ["Kabar satu"]
    assert _titles("balai") == ["Kabar satu"]
    assert _titles("kader") == ["Kabar satu"]
    assert _titles("memanen jagung") == ["Kabar dua"]
    assert _titles("lele") == ["Kabar tiga"]
    # Markup is not text.
    assert _titles("amp") == []


def test_all_words_must_match_and_the_operators_work(two_tenants):
    a = two_tenants.a
    _publish(a, "Perbaikan jalan desa", when=timezone.now() - datetime.timedelta(hours=2))
    _publish(a, "Posyandu desa", when=timezone.now() - datetime.timedelta(hours=1))
    assert _titles("jalan desa") == ["Perbaikan jalan desa"]
    assert _titles("jalan pasar") == []
    assert set(_titles("jalan or posyandu")) == {"Perbaikan jalan desa", "Posyandu desa"}
    assert _titles("desa -jalan") == ["Posyandu desa"]
    assert _titles('"jalan desa"') == ["Perbaikan jalan desa"]
    assert _titles('"desa jalan"') == []


def test_drafts_reviews_scheduled_posts_and_inactive_kims_are_not_found(two_tenants):
    a = two_tenants.a
    services.post_create(
        actor=a.owner, kim=a.kim, data={"title": "Draf jembatan", "body": "<p>x</p>"}
    )
    in_review = services.post_create(
        actor=a.member, kim=a.kim, data={"title": "Usulan jembatan", "body": "<p>x</p>"}
    )
    services.post_transition(actor=a.member, post=in_review, action="submit")
    scheduled = _publish(a, "Jembatan besok", when=timezone.now() + datetime.timedelta(days=1))
    assert _titles("jembatan") == []
    # A scheduled post appears by itself once due: nothing to re-index.
    Post.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert _titles("jembatan") == ["Jembatan besok"]
    inactive = KimFactory(
        name="KIM Bubar", slug="kim-bubar", region=region_chain("61.07.04.2001", "Desa Dua")
    )
    post = Post.objects.create(
        kim=inactive,
        author=a.owner,
        title="Jembatan lama",
        slug="jembatan-lama",
        body="<p>x</p>",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    assert set(_titles("jembatan")) == {"Jembatan besok", "Jembatan lama"}
    inactive.is_active = False
    inactive.save()
    assert _titles("jembatan") == ["Jembatan besok"]
    services.post_transition(actor=a.owner, post=scheduled, action="unpublish")
    assert _titles("jembatan") == []
    assert post.pk


def test_kabupaten_limits_the_search(two_tenants):
    _publish(two_tenants.a, "Festival durian Sebalo")
    _publish(two_tenants.b, "Festival durian Sungai Pinyuh")
    assert _titles("durian", kabupaten="61.07") == ["Festival durian Sebalo"]
    assert _titles("durian", kabupaten="61.04") == ["Festival durian Sungai Pinyuh"]
    assert len(_titles("durian")) == 2


def test_title_matches_rank_above_body_matches(two_tenants):
    a = two_tenants.a
    earlier = timezone.now() - datetime.timedelta(days=2)
    later = timezone.now() - datetime.timedelta(days=1)
    _publish(a, "Pembangunan jembatan gantung", "<p>Kerja bakti warga.</p>", when=earlier)
    _publish(a, "Kerja bakti", "<p>Warga membangun jembatan gantung.</p>", when=later)
    _publish(a, "Rapat warga", "<p>Tanpa kata yang dicari.</p>", when=later)
    assert _titles("jembatan") == ["Pembangunan jembatan gantung", "Kerja bakti"]
    assert _titles("membangun") == ["Pembangunan jembatan gantung", "Kerja bakti"]


def test_equal_matches_are_newest_first(two_tenants):
    a = two_tenants.a
    now = timezone.now()
    for days, title in [(3, "Pasar murah tiga"), (1, "Pasar murah satu"), (2, "Pasar murah dua")]:
        _publish(a, title, when=now - datetime.timedelta(days=days))
    assert _titles("pasar") == ["Pasar murah satu", "Pasar murah dua", "Pasar murah tiga"]


@pytest.mark.parametrize("query", ["", " ", "a", "  b  ", "-", '"'])
def test_empty_and_one_character_queries_find_nothing(two_tenants, query):
    _publish(two_tenants.a, "a b c")
    assert _titles(query) == []


def test_hostile_queries_do_not_raise(two_tenants, client):
    _publish(two_tenants.a, "Perbaikan jalan desa")
    for query in HOSTILE_QUERIES:
        assert isinstance(_titles(query), list), query
        response = client.get("/cari/", {"q": query})
        # NUL is refused before any view with a clear 400 page (core BadInputMiddleware).
        assert response.status_code == (400 if "\x00" in query else 200), query
    assert Post.objects.count() == 1


def test_fts_expression_is_quoted_terms_only():
    assert fts_match_expression(parse_query("AND OR NOT (")) == '("and" OR "not")'
    assert fts_match_expression(parse_query('"')) == ""
    assert fts_match_expression(parse_query("<script>")) == '"script"'
    assert fts_match_expression(parse_query('membangun "jalan desa" -banjir')) == (
        '("bangun" AND "jalan desa") NOT ("banjir")'
    )
    assert fts_match_expression(parse_query("content:jalan*")) == '"content jalan"'


# --- Keeping the index up to date -----------------------------------------------------


def test_editing_a_post_updates_the_index(two_tenants):
    a = two_tenants.a
    post = _publish(a, "Pelatihan menjahit", "<p>Di balai desa.</p>")
    assert _titles("menjahit") == ["Pelatihan menjahit"]
    services.post_update(
        actor=a.owner,
        post=post,
        data={"title": "Pelatihan membatik", "body": "<p>Di aula kecamatan.</p>"},
    )
    assert _titles("menjahit") == []
    assert _titles("balai") == []
    assert _titles("batik") == ["Pelatihan membatik"]
    assert _titles("aula") == ["Pelatihan membatik"]


def test_deleting_a_post_removes_it(two_tenants):
    post = _publish(two_tenants.a, "Gotong royong")
    assert _titles("gotong") == ["Gotong royong"]
    post.delete()
    assert _titles("gotong") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
            assert cursor.fetchone()[0] == 0


def test_rebuild_search_index(two_tenants):
    _publish(two_tenants.a, "Pembangunan irigasi")
    _publish(two_tenants.b, "Pembangunan pasar")
    if connection.vendor == "sqlite":
        # Rows written without signals (e.g. .update() or data loaded by SQL).
        Post.objects.filter(title="Pembangunan irigasi").update(title="Pembangunan bendungan")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE content LIKE %s", ["%pasar%"])
        assert _titles("bendungan") == []
        assert _titles("pasar") == []
    else:
        Post.objects.filter(title="Pembangunan irigasi").update(title="Pembangunan bendungan")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert re.search(r"Posts( indexed)?: 2\.", out.getvalue()), out.getvalue()
    assert _titles("bendungan") == ["Pembangunan bendungan"]
    assert _titles("irigasi") == []
    assert _titles("pasar") == ["Pembangunan pasar"]


def test_the_match_is_answered_by_the_search_index(two_tenants):
    _publish(two_tenants.a, "Pembangunan jalan desa")
    if connection.vendor == "postgresql":
        # The posts' GIN index over the tenant and the vector in the side table (migration
        # 0017) answers the match, with no tenant too: with sequential and plain index
        # scans off, the planner can answer it only with a bitmap scan of that index.
        # (Plain index scans too: with the statistics a long suite leaves, it may
        # otherwise read the tenant's entries in date order and filter.)
        tsquery, params = pg_tsquery_sql(parse_query("membangun jalan"))
        sql = f"SELECT row_id FROM kimsites_search_entry WHERE kind = 0 AND vector @@ ({tsquery})"
        crowd_the_side_table(0)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(sql, params)
            assert [row[0] for row in cursor.fetchall()] == list(
                Post.objects.filter(title="Pembangunan jalan desa").values_list("pk", flat=True)
            )
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "Bitmap Index Scan on post_entry_match_idx" in plan, plan
    else:
        expression = fts_match_expression(parse_query("membangun jalan"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT post_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [expression],
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            cursor.execute(
                f"SELECT post_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]
            )
            found = [row[0] for row in cursor.fetchall()]
        assert "VIRTUAL TABLE INDEX" in plan, plan
        assert found == list(
            Post.objects.filter(title="Pembangunan jalan desa").values_list("pk", flat=True)
        )


# --- The page -------------------------------------------------------------------------


def test_search_page_shows_hub_kabupaten_results_only(client, two_tenants):
    _publish(two_tenants.a, "Pembangunan jalan desa")
    _publish(two_tenants.b, "Pembangunan jalan kabupaten")
    response, page = _page(client, "membangun")
    assert page.titles == ["Pembangunan jalan desa"]
    assert page.box_value == "membangun"
    html = response.content.decode()
    assert 'role="search"' in html
    assert 'href="/kim/kim-a/berita/pembangunan-jalan-desa/"' in html
    assert "KIM Sebalo" in html  # show_kim
    assert "1 hasil untuk “membangun”." in html


def test_search_page_without_results_and_without_query(client, two_tenants):
    _publish(two_tenants.a, "Pembangunan jalan desa")
    response, page = _page(client, "banjir")
    assert page.titles == []
    assert "Tidak ada hasil untuk “banjir”." in response.content.decode()
    response = client.get("/cari/")
    assert response.status_code == 200
    assert "Tidak ada hasil" not in response.content.decode()


def test_search_page_escapes_and_caps_the_query(client, two_tenants):
    response, page = _page(client, '<script>alert("x")</script>')
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert page.box_value == '<script>alert("x")</script>'
    response, page = _page(client, "jalan " * 100)
    assert len(page.box_value) <= 200


def test_search_page_pagination_keeps_the_query(client, two_tenants):
    now = timezone.now()
    for n in range(12):
        _publish(two_tenants.a, f"Posyandu {n}", when=now - datetime.timedelta(minutes=n))
    response, page = _page(client, "posyandu")
    assert len(page.titles) == 10
    html = response.content.decode()
    assert 'href="?q=posyandu&amp;halaman=2"' in html
    response, page = _page(client, "posyandu", halaman=2)
    assert page.titles == ["Posyandu 10", "Posyandu 11"]
    assert 'href="?q=posyandu&amp;halaman=1"' in response.content.decode()


def test_site_header_has_a_search_form(client, two_tenants):
    html = client.get("/").content.decode()
    assert 'action="/cari/"' in html
    assert 'id="site-search-q" name="q"' in html
    assert '<label for="site-search-q" class="visually-hidden">' in html


def test_search_page_in_english(client, settings, two_tenants):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _publish(two_tenants.a, "Pembangunan jalan desa")
    html = client.get("/cari/", {"q": "membangun"}).content.decode()
    assert "1 result for “membangun”." in html
    html = client.get("/cari/", {"q": "banjir"}).content.decode()
    assert "No results for “banjir”." in html
