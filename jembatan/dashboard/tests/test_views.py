import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from openpyxl import load_workbook

from jembatan.dashboard import rollup as R
from jembatan.dashboard.lists import LISTS, XLSX_MAX_ROWS
from jembatan.dashboard.tests.conftest import shown_figures, shown_rows
from jembatan.testing.pdf import pdftotext

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


@pytest.mark.django_db  # the request resolves its tenant from the host
def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_every_list_a_dashboard_links_to_is_a_list(client, refreshed):
    # The lists' paths are reversed once per process, for every list there is.
    client.force_login(refreshed.admin)
    html = client.get(URL).content.decode()
    linked = re.findall(r'href="/kelola/dasbor/daftar/([^/"]+)/\?wilayah=61\.07', html)
    assert len(linked) > 50
    assert set(linked) <= set(LISTS) and len(set(linked)) >= 8


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
    # The figures of the world (conftest): 3 KIMs in 3 of 4 desa; 4 posts published (the
    # scheduled one and the other kabupaten's left out); 5 cases, the confidential one
    # included for Diskominfo, one answered (rating 4, same day), one past its deadline.
    figures = shown_figures(html)
    assert figures["KIM aktif"] == "3"
    assert figures["Desa/kelurahan ber-KIM"] == "3 / 4 (75%)"
    assert figures["Berita terbit"] == "4"
    assert figures["Informasi diterbitkan ulang"] == "1"
    assert figures["Jangkauan (dilihat + klik)"] == "10"  # 7 views + 3 clicks
    assert figures["Aspirasi diterima"] == "5"
    assert figures["Aspirasi terbuka"] == "4"
    assert figures["Melewati batas waktu"] == "1"
    assert figures["Aspirasi dijawab"] == "1"
    assert figures["Median hari kerja sampai dijawab"] == "0"
    assert figures["Kepuasan warga (1-5)"] == "4.0"
    assert figures["Kehadiran pelatihan"] == "0"
    # Per kecamatan: KIM, desa with KIM / desa, coverage, posts, cases, open, overdue.
    rows = shown_rows(html)
    assert rows["Sungai Raya"] == ["2", "2 / 3", "67%", "3", "4", "3", "1"]
    assert rows["Capkala"] == ["1", "1 / 1", "100%", "1", "1", "1", "0"]
    assert "Pinyuh" not in html
    # This month's line of the trend table: posts, republished, reach, cases, answered,
    # training attendance.
    this_month = rows[dateformat.format(timezone.localdate(), "F Y")]  # "Desember 2026"
    assert this_month == ["4", "1", "10", "5", "1", "0"]


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
    # Its kecamatan's figures: 2 KIMs in 2 of 3 desa, 3 posts, and the 3 cases a camat may
    # see (the confidential one left out), 2 of them open, 1 past its deadline.
    figures = shown_figures(html)
    assert figures["KIM aktif"] == "2"
    assert figures["Desa/kelurahan ber-KIM"] == "2 / 3 (67%)"
    assert figures["Berita terbit"] == "3"
    assert figures["Aspirasi diterima"] == "3"
    assert figures["Aspirasi terbuka"] == "2"
    assert figures["Melewati batas waktu"] == "1"
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
    ("metric", "count"),
    [
        ("kim", 3),
        ("kim-tanpa-kegiatan", 1),  # Karimunting
        ("desa-tanpa-kim", 1),  # Sungai Duri
        ("berita", 4),
        ("terbit-ulang", 1),
        ("jangkauan", 2),  # the item's two deliveries
        ("aspirasi", 5),
        ("aspirasi-terbuka", 4),
        ("aspirasi-terlambat", 1),
        ("aspirasi-dijawab", 1),
        ("pelatihan", 0),
    ],
)
def test_every_list_renders_and_exports(client, refreshed, metric, count):
    """The page, the CSV and the XLSX list the same rows, as many as the figure says."""
    client.force_login(refreshed.admin)
    url = f"/kelola/dasbor/daftar/{metric}/"
    response = client.get(url, {"wilayah": "61.07"})
    assert response.status_code == 200
    assert b"Rahasiawati" not in response.content
    assert response.context["page"].paginator.count == count
    response = client.get(url, {"wilayah": "61.07", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Rahasiawati" not in body and "081234" not in body and "example.test" not in body
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows) == 1 + count  # the heading and the rows
    response = client.get(url, {"wilayah": "61.07", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert len(sheet) == 1 + count
    assert [str(v) for v in sheet[0]] == rows[0]


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


def _pdf_lines(text: str) -> dict[str, list[str]]:
    """label -> the values after it, for the lines of a -layout text (columns: 2+ spaces)."""
    lines = {}
    for line in text.splitlines():
        cells = [c for c in (c.strip() for c in line.split("  ")) if c]
        if len(cells) > 1:
            lines[cells[0]] = cells[1:]
    return lines


def test_monthly_pdf_report(client, refreshed, tmp_path):
    client.force_login(refreshed.admin)
    month = timezone.localdate()
    url = f"/kelola/dasbor/laporan/{month:%Y-%m}.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Rahasiawati" not in response.content
    text = pdftotext(response.content, tmp_path, layout=True)
    assert "Rahasiawati" not in text
    lines = _pdf_lines(text)
    assert lines["KIM aktif"] == ["3"]
    assert lines["Desa/kelurahan ber-KIM"] == ["3/4"]
    assert lines["Cakupan desa/kelurahan (%)"] == ["75,0"]
    assert lines["Berita terbit"] == ["4"]
    assert lines["Informasi diterbitkan ulang"] == ["1"]
    assert lines["Jangkauan (dilihat + klik)"] == ["10"]
    assert lines["Aspirasi diterima"] == ["5"]
    assert lines["Aspirasi dijawab"] == ["1"]
    assert lines["Aspirasi terbuka pada akhir bulan"] == ["4"]
    assert lines["Aspirasi melewati batas waktu pada akhir bulan"] == ["1"]
    # Per kecamatan: KIM, desa with KIM, coverage, posts, cases, overdue.
    assert lines["Sungai Raya"] == ["2", "2/3", "67%", "3", "4", "1"]
    assert lines["Capkala"] == ["1", "1/1", "100%", "1", "1", "0"]
    assert client.get("/kelola/dasbor/laporan/2099-01.pdf").status_code == 400
    assert client.get("/kelola/dasbor/laporan/2026-13.pdf").status_code == 400
    client.force_login(refreshed.operator)
    assert client.get(url, {"wilayah": ""}).status_code == 200
