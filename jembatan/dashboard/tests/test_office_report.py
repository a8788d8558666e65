"""The monthly aspirations report per office: figures as of the month's end, read from
the case events (not today's status), working days with holidays, extensions from the
audit trail, and who reads which office. March 2025 is the month under test: it begins
on a Saturday and a (test) holiday falls on Thursday 6 March."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jembatan.accounts.models import AuditLog, Office, Role, User
from jembatan.aspirations.models import Aspiration, CaseEvent, Category
from jembatan.aspirations.models import Status as S
from jembatan.aspirations.services import display_code
from jembatan.core.models import Holiday
from jembatan.core.workdays import clear_cache
from jembatan.dashboard import casereport
from jembatan.testing.factories import (
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)
from jembatan.testing.pdf import pdftotext

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)
REPORTER = "Zubaidah Rahasiawati"


def at(day: str, hour: int = 9) -> datetime.datetime:
    """A local moment (Asia/Jakarta) on a day of 2025."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(f"2025-{day}"), datetime.time(hour))
    )


@dataclass
class Month:
    pupr: Office
    dinkes: Office
    admin: User
    admin_other: User
    head_pupr: User
    officer_pupr: User
    head_dinkes: User
    cases: dict[str, Aspiration]


def _case(code, region, category, received, *, status, **extra) -> Aspiration:
    case = Aspiration.objects.create(
        code=code,
        kabupaten_id="61.07",
        region=region,
        category=category,
        description="Jalan berlubang di depan rumah Bu Zubaidah",
        reporter_name=REPORTER,
        reporter_phone="+6281234567890",
        reporter_email="zubaidah@example.test",
        status=status,
        created_at=received,
        **extra,
    )
    CaseEvent.objects.create(
        aspiration=case, kind=CaseEvent.Kind.STATUS, to_status=S.RECEIVED, created_at=received
    )
    return case


def _step(case, when, source, target, office=None) -> None:
    CaseEvent.objects.create(
        aspiration=case,
        kind=CaseEvent.Kind.STATUS,
        from_status=source,
        to_status=target,
        office=office,
        created_at=when,
    )


def _audit(case, action, when, **after) -> None:
    AuditLog.objects.create(
        action=action,
        target_type=ContentType.objects.get_for_model(Aspiration),
        target_id=str(case.pk),
        target_repr=case.code,
        after=after,
        created_at=when,
    )


@pytest.fixture
def month(db) -> Month:
    clear_cache()
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Raya")
    region_chain("61.07.05", "Capkala")
    region_chain("61.04", "Kabupaten Mempawah")
    raya = region_chain("61.07.04.2001", "Sungai Jaga A")
    capkala = region_chain("61.07.05.2001", "Capkala Desa")
    Holiday.objects.create(date=datetime.date(2025, 3, 6), name="Libur uji")
    roads = Category.objects.create(kabupaten_id="61.07", name="Jalan", answer_days=5)
    health = Category.objects.create(kabupaten_id="61.07", name="Kesehatan", answer_days=5)
    pupr = OfficeFactory(name="Dinas PUPR")
    dinkes = OfficeFactory(name="Dinas Kesehatan")
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.07").user
    admin_other = MembershipFactory(role=Role.KABUPATEN_ADMIN, region_id="61.04").user

    def officer(office, head):
        user = UserFactory()
        MembershipFactory(
            user=user, role=Role.OPD_OFFICER, region_id="61.07", office=office, is_head=head
        )
        return user

    cases = {}
    # 1: PUPR, referred the next day, answered 12 March, rated 4 on the 13th.
    c = cases["answered"] = _case("RA0001", raya, roads, at("03-03"), status=S.DONE, rating=4)
    _step(c, at("03-04", 10), S.RECEIVED, S.DISPOSED, pupr)
    _step(c, at("03-12", 15), S.DISPOSED, S.DONE, pupr)
    _step(c, at("03-13", 8), S.DONE, S.DONE)
    _audit(c, "aspiration.confirm", at("03-13", 8), rating=4, citizen_confirmed=True)
    # 2: PUPR, deadline 18 March extended to 15 April; answered only on 2 April.
    c = cases["extended"] = _case("RA0002", capkala, roads, at("03-10"), status=S.DONE)
    _step(c, at("03-11", 10), S.RECEIVED, S.DISPOSED, pupr)
    _audit(c, "aspiration.dispose", at("03-11", 10), answer_due="2025-03-18", status=S.DISPOSED)
    _step(c, at("03-12", 10), S.DISPOSED, S.IN_PROGRESS, pupr)
    _audit(c, "aspiration.extend", at("03-17", 10), answer_due="2025-04-15")
    _step(c, at("04-02", 10), S.IN_PROGRESS, S.DONE, pupr)
    # 3: PUPR since February, deadline 28 February, answered on 3 April: open and late
    # at the end of March although done today.
    c = cases["late"] = _case("RA0003", raya, health, at("02-20"), status=S.DONE)
    _step(c, at("02-21", 10), S.RECEIVED, S.DISPOSED, pupr)
    _audit(c, "aspiration.dispose", at("02-21", 10), answer_due="2025-02-28", status=S.DISPOSED)
    _step(c, at("04-03", 10), S.DISPOSED, S.DONE, pupr)
    # 4: Dinas Kesehatan, referred on Friday 7 March (the 6th a holiday), answered the 20th.
    c = cases["dinkes"] = _case("RA0004", capkala, health, at("03-05"), status=S.DONE)
    _step(c, at("03-07", 10), S.RECEIVED, S.DISPOSED, dinkes)
    _step(c, at("03-20", 10), S.DISPOSED, S.DONE, dinkes)
    # 5: not referred yet, verification due 28 March: late at the month's end.
    cases["waiting"] = _case(
        "RA0005", raya, roads, at("03-25"), status=S.RECEIVED, verify_due=datetime.date(2025, 3, 28)
    )
    # 6: April: in no figure of March.
    cases["april"] = _case("RA0006", raya, roads, at("04-02"), status=S.RECEIVED)
    return Month(
        pupr=pupr,
        dinkes=dinkes,
        admin=admin,
        admin_other=admin_other,
        head_pupr=officer(pupr, True),
        officer_pupr=officer(pupr, False),
        head_dinkes=officer(dinkes, True),
        cases=cases,
    )


