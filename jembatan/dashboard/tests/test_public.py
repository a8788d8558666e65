import csv
import io
import json

import pytest
from django.test import override_settings

from jembatan.dashboard import rollup as R
from jembatan.dashboard.opendata import DATASETS
from jembatan.dashboard.tests.conftest import shown_figures, shown_rows


@pytest.fixture
def refreshed(world, settings):
    R.refresh()
    return world


def test_public_statistics_page(client, refreshed):
    response = client.get("/statistik/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistik KIM Kabupaten Bengkayang" in html
    assert "<svg" in html
    assert "Sungai Raya" in html
    assert "Rahasiawati" not in html and "081234" not in html
    assert "Pinyuh" not in html  # another kabupaten
    # The public figures leave the confidential case out (4 of Bengkayang's 5).
    figures = shown_figures(html)
    assert figures["KIM aktif"] == "3"
    assert figures["desa/kelurahan ber-KIM (75%)"] == "3 / 4"
    assert figures["berita terbit"] == "4"
    assert figures["informasi diterbitkan ulang KIM"] == "1"
    assert figures["aspirasi diterima"] == "4"
    assert figures["aspirasi sedang diproses"] == "3"
    assert figures["hari kerja median sampai dijawab (12 bulan)"] == "0"
    assert figures["kepuasan warga (1\N{EN DASH}5)"] == "4,0"
    assert figures["anggota KIM terlatih"] == "0"
    rows = shown_rows(html)
    # Per kecamatan: KIM, desa with KIM / desa, posts, cases.
    assert rows["Sungai Raya"] == ["2", "2 / 3", "3", "3"]
    assert rows["Capkala"] == ["1", "1 / 1", "1", "1"]


def test_catalogue_page_and_dcat(client, refreshed):
    response = client.get("/data/")
    assert response.status_code == 200
    for slug in DATASETS:
        assert f"/data/{slug}.csv" in response.content.decode()
    response = client.get("/data/catalog.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = catalogue["dcat:dataset"]
    assert {d["dct:identifier"] for d in datasets} == set(DATASETS)
    for d in datasets:
        assert d["@type"] == "dcat:Dataset"
        formats = {x["dct:format"]["@id"].rsplit("/", 1)[1] for x in d["dcat:distribution"]}
        assert formats == {"CSV", "JSON"}
        assert all(
            x["dcat:downloadURL"]["@id"].startswith("http://testserver/data/")
            for x in d["dcat:distribution"]
        )


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def _json(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


@pytest.mark.parametrize("slug", list(DATASETS))
def test_every_dataset_downloads_without_personal_data(client, refreshed, slug):
    for fmt in ("csv", "json"):
        response = client.get(f"/data/{slug}.{fmt}")
        assert response.status_code == 200
        assert response.streaming
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Rahasiawati" not in body and "081234" not in body and "budi@" not in body
        assert "Jalan rusak" not in body  # aspiration texts stay on their own pages


def test_aspiration_dataset_excludes_confidential_and_other_kabupaten(client, refreshed):
    rows = _json(client.get("/data/aspirasi.json"))
    codes = {r["kode"].replace("-", "") for r in rows}
    assert len(rows) == 4  # 5 in Bengkayang, one confidential
    confidential = refreshed.cases[4].code
    assert confidential not in codes
    assert all(r["kode_desa"].startswith("61.07.") for r in rows)


def test_kim_and_monthly_datasets(client, refreshed):
    kims = _csv(client.get("/data/kim.csv"))
    assert sorted(k["nama"] for k in kims) == ["KIM Capkala", "KIM Karimunting", "KIM Sungai Jaga"]
    monthly = _json(client.get("/data/statistik-bulanan.json"))
    posts = [r for r in monthly if r["ukuran"] == R.POSTS and r["kode_kecamatan"] == "61.07.04"]
    assert sum(r["nilai"] for r in posts) == 3
    assert not any(r["ukuran"].startswith(R.ANSWER_DAYS) for r in monthly)


def test_dip_dataset_lists_published_non_exempt_only(client, refreshed):
    from jembatan.testing.factories import InfoDocumentFactory, PublicBodyFactory

    body = PublicBodyFactory()
    InfoDocumentFactory(body=body, title="Laporan keuangan")
    InfoDocumentFactory(
        body=body,
        title="Dokumen rahasia",
        category="dikecualikan",
        exemption_ground="a",
        exemption_reason="Penyidikan berjalan",
        exemption_harm="Menghambat penyidikan",
    )
    InfoDocumentFactory(body=body, title="Draf belum tampil", is_published=False)
    rows = _json(client.get("/data/daftar-informasi-publik.json"))
    assert [r["judul"] for r in rows] == ["Laporan keuangan"]


def test_unknown_dataset_is_404(client, refreshed):
    assert client.get("/data/tidak-ada.csv").status_code == 404
    assert client.get("/data/kim.xml").status_code == 404


@override_settings(ALLOWED_HOSTS=["testserver", "tidak-dikenal.test"])
def test_statistics_on_a_host_of_no_kabupaten_is_404(client, refreshed):
    served = client.get("/statistik/")
    assert served.status_code == 200
    assert "dashboard/statistics.html" in [t.name for t in served.templates]
    response = client.get("/statistik/", HTTP_HOST="tidak-dikenal.test")
    assert response.status_code == 404
    assert "dashboard/statistics.html" not in [t.name for t in response.templates]
    assert "Alamat ini tidak melayani kabupaten mana pun" in response.content.decode()
