"""Search of potensi desa and produk beside posts (/cari/), on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import datetime
import importlib
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jembatan.sites import services
from jembatan.sites.content import KINDS, content_delete, content_save
from jembatan.sites.models import Potential, Product
from jembatan.sites.search import (
    POTENTIALS,
    PRODUCTS,
    TARGETS,
    fts_match_expression,
    parse_query,
    pg_tsquery_sql,
    search_all,
)
from jembatan.sites.tests.test_search import HOSTILE_QUERIES
from jembatan.sites.tests.test_search_entries import crowd_the_side_table
from jembatan.tenants import resolve
from jembatan.testing.factories import KimFactory, region_chain

pytestmark = pytest.mark.django_db

migration_0008 = importlib.import_module("jembatan.sites.migrations.0008_content_search")
migration_0013 = importlib.import_module("jembatan.sites.migrations.0014_stored_search_vector")
migration_0015 = importlib.import_module("jembatan.sites.migrations.0015_search_by_tenant")
migration_0017 = importlib.import_module("jembatan.sites.migrations.0017_search_entries")


def _potensi(tenant, title, body="<p>Potensi warga.</p>", *, published=True, **data):
    return content_save(
        actor=tenant.owner,
        kim=tenant.kim,
        kind=KINDS["potensi"],
        data={"title": title, "body": body, "is_published": published, **data},
    )


def _produk(tenant, title, body="<p>Produk warga.</p>", *, published=True, **data):
    return content_save(
        actor=tenant.owner,
        kim=tenant.kim,
        kind=KINDS["produk"],
        data={"title": title, "body": body, "is_published": published, **data},
    )


def _found(query, kabupaten="61.07") -> dict[str, list[str]]:
    return {
        key: [item.title for item in results]
        for key, results in search_all(query, kabupaten=kabupaten).items()
    }


class SectionParser(HTMLParser):
    """The result sections of the page: heading text and item titles and links per section."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict] = {}
        self._section: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and "search-results" in (attributes.get("class") or ""):
            self._section = attributes["aria-labelledby"]
            self.sections[self._section] = {"heading": "", "titles": [], "links": []}
        elif self._section and tag in ("h2", "h3"):
            self._in = tag
            if tag == "h3":
                self.sections[self._section]["titles"].append("")
        elif self._section and tag == "a" and attributes.get("href"):
            self.sections[self._section]["links"].append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if not self._section or not self._in:
            return
        section = self.sections[self._section]
        if self._in == "h2":
            section["heading"] += data
        else:
            section["titles"][-1] += data.strip()


def _sections(client, query, **params) -> tuple[str, dict]:
    response = client.get("/cari/", {"q": query, **params})
    assert response.status_code == 200
    parser = SectionParser()
    html = response.content.decode()
    parser.feed(html)
    for section in parser.sections.values():
        section["heading"] = " ".join(section["heading"].split())
    return html, parser.sections


# --- Finding and not finding ----------------------------------------------------------


def test_membangun_finds_potensi_and_produk(two_tenants):
    a = two_tenants.a
    _potensi(a, "Pembangunan embung desa", "<p>Untuk pengairan sawah.</p>")
    _potensi(a, "Air terjun Riam Merasap", kind=Potential.Kind.WISATA)
    _produk(a, "Kayu ulin", "<p>Kayu keras untuk <b>bangunan</b> rumah.</p>")
    _produk(a, "Keripik pisang")
    assert _found("membangun") == {
        "posts": [],
        "potensi": ["Pembangunan embung desa"],
        "produk": ["Kayu ulin"],
    }
    assert _found("sawah")["potensi"] == ["Pembangunan embung desa"]
    assert _found("MEMBANGUN rumah")["produk"] == ["Kayu ulin"]