def _rows(table) -> dict[str, list]:
    return {row.name: casereport.row_values(row) for row in [*table.rows, table.total]}


def _build(month: Month, office=None):
    return casereport.build(
        cases=Aspiration.objects.all(), kabupaten_code="61.07", month=MARCH, office=office
    )


def test_figures_are_those_of_the_months_end_per_office_kecamatan_and_category(month):
    report = _build(month)
    offices, kecamatan, categories = report.tables
    # received, answered, open, overdue, median days to 1st response, to answer,
    # satisfaction, ratings.
    assert _rows(offices) == {
        # 1 and 2 received; 1 answered in 7 calendar days = 6 working days (the 6th is a
        # holiday); 2 (extended) and 3 (late since 28 Feb) open at the end of March.
        "Dinas PUPR": [2, 1, 2, 1, 1, 6, 4.0, 1],
        # Received the 5th, referred the 7th: 1 working day (the 6th off); answered in 10.
        "Dinas Kesehatan": [1, 1, 0, 0, 1, 10, None, 0],
        "Belum didisposisikan (Diskominfo)": [1, 0, 1, 1, None, None, None, 0],
        "Jumlah": [4, 2, 3, 2, 1, 8, 4.0, 1],
    }
    assert _rows(kecamatan) == {
        "Sungai Raya": [2, 1, 2, 2, 1, 6, 4.0, 1],
        "Capkala": [2, 1, 1, 0, 1, 10, None, 0],
        "Jumlah": [4, 2, 3, 2, 1, 8, 4.0, 1],
    }
    assert _rows(categories)["Jalan"] == [3, 1, 2, 1, 1, 6, 4.0, 1]
    assert _rows(categories)["Kesehatan"] == [1, 1, 1, 1, 1, 10, None, 0]
    assert [line.code for line in report.lines] == [
        "RA0003",
        "RA0001",
        "RA0004",
        "RA0002",
        "RA0005",
    ]
    late = next(line for line in report.lines if line.code == "RA0003")
    assert (late.status, late.due, late.overdue) == (S.DISPOSED, datetime.date(2025, 2, 28), True)


def test_the_extension_in_the_audit_trail_decides_whether_a_case_was_late(month):
    extended = next(x for x in _build(month).lines if x.code == "RA0002")
    assert (extended.status, extended.due, extended.overdue) == (
        S.IN_PROGRESS,
        datetime.date(2025, 4, 15),
        False,
    )
    AuditLog.objects.filter(action="aspiration.extend").delete()
    extended = next(x for x in _build(month).lines if x.code == "RA0002")
    assert (extended.due, extended.overdue) == (datetime.date(2025, 3, 18), True)
    assert _rows(_build(month).tables[0])["Dinas PUPR"][3] == 2


