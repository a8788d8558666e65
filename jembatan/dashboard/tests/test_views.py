import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jembatan.dashboard import rollup as R
from jembatan.dashboard.lists import XLSX_MAX_ROWS

URL = "/kelola/dasbor/"


@pytest.fixture
def refreshed(world):
    R.refresh()
    return world


def test_urls_are_where_the_design_says():
    assert reverse("dashboard:overview") == "/kelola/dasbor/"
    assert reverse("dashboard:statistics") == "/statistik/"
    assert reverse("dashboard:data") == "/data/"
    assert reverse("dashboard:catalog") == "/data/catalog.json"
    assert reverse("dashboard:report", kwargs={"year": 2026, "month": "11"}) == (
        "/kelola/dasbor/laporan/2026-11.pdf"
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_kabupaten_admin_sees_their_kabupaten(client, refreshed):
    client.force_login(refreshed.admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dasbor Kabupaten Bengkayang" in html
    assert "Sungai Raya" in html and "Capkala" in html  # kecamatan rows and map tiles
    assert "<svg" in html and "<title" in html  # charts and map, accessible
    assert "Diperbarui" in html
    assert "/kelola/dasbor/daftar/aspirasi-terlambat/?wilayah=61.07" in html
    assert "Rahasiawati" not in html
    assert response.context["data"].get(R.OVERDUE) == 1


def test_kabupaten_admin_cannot_read_another_kabupaten(client, refreshed):
    client.force_login(refreshed.admin)
    assert client.get(URL, {"wilayah": "61.04"}).status_code == 404
    assert client.get(URL, {"wilayah": "61.04.05"}).status_code == 404
    assert client.get(URL, {"wilayah": ""}).status_code == 404  # not the national view
    assert client.get(URL, {"wilayah": "x' or 1=1"}).status_code == 404
    # Drill down inside their own kabupaten is fine.
    assert client.get(URL, {"wilayah": "61.07.05"}).status_code == 200


def test_camat_sees_only_their_kecamatan(client, refreshed):
    client.force_login(refreshed.camat)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["scope"].code == "61.07.04"
    html = response.content.decode()
    assert "Karimunting" in html and "Sungai Duri" in html  # its desa, with or without KIM
    # Another kecamatan, the kabupaten, and lists or reports of them: 404, nothing shown.
    for params in ({"wilayah": "61.07.05"}, {"wilayah": "61.07"}, {"kabupaten": "61.07"}):
        response = client.get(URL, params)
        assert response.status_code == 404
        assert b"Capkala" not in response.content
    response = client.get("/kelola/dasbor/daftar/aspirasi/", {"wilayah": "61.07.05"})
    assert response.status_code == 404
    response = client.get("/kelola/dasbor/daftar/berita/", {"wilayah": "61.07.05", "format": "csv"})
    assert response.status_code == 404
    response = client.get("/kelola/dasbor/laporan/2026-01.pdf", {"wilayah": "61.07.05"})
    assert response.status_code == 404
    response = client.get("/kelola/dasbor/kim/kim-capkala/")
    assert response.status_code == 404


def test_camat_list_counts_only_their_kecamatan(client, refreshed):
    client.force_login(refreshed.camat)
    response = client.get("/kelola/dasbor/daftar/aspirasi-terbuka/", {"wilayah": "61.07.04"})
    assert response.status_code == 200
    # Not the case in 61.07.05, nor the confidential one in 61.07.04 (camat: not allowed).
    assert response.context["page"].paginator.count == 2


def test_operator_national_rollup_and_drill_down(client, refreshed):
    client.force_login(refreshed.operator)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["scope"].code == ""
    assert [c["code"] for c in response.context["children"]] == ["61"]
    assert response.context["data"].totals[R.POSTS] == 5
    response = client.get(URL, {"wilayah": "61"})
    assert [c["code"] for c in response.context["children"]] == ["61.04", "61.07"]
    assert client.get(URL, {"wilayah": "61.04"}).status_code == 200


def test_kim_pengurus_gets_their_kim_dashboard(client, refreshed):
    client.force_login(refreshed.ketua)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/kelola/dasbor/kim/kim-sungai-jaga/"
    response = client.get(response["Location"])
    assert response.status_code == 200
    data = response.context["data"]
    assert data.totals[R.POSTS] == 3
    assert data.totals[R.REACH] == 10
    # The open cases of its desa, without the confidential one: a pengurus who did not
    # record it sees nothing of it, not even in a count.
    assert data.get(R.OPEN) == 2
    assert client.get("/kelola/dasbor/kim/kim-capkala/").status_code == 404
    assert client.get("/kelola/dasbor/daftar/berita/", {"kim": "kim-capkala"}).status_code == 404
    response = client.get("/kelola/dasbor/daftar/berita/", {"kim": "kim-sungai-jaga"})
    assert response.context["page"].paginator.count == 3
    # A KIM list of a region is not theirs.
    assert client.get("/kelola/dasbor/daftar/berita/", {"wilayah": "61.07"}).status_code == 403


def test_outsider_is_refused(client, refreshed):
    client.force_login(refreshed.outsider)
    assert client.get(URL).status_code == 403
    assert client.get("/kelola/dasbor/kim/kim-sungai-jaga/").status_code == 404


@pytest.mark.parametrize(
    "metric",
    [
        "kim",
        "kim-tanpa-kegiatan",
        "desa-tanpa-kim",
        "berita",
        "terbit-ulang",
        "jangkauan",
        "aspirasi",
        "aspirasi-terbuka",
        "aspirasi-terlambat",
        "aspirasi-dijawab",
        "pelatihan",
    ],
)
def test_every_list_renders_and_exports(client, refreshed, metric):
    client.force_login(refreshed.admin)
    url = f"/kelola/dasbor/daftar/{metric}/"
    response = client.get(url, {"wilayah": "61.07"})
    assert response.status_code == 200
    assert b"Rahasiawati" not in response.content
    response = client.get(url, {"wilayah": "61.07", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Rahasiawati" not in body and "081234" not in body and "example.test" not in body
    response = client.get(url, {"wilayah": "61.07", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.max_row >= 1


def test_list_contents(client, refreshed):
    client.force_login(refreshed.admin)
    response = client.get("/kelola/dasbor/daftar/kim-tanpa-kegiatan/", {"wilayah": "61.07"})
    names = [row["cells"][0] for row in response.context["rows"]]
    assert names == ["KIM Karimunting"]
    response = client.get(
        "/kelola/dasbor/daftar/aspirasi-terlambat/", {"wilayah": "61.07", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Kode"
    assert [r[0] for r in rows[1:]] == [refreshed.cases[0].code]
    response = client.get("/kelola/dasbor/daftar/desa-tanpa-kim/", {"wilayah": "61.07"})
    assert [row["cells"][1] for row in response.context["rows"]] == ["Sungai Duri"]
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get("/kelola/dasbor/daftar/berita/", {"wilayah": "61.07", "bulan": month})
    assert response.context["page"].paginator.count == 4


def test_bad_list_input_is_a_clear_error(client, refreshed):
    client.force_login(refreshed.admin)
    url = "/kelola/dasbor/daftar/berita/"
    response = client.get(url, {"wilayah": "61.07", "halaman": "99"})
    assert response.status_code == 404
    assert "Halaman 99 tidak ada" in response.content.decode()
    response = client.get(url, {"wilayah": "61.07", "halaman": "abc"})
    assert response.status_code == 400
    response = client.get(url, {"wilayah": "61.07", "dari": "2000-01", "sampai": "2026-01"})
    assert response.status_code == 400
    assert "Rentang terlalu panjang" in response.content.decode()
    response = client.get(
        url, {"wilayah": "61.07", "dari": "2000-01", "sampai": "2026-01", "format": "csv"}
    )
    assert response.status_code == 400
    response = client.get(url, {"wilayah": "61.07", "bulan": "2026-13"})
    assert response.status_code == 400
    assert "tidak dikenal" in response.content.decode()
    response = client.get(url, {"wilayah": "61.07", "dari": "2026-05", "sampai": "2026-01"})
    assert response.status_code == 400
    response = client.get(url, {"wilayah": "61.07", "format": "pdf"})
    assert response.status_code == 400
    assert client.get("/kelola/dasbor/daftar/tidak-ada/").status_code == 404


def test_xlsx_over_the_cap_is_refused_with_a_message(client, refreshed, monkeypatch):
    from jembatan.dashboard import views

    monkeypatch.setattr(views, "XLSX_MAX_ROWS", 2)
    client.force_login(refreshed.admin)
    response = client.get("/kelola/dasbor/daftar/berita/", {"wilayah": "61.07", "format": "xlsx"})
    assert response.status_code == 400
    assert "unduh CSV" in response.content.decode()
    assert XLSX_MAX_ROWS > 2


def test_monthly_pdf_report(client, refreshed):
    client.force_login(refreshed.admin)
    month = timezone.localdate()
    url = f"/kelola/dasbor/laporan/{month:%Y-%m}.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Rahasiawati" not in response.content
    assert client.get("/kelola/dasbor/laporan/2099-01.pdf").status_code == 400
    assert client.get("/kelola/dasbor/laporan/2026-13.pdf").status_code == 400
    client.force_login(refreshed.operator)
    assert client.get(url, {"wilayah": ""}).status_code == 200