def test_location_kind_seller_and_unit_are_found(two_tenants):
    a = two_tenants.a
    _potensi(a, "Kebun lada", kind=Potential.Kind.PERTANIAN, location="Dusun Sebalo Hulu")
    _produk(a, "Beras merah", seller="Kelompok Tani Maju", unit="per karung")
    assert _found("hulu")["potensi"] == ["Kebun lada"]
    # The kind is found by its Indonesian label ("Pertanian dan perkebunan")...
    assert _found("perkebunan")["potensi"] == ["Kebun lada"]
    assert _found("pertanian")["potensi"] == ["Kebun lada"]
    assert _found("wisata")["potensi"] == []
    assert _found("maju")["produk"] == ["Beras merah"]
    assert _found("karung")["produk"] == ["Beras merah"]
    # Markup is not text.
    assert _found("amp") == {"posts": [], "potensi": [], "produk": []}


def test_labels_are_indexed_in_indonesian_whatever_the_language(two_tenants):
    with translation.override("en"):
        potential = _potensi(two_tenants.a, "Kebun lada", kind=Potential.Kind.PERTANIAN)
        assert potential.get_kind_display() == "Farming and plantations"
        assert _found("perkebunan")["potensi"] == ["Kebun lada"]
        assert _found("plantations")["potensi"] == []


def test_the_query_operators_work_the_same(two_tenants):
    a = two_tenants.a
    _produk(a, "Madu kelulut", "<p>Dari hutan desa.</p>")
    _produk(a, "Madu hutan", "<p>Dari kebun warga.</p>")
    assert set(_found("madu")["produk"]) == {"Madu kelulut", "Madu hutan"}
    assert _found("madu -kelulut")["produk"] == ["Madu hutan"]
    assert set(_found("kelulut or kebun")["produk"]) == {"Madu kelulut", "Madu hutan"}
    assert _found('"hutan desa"')["produk"] == ["Madu kelulut"]
    # The title weighs more than the body.
    assert _found("hutan")["produk"] == ["Madu hutan", "Madu kelulut"]


def test_unpublished_potensi_and_produk_are_not_found(two_tenants):
    a = two_tenants.a
    potential = _potensi(a, "Pembangunan embung desa", published=False)
    product = _produk(a, "Batu bata bangunan", published=False)
    assert _found("membangun") == {"posts": [], "potensi": [], "produk": []}
    # Shown on the site: found, with nothing to re-index.
    Potential.objects.filter(pk=potential.pk).update(is_published=True)
    Product.objects.filter(pk=product.pk).update(is_published=True)
    assert _found("membangun")["potensi"] == ["Pembangunan embung desa"]
    assert _found("membangun")["produk"] == ["Batu bata bangunan"]
    content_save(
        actor=a.owner,
        kim=a.kim,
        kind=KINDS["produk"],
        data={"is_published": False},
        instance=Product.objects.get(pk=product.pk),
    )
    assert _found("membangun")["produk"] == []


def test_another_kabupatens_potensi_and_produk_are_not_found(two_tenants):
    _potensi(two_tenants.a, "Durian Sebalo")
    _potensi(two_tenants.b, "Durian Sungai Pinyuh")
    _produk(two_tenants.b, "Dodol durian Mempawah")
    assert _found("durian") == {"posts": [], "potensi": ["Durian Sebalo"], "produk": []}
    assert _found("durian", kabupaten="61.04") == {
        "posts": [],
        "potensi": ["Durian Sungai Pinyuh"],
        "produk": ["Dodol durian Mempawah"],
    }
    assert len(_found("durian", kabupaten=None)["potensi"]) == 2


def test_an_inactive_kims_potensi_and_produk_are_not_found(two_tenants):
    a = two_tenants.a
    _potensi(a, "Tenun ikat")
    other = KimFactory(
        name="KIM Bubar", slug="kim-bubar", region=region_chain("61.07.04.2001", "Desa Dua")
    )
    Potential.objects.create(
        kim=other, title="Tenun songket", slug="tenun", is_published=True, created_by=a.owner
    )
    Product.objects.create(
        kim=other, title="Kain tenun", slug="kain", is_published=True, created_by=a.owner
    )
    assert set(_found("tenun")["potensi"]) == {"Tenun ikat", "Tenun songket"}
    assert _found("tenun")["produk"] == ["Kain tenun"]
    other.is_active = False
    other.save()
    assert _found("tenun") == {"posts": [], "potensi": ["Tenun ikat"], "produk": []}