def test_without_audit_rows_the_deadline_is_the_referral_plus_working_days(month):
    AuditLog.objects.all().delete()
    Aspiration.objects.filter(pk=month.cases["answered"].pk).update(status=S.IN_PROGRESS)
    CaseEvent.objects.filter(aspiration=month.cases["answered"], to_status=S.DONE).delete()
    line = next(x for x in _build(month).lines if x.code == "RA0001")
    # Referred Tuesday 4 March + 5 working days, Thursday 6th off: Wednesday 12 March.
    assert (line.status, line.due, line.overdue) == (S.DISPOSED, datetime.date(2025, 3, 12), True)


def test_the_next_month_sees_the_answers_given_then(month):
    report = casereport.build(
        cases=Aspiration.objects.all(),
        kabupaten_code="61.07",
        month=datetime.date(2025, 4, 1),
    )
    offices = _rows(report.tables[0])
    # April: 6 received; 2 and 3 answered; only 5 and 6 still open (6 not late yet? its
    # verification deadline is empty: no deadline, not late).
    assert offices["Dinas PUPR"][:4] == [0, 2, 0, 0]
    assert offices["Jumlah"][:4] == [1, 2, 2, 1]


def test_the_current_month_counts_late_against_today(month):
    region = month.cases["april"].region
    roads = month.cases["april"].category
    today = timezone.localdate()
    # Imported cases without their intake event still count as received.
    Aspiration.objects.create(
        code="NOW001",
        kabupaten_id="61.07",
        region=region,
        category=roads,
        description="-",
        verify_due=today - datetime.timedelta(days=1),
    )
    Aspiration.objects.create(
        code="NOW002",
        kabupaten_id="61.07",
        region=region,
        category=roads,
        description="-",
        verify_due=today,
    )
    report = casereport.build(
        cases=Aspiration.objects.all(), kabupaten_code="61.07", month=today.replace(day=1)
    )
    assert report.partial
    lines = {line.code: line for line in report.lines}
    assert lines["NOW001"].received and lines["NOW001"].overdue
    assert lines["NOW002"].is_open and not lines["NOW002"].overdue


def _url(**query) -> str:
    from urllib.parse import urlencode

    return f"{reverse('dashboard:office_report')}?{urlencode(query)}"


