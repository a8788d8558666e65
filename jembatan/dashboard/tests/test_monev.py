"""The quarterly and yearly monev report: figures, PDF, CSV, access, periods, queries.

The world: Kabupaten Bengkayang (61.07) with two kecamatan and four active KIMs at three
region levels and a deactivated one; Kabupaten Mempawah (61.04) in the same province with
one KIM; a KIM of another province. The report read is the second quarter of 2025,
compared with the first. Bengkayang's score levels are low (Berkembang from 10 points,
2 per post), so a few posts move a KIM: KIM A goes up in Q2, KIM B (whose posts of May
2024 leave the twelve months before the end of Q2) goes down.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import Role, User
from jembatan.aspirations.models import Aspiration
from jembatan.communities.models import Kim, Position
from jembatan.dashboard import monev
from jembatan.dashboard.tests.conftest import shown_rows
from jembatan.dissemination.models import Delivery, Feedback, InfoItem, ShareLink
from jembatan.literacy.models import Certificate, Registration, ScoreWeights, Training
from jembatan.sites.models import Post
from jembatan.testing.db import built_once, fresh_copy
from jembatan.testing.factories import (
    AspirationFactory,
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    PostFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)
from jembatan.testing.pdf import pdftotext

WIB = ZoneInfo("Asia/Jakarta")
URL = "/kelola/dasbor/monev/"
Q2 = {"tahun": "2025", "triwulan": "2"}


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=WIB)


@dataclass
class World:
    kim_a: Kim
    kim_b: Kim
    admin: User
    admin_other: User
    province: User
    camat: User


def posts(kim: Kim, when: datetime.datetime, count: int = 1, **extra) -> None:
    for _ in range(count):
        PostFactory(kim=kim, published_at=when, **extra)


def _build() -> World:
    region_chain("61", "Kalimantan Barat")
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    sungai_raya = region_chain("61.07.04", "Sungai Raya")
    capkala = region_chain("61.07.05", "Capkala")
    desa_a = region_chain("61.07.04.2001", "Sungai Jaga A")
    desa_b = region_chain("61.07.04.2002", "Karimunting")
    kelurahan_d = region_chain("61.07.05.1001", "Capkala Kota")
    ScoreWeights.objects.create(
        kabupaten_id="61.07", level_berkembang=10, level_maju=100, level_mandiri=200
    )
    old = at(2023, 6)
    kim_a = KimFactory(name="KIM Sungai Jaga", region=desa_a, created_at=old)
    kim_b = KimFactory(name="KIM Karimunting", region=desa_b, created_at=old)
    kim_c = KimFactory(name="KIM Capkala", region=capkala, created_at=at(2025, 5))  # new in Q2
    kim_d = KimFactory(name="KIM Capkala Kota", region=kelurahan_d, created_at=at(2025, 2))
    gone = KimFactory(name="KIM Lama", region=desa_a, created_at=old, is_active=False)
    kim_o = KimFactory(
        name="KIM Pinyuh", region=region_chain("61.04.05.2001", "Sungai Pinyuh"), created_at=old
    )
    kim_p = KimFactory(
        name="KIM Samarinda", region=region_chain("64.72.01.1001", "Samarinda"), created_at=old
    )
    # Posts: A one in Q1 and five in Q2 (up to Berkembang), B five in May 2024 only,
    # C one in Q2, the deactivated KIM one in Q2 (counted), and what is not counted.
    posts(kim_a, at(2025, 2))
    posts(kim_a, at(2025, 5), 5)
    posts(kim_b, at(2024, 5), 5)
    posts(kim_c, at(2025, 6))
    posts(gone, at(2025, 4))
    posts(kim_a, at(2025, 7))  # after the period
    posts(kim_a, at(2025, 5), status=Post.Status.DRAFT)
    posts(kim_o, at(2025, 5))
    posts(kim_p, at(2025, 5))
    # Information: D receives and re-publishes in Q2 (seen 7 times, 3 clicks, feedback);
    # A received one in Q1 (seen twice).
    item = InfoItem.objects.create(
        area_id="61.07",
        author=UserFactory(),
        title="Vaksinasi",
        slug="vaksinasi",
        body="Isi",
        status=InfoItem.Status.PUBLISHED,
        published_at=at(2025, 2),
    )
    to_d = Delivery.objects.create(
        item=item,
        kim=kim_d,
        created_at=at(2025, 4),
        republished_at=at(2025, 4, 12),
        shared_at=at(2025, 4, 12),
        view_count=7,
    )
    ShareLink.objects.create(delivery=to_d, channel="whatsapp", code="monev1", click_count=3)
    Feedback.objects.create(delivery=to_d, author=UserFactory(), body="Jadwalnya?")
    Feedback.objects.filter(delivery=to_d).update(created_at=at(2025, 4, 15))
    Delivery.objects.create(item=item, kim=kim_a, created_at=at(2025, 2), view_count=2)
    # Training: one held in Q2 (two of A's members attend, one certificate), a draft.
    training = TrainingFactory(
        starts_at=at(2025, 5, 20), ends_at=at(2025, 5, 20) + datetime.timedelta(hours=4)
    )
    training.status = Training.Status.CLOSED
    training.save(update_fields=["status"])
    TrainingFactory(status=Training.Status.DRAFT, starts_at=at(2025, 5), ends_at=at(2025, 5, 11))
    for n in range(2):
        member = KimMembershipFactory(kim=kim_a).user
        Registration.objects.create(
            training=training,
            user=member,
            kim=kim_a,
            checkin_code=f"MONEV{n}",
            attended_at=at(2025, 5, 20),
            checkin_method=Registration.Method.LIST,
        )
    Certificate.objects.create(
        user=member,
        kind=Certificate.Kind.ATTENDANCE,
        training=training,
        code="MONEVCERT001",
        holder_name="Peserta",
        subject=training.title,
        issued_at=at(2025, 5, 21),
    )
    # Aspirations: in Q2 one recorded by A, one from the web, one confidential; Q1 one.
    AspirationFactory.row(
        region=desa_a, created_at=at(2025, 5), channel=Aspiration.Channel.KIM, kim=kim_a
    )
    AspirationFactory.row(region=kelurahan_d, created_at=at(2025, 6))
    AspirationFactory.row(
        region=desa_b,
        created_at=at(2025, 6),
        visibility=Aspiration.Visibility.CONFIDENTIAL,
    )
    AspirationFactory.row(region=desa_b, created_at=at(2025, 1, 20))
    AspirationFactory.row(region=region_chain("61.04.05.2001"), created_at=at(2025, 5))
    ketua = UserFactory()
    KimMembershipFactory(kim=kim_a, user=ketua, position=Position.KETUA)
    return World(
        kim_a=kim_a,
        kim_b=kim_b,
        admin=MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.07").user,
        admin_other=MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.04").user,
        province=MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61").user,
        camat=MembershipFactory(role=Role.CAMAT, region_id=sungai_raya.code).user,
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, _build)


@pytest.fixture
def world(db, _module_world) -> World:
    return fresh_copy(_module_world)


def test_periods():
    q1 = monev.MonevPeriod(2025, 1)
    assert q1.previous() == monev.MonevPeriod(2024, 4)
    assert monev.MonevPeriod(2025).previous() == monev.MonevPeriod(2024)
    assert monev.MonevPeriod(2024, 4).end_month == datetime.date(2025, 1, 1)
    assert monev.MonevPeriod(2025, 3).last_day == datetime.date(2025, 9, 30)
    today = datetime.date(2026, 2, 3)
    assert monev.parse_period(None, "", today) == monev.MonevPeriod(2025, 4)
    assert monev.parse_period(2025, "", today) == monev.MonevPeriod(2025)
    assert monev.parse_period(2026, "1", today) == monev.MonevPeriod(2026, 1)
    for bad in ("5", "0", "IV", "1; drop"):
        with pytest.raises(monev.BadPeriod):
            monev.parse_period(2025, bad, today)
    with pytest.raises(monev.BadPeriod):
        monev.parse_period(2026, "2", today)  # not begun yet


def test_kabupaten_figures(client, world):
    client.force_login(world.admin)
    response = client.get(URL, Q2)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Triwulan II 2025" in html and "Triwulan I 2025" in html
    rows = shown_rows(html)
    # [this period, previous, change]
    assert rows["KIM terdaftar pada akhir periode"] == ["4", "3", "+1"]
    assert rows["KIM tingkat desa"] == ["2", "2", "0"]
    assert rows["KIM tingkat kelurahan"] == ["1", "1", "0"]
    assert rows["KIM tingkat kecamatan"] == ["1", "0", "+1"]
    assert rows["Tingkat Pemula"] == ["3", "2", "+1"]
    assert rows["Tingkat Berkembang"] == ["1", "1", "0"]
    assert rows["Tingkat Maju"] == ["0", "0", "0"]
    assert rows["Berita terbit"] == ["7", "1", "+6"]
    assert rows["Informasi pembangunan diterima KIM"] == ["1", "1", "0"]
    assert rows["Informasi diterbitkan ulang"] == ["1", "0", "+1"]
    assert rows["Informasi dibagikan"] == ["1", "0", "+1"]
    assert rows["Umpan balik KIM atas informasi"] == ["1", "0", "+1"]
    assert rows["Sesi pelatihan"] == ["1", "0", "+1"]
    assert rows["Kehadiran peserta"] == ["2", "0", "+2"]
    assert rows["Peserta (orang)"] == ["2", "0", "+2"]
    assert rows["Sertifikat diterbitkan"] == ["1", "0", "+1"]
    assert rows["Informasi dilihat"] == ["7", "2", "+5"]
    assert rows["Klik tautan berbagi"] == ["3", "0", "+3"]
    assert rows["Jangkauan (dilihat + klik)"] == ["10", "2", "+8"]
    assert rows["Aspirasi dicatat KIM"] == ["1", "0", "+1"]
    assert rows["Aspirasi seluruhnya"] == ["3", "1", "+2"]  # with the confidential one
    assert rows["KIM baru"] == ["1", "1", "0"]
    assert rows["KIM naik tingkat"] == ["1", "0", "+1"]
    assert rows["KIM turun tingkat"] == ["1", "0", "+1"]
    # Q2: A and C posted, D re-published: B alone; Q1: B and D (A posted).
    assert rows["KIM tanpa kegiatan"] == ["1", "2", "-1"]
    # Per kecamatan: KIM, new, Pemula..Mandiri, posts, re-published, reach, attendance,
    # aspirations via KIM, all aspirations.
    assert rows["Sungai Raya"] == ["2", "0", "1", "1", "0", "0", "6", "0", "0", "2", "1", "2"]
    assert rows["Capkala"] == ["2", "1", "2", "0", "0", "0", "1", "1", "10", "0", "0", "1"]


def test_province_officer_reads_the_province(client, world):
    client.force_login(world.province)
    response = client.get(URL, {"wilayah": "61", **Q2})
    assert response.status_code == 200
    rows = shown_rows(response.content.decode())
    assert rows["KIM terdaftar pada akhir periode"][0] == "5"  # Samarinda's is not theirs
    assert rows["Berita terbit"][0] == "8"
    # Without the confidential case (a province officer opens none).
    assert rows["Aspirasi seluruhnya"] == ["3", "1", "+2"]
    assert rows["Kabupaten Mempawah"][0] == "1"
    assert rows["Kabupaten Bengkayang"][0] == "4"
    # And each kabupaten of the province; never another province.
    assert client.get(URL, {"wilayah": "61.07", **Q2}).status_code == 200
    assert client.get(URL, {"wilayah": "64", **Q2}).status_code == 404
    assert client.get(URL, {"wilayah": "64.72", **Q2}).status_code == 404


def test_access(client, world):
    assert "/akun/masuk/" in client.get(URL, Q2)["Location"]
    client.force_login(world.admin)
    assert client.get(URL, Q2).status_code == 200  # their kabupaten by default
    assert client.get(URL, {"wilayah": "61.04", **Q2}).status_code == 404
    assert client.get(URL, {"wilayah": "61", **Q2}).status_code == 404
    assert client.get(URL, {"wilayah": "61.07.04", **Q2}).status_code == 404
    # Another kabupaten's Diskominfo acts for nothing on Bengkayang's host (tenant_scope).
    client.force_login(world.admin_other)
    assert client.get(URL, {"wilayah": "61.07", **Q2}).status_code == 403
    # On their own host: their kabupaten, and Bengkayang is out of reach.
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    own = client.get(URL, Q2, HTTP_HOST="mempawah.test")
    assert own.status_code == 200
    assert "Kabupaten Mempawah" in own.content.decode()
    other = client.get(URL, {"wilayah": "61.07", **Q2}, HTTP_HOST="mempawah.test")
    assert other.status_code == 404
    client.force_login(world.camat)
    assert client.get(URL, Q2).status_code == 403
    client.force_login(UserFactory())
    assert client.get(URL, Q2).status_code == 403


def test_dashboard_links_to_the_report(client, world):
    client.force_login(world.admin)
    assert URL in client.get("/kelola/dasbor/", {"wilayah": "61.07"}).content.decode()
    client.force_login(world.camat)
    assert URL not in client.get("/kelola/dasbor/").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tahun": "2025", "triwulan": "5"}, "Triwulan “5” tidak dikenal"),
        ({"tahun": "20x5", "triwulan": "1"}, "tidak valid"),
        ({"tahun": "2099", "triwulan": ""}, "belum dapat dilaporkan"),
        ({"tahun": "2025", "triwulan": "1", "format": "xls"}, "Format unduhan tidak dikenal"),
    ],
)
def test_bad_period_is_a_clear_error(client, world, query, message):
    client.force_login(world.admin)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_pdf(client, world, tmp_path):
    client.force_login(world.admin)
    response = client.get(URL, {**Q2, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "monev-kim-kabupaten-bengkayang-2025-tw2" in response["Content-Disposition"]
    text = pdftotext(response.content, tmp_path, layout=True)
    for heading in (
        "Laporan Monitoring dan Evaluasi KIM",
        "KIM menurut tingkat",
        "Kegiatan",
        "Pelatihan",
        "Jangkauan",
        "Aspirasi",
        "Perubahan sejak periode sebelumnya",
        "Per Kecamatan",
        "Cara menghitung",
    ):
        assert heading in text
    lines = {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in line.split("  ") if c.strip()] for line in text.splitlines()
        )
        if len(cells) > 1
    }
    assert lines["KIM naik tingkat"] == ["1", "0", "+1"]
    assert lines["Berita terbit"] == ["7", "1", "+6"]
    assert "Rahasiawati" not in text


def test_csv(client, world):
    client.force_login(world.admin)
    response = client.get(URL, {"tahun": "2025", "triwulan": "", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0] == [
        "Bagian",
        "Ukuran",
        "Kode wilayah",
        "Wilayah",
        "Periode",
        "Nilai",
        "Periode sebelumnya",
        "Nilai periode sebelumnya",
        "Selisih",
    ]
    by_measure = {(r[1], r[2]): r for r in rows[1:]}
    # The whole of 2025 against 2024.
    posts = by_measure[("Berita terbit", "61.07")]
    assert posts[4:] == ["Tahun 2025", "9", "Tahun 2024", "5", "4"]
    assert by_measure[("KIM baru", "61.07")][5:] == ["2", "Tahun 2024", "0", "2"]
    assert by_measure[("Berita", "61.07.05")][3:6] == ["Capkala", "Tahun 2025", "1"]
    # Every section's measure and every kecamatan's column is there.
    assert len(rows) == 1 + 26 + 2 * len(monev.UNIT_COLUMNS)


def test_queries_do_not_grow_with_kims(client, world):
    client.force_login(world.admin)
    client.get(URL, Q2)  # the session and roles warm
    with CaptureQueriesContext(connection) as first:
        assert client.get(URL, Q2).status_code == 200
    kecamatan = region_chain("61.07.06", "Lumar")
    for n in range(6):
        kim = KimFactory(
            name=f"KIM Lumar {n}",
            region=region_chain(f"61.07.06.20{n:02d}", f"Desa {n}"),
            created_at=at(2024, 3),
        )
        posts(kim, at(2025, 5), 2)
        Delivery.objects.create(
            item=InfoItem.objects.get(slug="vaksinasi"), kim=kim, created_at=at(2025, 5)
        )
    with CaptureQueriesContext(connection) as second:
        response = client.get(URL, Q2)
    assert shown_rows(response.content.decode())[kecamatan.name][0] == "6"
    assert len(second) == len(first)
    assert len(first) < 50


def test_the_province_report_says_confidential_cases_are_left_out(client, world, tmp_path):
    client.force_login(world.province)
    query = {"wilayah": "61", **Q2}
    html = client.get(URL, query).content.decode()
    assert "Aspirasi (tidak termasuk aspirasi rahasia)" in html
    assert "Aspirasi rahasia tidak termasuk" in html
    response = client.get(URL, {**query, "format": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    total = next(r for r in rows if r[1] == "Aspirasi seluruhnya")
    assert total[0] == "Aspirasi (tidak termasuk aspirasi rahasia)"
    units = [r[1] for r in rows if r[2] == "61.07" and "spirasi" in r[1]]
    assert units and all("tidak termasuk aspirasi rahasia" in label for label in units)
    pdf = pdftotext(client.get(URL, {**query, "format": "pdf"}).content, tmp_path)
    assert "tidak termasuk aspirasi rahasia" in " ".join(pdf.split())
    # Diskominfo of the kabupaten counts them: no such note.
    client.force_login(world.admin)
    assert "rahasia" not in client.get(URL, Q2).content.decode()


def test_pdf_renders_per_account_are_limited(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MONEV_PDF_LIMIT = 1
    client.force_login(world.admin)
    assert client.get(URL, {**Q2, "format": "pdf"}).status_code == 200
    refused = client.get(URL, {**Q2, "format": "pdf", "z": "1"})
    assert refused.status_code == 429 and "Terlalu banyak percobaan" in refused.content.decode()
    assert client.get(URL, {**Q2, "format": "csv"}).status_code == 200  # cheap: not limited
    cache.clear()