# --- Keeping the index up to date -----------------------------------------------------


def test_editing_a_product_updates_the_index(two_tenants):
    a = two_tenants.a
    product = _produk(a, "Kerupuk basah", "<p>Dari ikan belida.</p>")
    assert _found("kerupuk")["produk"] == ["Kerupuk basah"]
    content_save(
        actor=a.owner,
        kim=a.kim,
        kind=KINDS["produk"],
        data={"title": "Amplang ikan", "body": "<p>Renyah.</p>"},
        instance=product,
    )
    assert _found("kerupuk")["produk"] == []
    assert _found("belida")["produk"] == []
    assert _found("amplang")["produk"] == ["Amplang ikan"]
    assert _found("renyah")["produk"] == ["Amplang ikan"]
    # A save of fields that are not indexed leaves the index as it is.
    product.refresh_from_db()
    product.price = 15000
    product.save(update_fields=["price"])
    assert _found("amplang")["produk"] == ["Amplang ikan"]


def test_deleting_removes_potensi_and_produk(two_tenants):
    a = two_tenants.a
    potential = _potensi(a, "Gotong royong")
    product = _produk(a, "Gotong royong kopi")
    assert _found("gotong")["potensi"] == ["Gotong royong"]
    content_delete(actor=a.owner, kim=a.kim, kind=KINDS["potensi"], instance=potential)
    product.delete()
    assert _found("gotong") == {"posts": [], "potensi": [], "produk": []}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for target in (POTENTIALS, PRODUCTS):
                cursor.execute(f"SELECT count(*) FROM {target.fts_table}")
                assert cursor.fetchone()[0] == 0, target.key


def test_rebuild_reports_the_three_counts(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post = services.post_create(
        actor=a.owner, kim=a.kim, data={"title": "Kabar irigasi", "body": "<p>x</p>"}
    )
    services.post_transition(actor=a.owner, post=post, action="publish")
    _potensi(a, "Embung irigasi")
    _potensi(b, "Sawah irigasi", published=False)  # indexed too: shown is decided later
    _produk(a, "Pompa air")
    _produk(b, "Pipa air")
    _produk(b, "Selang air")
    # Rows changed without signals (e.g. .update() or data loaded by SQL).
    Potential.objects.filter(title="Embung irigasi").update(title="Embung bendungan")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PRODUCTS.fts_table}")
        assert _found("bendungan")["potensi"] == []
        assert _found("pompa")["produk"] == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    output = out.getvalue()
    for name, count in [("Posts", 1), ("Potensi", 2), ("Produk", 3)]:
        assert re.search(rf"{name}( indexed)?: {count}\.", output), output
    assert _found("bendungan")["potensi"] == ["Embung bendungan"]
    assert _found("irigasi") == {"posts": ["Kabar irigasi"], "potensi": [], "produk": []}
    assert _found("pompa")["produk"] == ["Pompa air"]