def test_the_page_shows_every_office_without_personal_data(client, month):
    client.force_login(month.admin)
    response = client.get(_url(bulan="2025-03"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Laporan aspirasi Kabupaten Bengkayang, Maret 2025" in page
    assert "Dinas PUPR" in page and "Dinas Kesehatan" in page and "Sungai Raya" in page
    assert REPORTER not in page and "6281234567890" not in page and "Bu Zubaidah" not in page
    # No list of cases for the whole kabupaten; one office's list on request.
    assert display_code("RA0001") not in page
    page = client.get(_url(bulan="2025-03", instansi=month.dinkes.pk)).content.decode()
    assert display_code("RA0004") in page and display_code("RA0001") not in page


def test_an_office_head_reads_their_own_office_only(client, month, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    client.force_login(month.head_pupr)
    page = client.get(_url(bulan="2025-03")).content.decode()
    assert "Laporan aspirasi Dinas PUPR, Maret 2025" in page
    for name in ("answered", "extended", "late"):
        assert display_code(month.cases[name].code) in page
    for name in ("dinkes", "waiting", "april"):
        assert display_code(month.cases[name].code) not in page
    assert "Dinas Kesehatan" not in page and REPORTER not in page
    assert client.get(_url(bulan="2025-03", instansi=month.dinkes.pk)).status_code == 404
    assert client.get(_url(bulan="2025-03", wilayah="61.04")).status_code == 200  # ignored
    client.force_login(month.officer_pupr)
    assert client.get(_url(bulan="2025-03")).status_code == 403
    client.force_login(month.admin_other)
    # Mempawah's Diskominfo, on Bengkayang's host, acts for Bengkayang: no role here.
    assert client.get(_url(bulan="2025-03", wilayah="61.07")).status_code == 403
    # On its own host, Bengkayang's report is not one of its own.
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    url = _url(bulan="2025-03", wilayah="61.07")
    assert client.get(url, HTTP_HOST="mempawah.test").status_code == 404


def test_the_head_still_sees_a_case_referred_elsewhere_after_the_month(client, month):
    case = month.cases["extended"]
    _step(case, at("04-01", 9), S.IN_PROGRESS, S.DISPOSED, month.dinkes)
    client.force_login(month.head_pupr)
    page = client.get(_url(bulan="2025-03")).content.decode()
    assert display_code(case.code) in page
    client.force_login(month.head_dinkes)
    page = client.get(_url(bulan="2025-03")).content.decode()
    assert display_code(case.code) not in page and display_code("RA0004") in page


def test_pdf_csv_and_xlsx_carry_the_same_figures(client, month, tmp_path):
    from openpyxl import load_workbook

    client.force_login(month.admin)
    response = client.get(_url(bulan="2025-03", format="csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Tabel", "Nama", "Diterima"]
    assert ["Per instansi", "Dinas PUPR", "2", "1", "2", "1", "1.0", "6.0", "4.0", "1"] in rows
    assert ["Per instansi", "Jumlah", "4", "2", "3", "2", "1.0", "8.0", "4.0", "1"] in rows
    assert not any(REPORTER in cell for row in rows for cell in row)

    response = client.get(_url(bulan="2025-03", format="pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = " ".join(pdftotext(response.content, tmp_path, layout=True).split())
    assert "Laporan aspirasi Kabupaten Bengkayang, Maret 2025" in pdf
    assert re.search(r"Dinas PUPR 2 1 2 1 1,0 6,0 4,0 1", pdf), pdf
    assert re.search(r"Jumlah 4 2 3 2 1,0 8,0 4,0 1", pdf), pdf
    assert "Cara menghitung" in pdf and REPORTER not in pdf

    book = load_workbook(io.BytesIO(client.get(_url(bulan="2025-03", format="xlsx")).content))
    cases = [list(r) for r in book["Daftar aspirasi"].iter_rows(values_only=True)]
    assert len(cases) == 1 + 5 and not any(REPORTER in str(v) for r in cases for v in r)

    client.force_login(month.head_pupr)
    response = client.get(_url(bulan="2025-03", format="xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ringkasan", "Daftar aspirasi"]
    summary = [list(r) for r in book["Ringkasan"].iter_rows(values_only=True)]
    assert ["Per instansi", "Dinas PUPR", 2, 1, 2, 1, 1, 6, 4, 1] in summary
    cases = [list(r) for r in book["Daftar aspirasi"].iter_rows(values_only=True)]
    assert [r[0] for r in cases[1:]] == [display_code(c) for c in ("RA0003", "RA0001", "RA0002")]
    late = cases[1]
    assert late[5:8] == ["Didisposisikan", datetime.datetime(2025, 2, 28), "Ya"]
    pdf = " ".join(
        pdftotext(client.get(_url(bulan="2025-03", format="pdf")).content, tmp_path).split()
    )
    assert display_code("RA0003") in pdf and display_code("RA0004") not in pdf


def test_the_list_of_cases_downloads_as_its_own_csv(client, month):
    client.force_login(month.admin)
    page = client.get(_url(bulan="2025-03")).content.decode()
    assert "format=csv&amp;tabel=daftar" in page
    response = client.get(_url(bulan="2025-03", format="csv", tabel="daftar"))
    assert response.status_code == 200
    assert "-daftar.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    book = load_workbook(io.BytesIO(client.get(_url(bulan="2025-03", format="xlsx")).content))
    sheet = [r for r in book["Daftar aspirasi"].iter_rows(values_only=True)]
    # The same table as the workbook's second sheet: header and one row per case.
    assert rows[0] == [str(v) for v in sheet[0]]
    assert len(rows) == len(sheet) == 1 + 5
    assert [r[0] for r in rows[1:]] == [r[0] for r in sheet[1:]]
    assert all(len(r) == len(rows[0]) for r in rows)
    assert not any(REPORTER in cell for row in rows for cell in row)
    # The plain CSV stays the summary alone.
    plain = client.get(_url(bulan="2025-03", format="csv", tabel="ringkasan"))
    assert b"".join(plain.streaming_content).decode("utf-8-sig").startswith("Tabel,Nama")


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"bulan": "2025-03", "format": "csv", "tabel": "semua"}, 400, "Tabel tidak dikenal"),
        ({"bulan": "2025-13"}, 400, "tidak dikenal"),
        ({"bulan": "maret"}, 400, "tidak dikenal"),
        ({"bulan": "2099-01"}, 400, "belum tiba"),
        ({"bulan": "2025-03", "format": "docx"}, 400, "Format unduhan"),
        ({"bulan": "2025-03", "instansi": "abc"}, 400, "instansi"),
        ({"bulan": "2025-03", "wilayah": "61.04"}, 404, ""),
    ],
)
def test_bad_parameters_are_explained(client, month, query, status, message):
    client.force_login(month.admin)
    response = client.get(_url(**query))
    assert response.status_code == status
    assert message in response.content.decode()


def test_staff_find_the_report_on_their_workspace_and_dashboard(client, month):
    client.force_login(month.head_pupr)
    assert (
        reverse("dashboard:office_report") in client.get(reverse("workspace:home")).content.decode()
    )
    client.force_login(month.officer_pupr)
    assert (
        reverse("dashboard:office_report")
        not in client.get(reverse("workspace:home")).content.decode()
    )
    client.force_login(month.admin)
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert f"{reverse('dashboard:office_report')}?wilayah=61.07" in page


def _layout_problems(browser) -> list[str]:
    """Cells whose words are cut or stick out of their cell."""
    return browser.execute_script(
        """
        return [...document.querySelectorAll('main th, main td')].filter(cell => {
          const style = getComputedStyle(cell);
          return style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere'
            || cell.scrollWidth > cell.clientWidth + 1;
        }).map(cell => cell.textContent.trim()).slice(0, 5);
        """
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tables_scroll_in_their_own_box_on_a_phone(browser, live_server, month, shots):
    from selenium.webdriver.common.by import By

    from jembatan.core.tests.test_html_validity import Page, _open_as
    from jembatan.testing.browser import assert_fits_phone_width

    path = _url(bulan="2025-03")
    _open_as(browser, live_server, Page("report", path, month.head_pupr.email), {})
    browser.save_screenshot(str(shots / "phone-office-report.png"))
    assert_fits_phone_width(browser)
    boxes = browser.find_elements(By.CSS_SELECTOR, "main .table-wrap")
    assert len(boxes) == 4  # office, kecamatan, category, the list of cases
    widths = [
        browser.execute_script("return [arguments[0].scrollWidth, arguments[0].clientWidth]", b)
        for b in boxes
    ]
    assert all(scroll > client for scroll, client in widths), widths  # they scroll inside
    assert _layout_problems(browser) == []
    assert display_code("RA0003") in boxes[-1].text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_fits_a_laptop_screen(laptop_browser, live_server, month, shots):
    from selenium.webdriver.common.by import By

    from jembatan.core.tests.test_html_validity import Page, _open_as

    browser = laptop_browser
    _open_as(browser, live_server, Page("report", _url(bulan="2025-03"), month.admin.email), {})
    browser.save_screenshot(str(shots / "laptop-office-report.png"))
    assert browser.execute_script("return window.innerWidth") == 1366
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    assert _layout_problems(browser) == []
    first = browser.find_element(By.CSS_SELECTOR, "main .table-wrap table tbody tr").text
    assert first.startswith("Dinas Kesehatan")


def test_the_number_of_queries_does_not_grow_with_the_cases(month):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        clear_cache()
        with CaptureQueriesContext(connection) as queries:
            _build(month)
        return len(queries)

    # The tenants' snapshot (the zone each kabupaten's dates are read in) is loaded once
    # per process, by whichever build comes first: load it before counting.
    _build(month)
    few = count()
    region = month.cases["april"].region
    roads = month.cases["april"].category
    for i in range(40):
        case = _case(f"MANY{i:03d}", region, roads, at("03-03"), status=S.IN_PROGRESS)
        _step(case, at("03-04"), S.RECEIVED, S.DISPOSED, month.pupr)
        _audit(case, "aspiration.dispose", at("03-04"), answer_due="2025-03-11")
    assert count() == few
    assert _rows(_build(month).tables[0])["Dinas PUPR"][:4] == [42, 1, 42, 41]


def test_the_bupatis_kim_report_shows_the_month_end_too(client, month, tmp_path):
    client.force_login(month.admin)
    url = reverse("dashboard:report", kwargs={"year": 2025, "month": "03"})
    response = client.get(f"{url}?wilayah=61.07")
    assert response.status_code == 200
    text = " ".join(pdftotext(response.content, tmp_path, layout=True).split())
    assert "Aspirasi diterima 4" in text and "Aspirasi dijawab 2" in text
    assert "Aspirasi terbuka pada akhir bulan 3" in text
    assert "Aspirasi melewati batas waktu pada akhir bulan 2" in text
    assert "Median hari kerja sampai dijawab 8,0" in text
    assert "(saat ini)" not in text
    # A kecamatan: Sungai Raya holds cases 1, 3 and 5.
    text = " ".join(
        pdftotext(client.get(f"{url}?wilayah=61.07.04").content, tmp_path, layout=True).split()
    )
    assert "Aspirasi terbuka pada akhir bulan 2" in text and "Aspirasi diterima 2" in text
