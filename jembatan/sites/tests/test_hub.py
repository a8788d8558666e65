"""The regency hub (/), the KIM directory (/kim/) and a KIM's home (/kim/<slug>/)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from jembatan.communities.models import Kim
from jembatan.tenants import resolve
from jembatan.testing.factories import KimFactory, region_chain, serve_tenant

pytestmark = pytest.mark.django_db

PHONE_INPUT = "0812-3456-7890"


@dataclass
class Bengkayang:
    tenants: object
    sebalo: Kim  # desa-level KIM in kecamatan 61.07.04 (1 of its 3 villages)
    kecamatan_kim: Kim  # kecamatan-level KIM in 61.07.05 (covers no village)
    inactive: Kim  # inactive KIM in 61.07.04.2001: counted nowhere, no page


@pytest.fixture
def bengkayang(two_tenants) -> Bengkayang:
    region_chain("61.07.04.2001", "Desa Dua")
    region_chain("61.07.04.2002", "Desa Tiga")
    kec5 = region_chain("61.07.05", "Kecamatan Lima")
    region_chain("61.07.05.2001", "Desa Lima Satu")
    region_chain("61.07.05.2002", "Desa Lima Dua")
    region_chain("61.07.06", "Kecamatan Enam")  # no villages loaded
    kecamatan_kim = KimFactory(name="KIM Kecamatan Lima", slug="kim-kec-lima", region=kec5)
    inactive = KimFactory(
        name="KIM Bubar",
        slug="kim-bubar",
        region=region_chain("61.07.04.2001"),
        is_active=False,
    )
    a = two_tenants.a
    a.owner.phone = PHONE_INPUT
    a.owner.save()
    a.member.phone = "+62 813 1111 2222"
    a.member.save()
    return Bengkayang(two_tenants, two_tenants.a.kim, kecamatan_kim, inactive)


class TableParser(HTMLParser):
    """Rows of the first <tbody>, each a list of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response) -> dict[str, list[str]]:
    parser = TableParser()
    parser.feed(response.content.decode())
    return {row[0]: row[1:] for row in parser.rows}