class _SchemaEditor:
    """What the migration's RunPython functions use of a schema editor, inside a test's
    transaction (SQLite's own schema editor refuses to work in one)."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def quote_name(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def execute(self, sql: str, params=()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params or None)


@pytest.mark.own_transaction  # drops and makes the full-text tables again
def test_the_migration_indexes_existing_rows(two_tenants):
    a = two_tenants.a
    _potensi(a, "Pembangunan embung desa", kind=Potential.Kind.PERTANIAN)
    _produk(a, "Semen bangunan", seller="Toko Maju")
    if connection.vendor == "postgresql":
        # Like a real migration: no deferred foreign key checks pending while indexing.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    editor = _SchemaEditor(connection)
    if connection.vendor == "postgresql":
        # The stored vectors, tenants and side table of rows that exist before the columns
        # and the table do: the backfills of 0014, 0015 and 0017.
        migration_0017.remove_entries(apps, editor)
        migration_0015.remove_tenant_column(apps, editor)
        migration_0013.remove_search_vectors(apps, editor)
        migration_0013.add_search_vectors(apps, editor)
        migration_0015.add_tenant_column(apps, editor)
        migration_0017.add_entries(apps, editor)
    else:
        migration_0008.drop_search_indexes(apps, editor)
        migration_0008.create_search_indexes(apps, editor)
    assert _found("membangun")["potensi"] == ["Pembangunan embung desa"]
    assert _found("perkebunan")["potensi"] == ["Pembangunan embung desa"]
    assert _found("maju")["produk"] == ["Semen bangunan"]


@pytest.mark.parametrize(
    ("target", "index"),
    [
        (POTENTIALS, "potential_entry_match_idx"),
        (PRODUCTS, "product_entry_match_idx"),
    ],
    ids=["potensi", "produk"],
)
def test_the_match_is_answered_by_the_search_index(two_tenants, target, index):
    a = two_tenants.a
    make = _potensi if target is POTENTIALS else _produk
    wanted = make(a, "Pembangunan jalan desa")
    make(a, "Lomba masak")
    if connection.vendor == "postgresql":
        # The kind's GIN index over the tenant and the vector in the side table (migration
        # 0017) answers the tenant's match: with sequential scans off, the planner can
        # answer it only through that index.
        tsquery, params = pg_tsquery_sql(parse_query("membangun jalan"))
        params = [*params, "61.07"]
        sql = (
            f"SELECT row_id FROM kimsites_search_entry WHERE kind = {target.entry_kind}"
            f" AND vector @@ ({tsquery}) AND kabupaten = %s"
        )
        crowd_the_side_table(target.entry_kind)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, params)
            assert [row[0] for row in cursor.fetchall()] == [wanted.pk]
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {index}" in plan, plan
    else:
        fts = target.fts_table
        expression = fts_match_expression(parse_query("membangun jalan"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT rowid FROM {fts} WHERE {fts} MATCH %s",
                [expression],
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            cursor.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [expression])
            found = [row[0] for row in cursor.fetchall()]
        assert "VIRTUAL TABLE INDEX" in plan, plan
        assert found == [wanted.pk]
    assert [item.title for item in target.search("membangun jalan")] == [wanted.title]


def test_every_target_has_its_own_index():
    assert list(TARGETS) == ["posts", "potensi", "produk"]
    assert len({t.fts_table for t in TARGETS.values()}) == 3


# --- The page -------------------------------------------------------------------------


def test_the_page_lists_the_three_sections(client, two_tenants):
    a = two_tenants.a
    post = services.post_create(
        actor=a.owner, kim=a.kim, data={"title": "Pembangunan jalan desa", "body": "<p>x</p>"}
    )
    services.post_transition(actor=a.owner, post=post, action="publish")
    _potensi(a, "Pembangunan embung desa", location="Dusun Hulu", kind=Potential.Kind.WISATA)
    _produk(a, "Kayu ulin", "<p>Untuk bangunan.</p>", price=250000, unit="per batang")
    _produk(two_tenants.b, "Semen bangunan")  # another kabupaten
    html, sections = _sections(client, "membangun")
    assert list(sections) == ["hasil-berita", "hasil-potensi", "hasil-produk"]
    assert sections["hasil-berita"]["heading"] == "Berita (1)"
    assert sections["hasil-potensi"]["heading"] == "Potensi desa (1)"
    assert sections["hasil-produk"]["heading"] == "Produk UMKM (1)"
    assert sections["hasil-berita"]["titles"] == ["Pembangunan jalan desa"]
    assert sections["hasil-potensi"]["titles"] == ["Pembangunan embung desa"]
    assert sections["hasil-produk"]["titles"] == ["Kayu ulin"]
    assert sections["hasil-potensi"]["links"] == [
        "/kim/kim-a/potensi/pembangunan-embung-desa/",
        "/kim/kim-a/",
    ]
    assert sections["hasil-produk"]["links"] == ["/kim/kim-a/produk/kayu-ulin/", "/kim/kim-a/"]
    assert html.count("KIM Sebalo") == 3
    assert "Wisata · Dusun Hulu" in html
    assert "Rp250.000 per batang" in html
    assert "3 hasil untuk “membangun”." in html
    assert "<title>Cari: membangun" in html
    assert "<h1>Cari berita" in html
    assert "Tidak ada hasil" not in html


def test_empty_sections_and_no_results_at_all(client, two_tenants):
    _potensi(two_tenants.a, "Embung desa")
    html, sections = _sections(client, "embung")
    assert sections["hasil-berita"]["heading"] == "Berita (0)"
    assert sections["hasil-produk"]["heading"] == "Produk UMKM (0)"
    assert "Tidak ada berita yang cocok." in html
    assert "Tidak ada produk yang cocok." in html
    assert "Tidak ada hasil" not in html
    html, sections = _sections(client, "banjir")
    assert sections == {}
    assert "Tidak ada hasil untuk “banjir”." in html


def test_potensi_and_produk_show_the_best_ten(client, two_tenants):
    a = two_tenants.a
    for n in range(12):
        _produk(a, f"Kopi robusta {n}", "<p>Kopi.</p>")
    html, sections = _sections(client, "kopi")
    assert sections["hasil-produk"]["heading"] == "Produk UMKM (12)"
    assert len(sections["hasil-produk"]["titles"]) == 10
    assert "10 teratas dari 12 produk." in html
    # Newest first among equal matches.
    assert sections["hasil-produk"]["titles"][0] == "Kopi robusta 11"


def test_posts_stay_paginated_beside_potensi_and_produk(client, two_tenants):
    a = two_tenants.a
    now = timezone.now()
    for n in range(12):
        post = services.post_create(
            actor=a.owner, kim=a.kim, data={"title": f"Posyandu {n}", "body": "<p>x</p>"}
        )
        services.post_transition(
            actor=a.owner,
            post=post,
            action="publish",
            publish_at=now - datetime.timedelta(minutes=n + 1),
        )
    _potensi(a, "Posyandu balita")
    html, sections = _sections(client, "posyandu")
    assert len(sections["hasil-berita"]["titles"]) == 10
    assert sections["hasil-berita"]["heading"] == "Berita (12)"
    assert 'href="?q=posyandu&amp;halaman=2"' in html
    html, sections = _sections(client, "posyandu", halaman=2)
    assert sections["hasil-berita"]["titles"] == ["Posyandu 10", "Posyandu 11"]
    assert sections["hasil-potensi"]["titles"] == ["Posyandu balita"]
    assert "13 hasil untuk “posyandu”." in html


def test_hostile_queries_still_answer_the_page(client, two_tenants):
    _potensi(two_tenants.a, "Perbaikan jalan desa")
    _produk(two_tenants.a, "Jalan-jalan kopi")
    for query in [*HOSTILE_QUERIES, "potential_id:1", "product_id:1", "kind:wisata"]:
        response = client.get("/cari/", {"q": query})
        # NUL is refused before any view with a clear 400 page (core BadInputMiddleware).
        assert response.status_code == (400 if "\x00" in query else 200), query
        for results in search_all(query).values():
            assert isinstance(list(results), list), query
    assert Potential.objects.count() == 1
    assert Product.objects.count() == 1


def test_the_page_does_not_query_per_result(client, two_tenants):
    a = two_tenants.a

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cari/", {"q": "sagu"}).status_code == 200
        return len(captured)

    _potensi(a, "Sagu 0")
    _produk(a, "Sagu 0")
    resolve.snapshot()  # the tenant snapshot is loaded once per worker, not per request
    few = queries()
    for n in range(1, 5):
        _potensi(a, f"Sagu {n}")
        _produk(a, f"Sagu {n}")
    assert queries() == few


def test_the_page_in_english(client, settings, two_tenants):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _potensi(two_tenants.a, "Pembangunan embung desa", kind=Potential.Kind.PERTANIAN)
    html, sections = _sections(client, "membangun")
    assert sections["hasil-berita"]["heading"] == "News (0)"
    assert sections["hasil-potensi"]["heading"] == "Village potential (1)"
    assert sections["hasil-produk"]["heading"] == "Local business products (0)"
    assert "1 result for “membangun”." in html
    assert "Farming and plantations" in html
    assert "No matching news." in html
    assert "No matching products." in html