class TestHub:
    def test_lists_own_kabupaten_kims_only(self, client, bengkayang):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 id="hub-title">Kabupaten Bengkayang</h1>' in html
        assert "KIM Sebalo" in html
        assert 'href="/kim/kim-a/"' in html
        assert "KIM Kecamatan Lima" in html
        assert "KIM Sungai Pinyuh" not in html
        assert "/kim/kim-b/" not in html
        assert "Kabupaten Mempawah" not in html
        assert "KIM Bubar" not in html
        assert response.context["kim_total"] == 2
        assert "2 KIM aktif" in html

    def test_kecamatan_coverage_table(self, client, bengkayang):
        rows = table_rows(client.get("/"))
        # Kecamatan | villages | KIM | coverage; only the hub's kabupaten's kecamatan.
        assert rows == {
            "Wilayah 61.07.04": ["3", "1", "33%"],  # Sebalo of 3 villages; the inactive KIM ignored
            "Kecamatan Lima": ["2", "1", "0%"],  # a kecamatan-level KIM covers no village
            "Kecamatan Enam": ["0", "0", "0%"],  # no villages: no division by zero
        }

    def test_coverage_counts_villages_not_kims(self, client, bengkayang):
        # A second KIM in the same village adds a KIM but no coverage.
        KimFactory(name="KIM Sebalo Muda", slug="kim-sebalo-muda", region=bengkayang.sebalo.region)
        KimFactory(name="KIM Desa Dua", slug="kim-desa-dua", region=region_chain("61.07.04.2001"))
        rows = table_rows(client.get("/"))
        assert rows["Wilayah 61.07.04"] == ["3", "3", "67%"]

    def test_kecamatan_links_to_filtered_directory(self, client, bengkayang):
        html = client.get("/").content.decode()
        assert 'href="/kim/?kecamatan=61.07.04"' in html
        assert 'href="/kim/?kecamatan=61.07.05"' in html
        assert "kecamatan=61.04.05" not in html

    @override_settings(ALLOWED_HOSTS=["testserver", "mempawah.test"])
    def test_hub_follows_the_host(self, client, bengkayang):
        serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
        html = client.get("/", HTTP_HOST="mempawah.test").content.decode()
        assert "KIM Sungai Pinyuh" in html
        assert "KIM Sebalo" not in html
        assert "Kabupaten Bengkayang" not in html
        html = client.get("/").content.decode()
        assert "KIM Sebalo" in html
        assert "KIM Sungai Pinyuh" not in html

    @pytest.mark.no_served_tenant
    def test_no_regions_loaded(self, client):
        # A fresh install: no regions, so no tenant; every host lists the (no) tenants.
        response = client.get("/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Alamat ini tidak melayani kabupaten mana pun" in html
        assert "<li>" not in html

    @override_settings(ALLOWED_HOSTS=["testserver", "landak.test"])
    def test_hub_of_a_kabupaten_without_kims_shows_no_others(self, client, two_tenants):
        # Mempawah and Bengkayang have KIMs; the host of a third kabupaten shows neither.
        serve_tenant("61.08", "Kabupaten Landak", hosts=("landak.test",))
        response = client.get("/", HTTP_HOST="landak.test")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Kabupaten Landak" in html
        assert "KIM Sebalo" not in html
        assert "KIM Sungai Pinyuh" not in html

    def test_query_count_does_not_grow_with_kims(self, client, bengkayang):
        resolve.snapshot()  # the tenant snapshot is loaded once per worker, not per request
        with CaptureQueriesContext(connection) as few:
            client.get("/")
        for n in range(8):
            KimFactory(name=f"KIM Tambahan {n}", region=region_chain("61.07.04.2002"))
        with CaptureQueriesContext(connection) as many:
            response = client.get("/")
        assert response.context["kim_total"] == 10
        assert len(many) == len(few)


class TestDirectory:
    def test_all_kims_of_the_kabupaten(self, client, bengkayang):
        response = client.get("/kim/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "KIM Sebalo" in html
        assert "KIM Kecamatan Lima" in html
        assert "KIM Sungai Pinyuh" not in html
        assert "KIM Bubar" not in html
        assert [k.name for k in response.context["kims"]] == ["KIM Kecamatan Lima", "KIM Sebalo"]

    def test_filter_by_kecamatan(self, client, bengkayang):
        response = client.get("/kim/", {"kecamatan": "61.07.04"})
        assert response.status_code == 200
        assert [k.slug for k in response.context["kims"]] == ["kim-a"]
        html = response.content.decode()
        assert "KIM Kecamatan Lima" not in html
        assert '<option value="61.07.04" selected>' in html
        assert "1 dari 3 desa/kelurahan sudah memiliki KIM (33%)" in html

    def test_filter_includes_kecamatan_level_kim(self, client, bengkayang):
        response = client.get("/kim/", {"kecamatan": "61.07.05"})
        assert [k.slug for k in response.context["kims"]] == ["kim-kec-lima"]
        assert "0 dari 2 desa/kelurahan sudah memiliki KIM (0%)" in response.content.decode()

    def test_filter_with_no_kims(self, client, bengkayang):
        response = client.get("/kim/", {"kecamatan": "61.07.06"})
        assert response.status_code == 200
        assert list(response.context["kims"]) == []
        assert "Belum ada KIM di wilayah ini." in response.content.decode()

    @pytest.mark.parametrize(
        "code", ["99.99.99", "61.04.05", "61.07", "61.07.04.1010", "", "   ", "<script>x</script>"]
    )
    def test_unknown_kecamatan_shows_all_of_the_kabupaten(self, client, bengkayang, code):
        response = client.get("/kim/", {"kecamatan": code})
        assert response.status_code == 200
        assert response.context["selected"] is None
        assert sorted(k.slug for k in response.context["kims"]) == ["kim-a", "kim-kec-lima"]
        html = response.content.decode()
        assert "KIM Sungai Pinyuh" not in html
        assert "<script>x</script>" not in html
        assert re.search(r'<option value="6[\d.]+" selected>', html) is None

    def test_kecamatan_options_are_the_hub_kabupatens(self, client, bengkayang):
        html = client.get("/kim/").content.decode()
        assert '<option value="61.07.04">' in html
        assert '<option value="61.07.05">' in html
        assert '<option value="61.04.05">' not in html
        assert "1 dari 3 desa/kel. ber-KIM" in html


class TestKimHome:
    def test_active_kim(self, client, bengkayang):
        response = client.get("/kim/kim-a/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>KIM Sebalo</h1>" in html
        # "Susunan KIM": the officers by name and post, the members as a number.
        assert "<dt>Ketua</dt><dd>Ketua kim-a</dd>" in html
        assert "Dan 1 anggota." in html
        assert "Anggota kim-a" not in html
        assert "Ketua: 1" not in html

    def test_other_kabupatens_kim_has_its_home_on_its_own_host(self, client, bengkayang, settings):
        assert client.get("/kim/kim-b/").status_code == 404
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
        serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
        assert client.get("/kim/kim-b/", HTTP_HOST="mempawah.test").status_code == 200

    def test_inactive_kim_is_404(self, client, bengkayang):
        response = client.get("/kim/kim-bubar/")
        assert response.status_code == 404
        assert "KIM Bubar" not in response.content.decode()

    def test_unknown_kim_is_404(self, client, bengkayang):
        assert client.get("/kim/tidak-ada/").status_code == 404

    def test_deactivating_removes_the_page(self, client, bengkayang):
        assert client.get("/kim/kim-a/").status_code == 200
        Kim.objects.filter(pk=bengkayang.sebalo.pk).update(is_active=False)
        assert client.get("/kim/kim-a/").status_code == 404
        assert "KIM Sebalo" not in client.get("/").content.decode()


class TestPrivacy:
    def test_pages_do_not_show_members_contacts(self, client, bengkayang):
        a = bengkayang.tenants.a
        a.owner.refresh_from_db()
        a.member.refresh_from_db()
        assert a.owner.phone == "+6281234567890"
        secrets_ = [
            a.owner.email,
            a.member.email,
            a.outsider.email,
            a.owner.phone,
            a.member.phone,
            "081234567890",
            "0812-3456-7890",
            "81234567890",
            "81311112222",
        ]
        for path in ["/", "/kim/", "/kim/?kecamatan=61.07.04", "/kim/kim-a/"]:
            html = client.get(path).content.decode()
            for secret in secrets_:
                assert secret not in html, (path, secret)


def test_directory_of_a_kabupaten_without_kims_lists_nothing(client, two_tenants, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "landak.test"]
    serve_tenant("61.08", "Kabupaten Landak", hosts=("landak.test",))
    response = client.get("/kim/", HTTP_HOST="landak.test")
    assert response.status_code == 200
    assert two_tenants.a.kim.name not in response.content.decode()
    assert two_tenants.b.kim.name not in response.content.decode()
