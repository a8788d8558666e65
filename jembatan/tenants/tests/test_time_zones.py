"""Two tenants in two zones side by side: Bengkayang in WIB (Asia/Pontianak) and Kutai
Kartanegara in WITA (Asia/Makassar). The instants are chosen where the local dates differ:
16:30 UTC is 23:30 WIB on one day and 00:30 WITA on the next.

No national holiday is loaded in the test database, so the dates below count weekdays only
(plus the regional holiday a test adds).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.http import StreamingHttpResponse
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from jembatan.accounts.models import Notification, Role
from jembatan.aspirations.models import Aspiration, Status
from jembatan.aspirations.services import escalate_overdue
from jembatan.core import workdays
from jembatan.core.ical import build_calendar
from jembatan.core.models import Holiday
from jembatan.core.workdays import (
    add_working_days,
    format_local,
    local_date,
    zone_abbreviation,
)
from jembatan.dashboard.rollup import overdue_now_q
from jembatan.disclosure.models import InformationRequest
from jembatan.disclosure.services import objection_window
from jembatan.disclosure.tasks import remind_deadlines
from jembatan.literacy.documents import certificate_facts
from jembatan.literacy.models import Certificate
from jembatan.literacy.services import training_transition
from jembatan.tenants import resolve
from jembatan.tenants.current import current_code, served_code
from jembatan.tenants.middleware import TenantMiddleware
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import (
    AspirationFactory,
    InfoRequestFactory,
    KimFactory,
    KimMembershipFactory,
    PublicBodyFactory,
    StaffFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)

UTC = datetime.UTC
WIB, WITA = "61.07", "64.02"
# Thursday 12 November 2026, 16:30 UTC: Thursday 23:30 WIB, Friday 00:30 WITA.
THURSDAY_LATE = datetime.datetime(2026, 11, 12, 16, 30, tzinfo=UTC)


@pytest.fixture
def zones(db, settings):
    """Bengkayang in Asia/Pontianak (WIB), Kutai Kartanegara in Asia/Makassar (WITA)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "kukar.test"]
    serve_tenant()  # the conftest's Bengkayang, created in Asia/Jakarta
    Tenant.objects.filter(region_id=WIB).update(time_zone="Asia/Pontianak")
    serve_tenant(
        WITA, "Kabupaten Kutai Kartanegara", hosts=("kukar.test",), time_zone="Asia/Makassar"
    )
    resolve.clear()
    workdays.clear_cache()
    yield {
        WIB: region_chain("61.07.04.1010", "Sebalo"),
        WITA: region_chain("64.02.01.2001", "Loa Kulu Kota"),
    }
    # A holiday a test adds is rolled back without a signal: forget the cached years.
    workdays.clear_cache()


@pytest.fixture
def at(monkeypatch):
    """Set the clock the services read (django.utils.timezone.now)."""

    def set_clock(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_clock


def test_the_zone_abbreviation_of_each_indonesian_zone():
    assert zone_abbreviation("Asia/Jakarta") == "WIB"
    assert zone_abbreviation("Asia/Pontianak") == "WIB"
    assert zone_abbreviation("Asia/Makassar") == "WITA"
    assert zone_abbreviation("Asia/Jayapura") == "WIT"
    assert zone_abbreviation("UTC") == "UTC"
    assert zone_abbreviation("Asia/Kolkata") == "IST"
    # The filter names the active zone: the tenant's, in a request.
    template = Template("{% load timetags %}{{ when|time:'H.i' }} {{ when|zone_abbr }}")
    with timezone.override(zoneinfo.ZoneInfo("Asia/Makassar")):
        assert template.render(Context({"when": THURSDAY_LATE})) == "00.30 WITA"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jayapura")):
        assert template.render(Context({"when": THURSDAY_LATE})) == "01.30 WIT"


def test_a_moment_is_read_in_each_tenants_zone(zones):
    assert local_date(THURSDAY_LATE, WIB) == datetime.date(2026, 11, 12)
    assert local_date(THURSDAY_LATE, WITA) == datetime.date(2026, 11, 13)
    # A region inside the kabupaten counts as the kabupaten.
    assert local_date(THURSDAY_LATE, "64.02.01.2001") == datetime.date(2026, 11, 13)
    assert format_local(THURSDAY_LATE, WIB) == "12 November 2026 23.30 WIB"
    assert format_local(THURSDAY_LATE, WITA) == "13 November 2026 00.30 WITA"
    # Whatever zone is active (a task runs in the install's default).
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        assert local_date(THURSDAY_LATE, WITA) == datetime.date(2026, 11, 13)


def test_an_aspiration_at_the_same_instant_is_due_by_each_kabupatens_calendar(zones, at):
    at(THURSDAY_LATE)
    wib = AspirationFactory(region=zones[WIB], category__verify_days=3)
    wita = AspirationFactory(region=zones[WITA], category__verify_days=3)
    # Thursday in Bengkayang: Fri 13, Mon 16, Tue 17.
    assert wib.verify_due == datetime.date(2026, 11, 17)
    # Already Friday in Kutai Kartanegara: Mon 16, Tue 17, Wed 18.
    assert wita.verify_due == datetime.date(2026, 11, 18)


def test_a_regional_holiday_moves_only_its_own_kabupatens_deadlines(zones, at):
    Holiday.objects.create(
        date=datetime.date(2026, 11, 16),
        name="Hari jadi Kutai Kartanegara",
        kind=Holiday.Kind.REGIONAL,
        kabupaten_id=WITA,
    )
    at(THURSDAY_LATE)
    wib = AspirationFactory(region=zones[WIB], category__verify_days=3)
    wita = AspirationFactory(region=zones[WITA], category__verify_days=3)
    assert wib.verify_due == datetime.date(2026, 11, 17)
    # Monday 16 is off in Kutai Kartanegara: Tue 17, Wed 18, Thu 19.
    assert wita.verify_due == datetime.date(2026, 11, 19)
    assert add_working_days(THURSDAY_LATE, 5, kabupaten_code=WITA) == datetime.date(2026, 11, 23)
    assert add_working_days(THURSDAY_LATE, 5, kabupaten_code=WIB) == datetime.date(2026, 11, 19)


def test_a_ppid_request_is_due_ten_working_days_after_its_local_receipt(zones):
    wib = InfoRequestFactory(now=THURSDAY_LATE)
    wita = InfoRequestFactory(
        body=PublicBodyFactory(region=region_chain(WITA, "Kabupaten Kutai Kartanegara")),
        now=THURSDAY_LATE,
    )
    assert wib.due_date == datetime.date(2026, 11, 26)  # from Thursday 12
    assert wita.due_date == datetime.date(2026, 11, 27)  # from Friday 13


def test_the_hourly_escalation_reaches_wita_an_hour_before_wib(zones):
    wita_admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WITA))
    wib_admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WIB))
    due = datetime.date(2026, 11, 17)
    for region in zones.values():
        AspirationFactory.row(region=region, status=Status.RECEIVED, verify_due=due)
    # Tuesday 17 at 16:05 UTC: Wednesday 00:05 WITA (Kukar's case is late), 23:05 WIB.
    assert escalate_overdue(now=datetime.datetime(2026, 11, 17, 16, 5, tzinfo=UTC)) == 1
    told = Notification.objects.filter(kind="aspiration.overdue")
    assert list(told.values_list("recipient_id", flat=True)) == [wita_admin.pk]
    # The next hourly run, 00:05 WIB: Bengkayang's turn; Kukar's is not told twice.
    assert escalate_overdue(now=datetime.datetime(2026, 11, 17, 17, 5, tzinfo=UTC)) == 1
    assert set(told.values_list("recipient_id", flat=True)) == {wita_admin.pk, wib_admin.pk}


def test_the_ppid_reminder_task_acts_for_wita_and_not_yet_for_wib(zones, at):
    wita_admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WITA))
    wib_admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WIB))
    wib = InfoRequestFactory(now=THURSDAY_LATE)
    wita = InfoRequestFactory(
        body=PublicBodyFactory(region=region_chain(WITA, "Kabupaten Kutai Kartanegara")),
        now=THURSDAY_LATE,
    )
    # Both due Thursday 26 (the WITA one moved a day earlier for the test).
    InformationRequest.objects.filter(pk=wita.pk).update(due_date=datetime.date(2026, 11, 26))
    overdue = Notification.objects.filter(kind="ppid.request_overdue")
    # Thursday 26 at 16:20 UTC: Friday 00:20 WITA, Thursday 23:20 WIB.
    at(datetime.datetime(2026, 11, 26, 16, 20, tzinfo=UTC))
    remind_deadlines.call_local()
    assert set(overdue.values_list("recipient_id", flat=True)) == {wita_admin.pk}
    assert not overdue.filter(params__number=wib.number).exists()
    # An hour later it is Friday in Bengkayang too.
    at(datetime.datetime(2026, 11, 26, 17, 20, tzinfo=UTC))
    remind_deadlines.call_local()
    assert set(overdue.values_list("recipient_id", flat=True)) == {wita_admin.pk, wib_admin.pk}


def test_a_trainings_calendar_is_written_in_its_kabupatens_zone(zones, client):
    starts = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    training = TrainingFactory(kabupaten=region_chain(WITA), starts_at=starts)
    response = client.get(f"/literasi/pelatihan/{training.pk}/kalender.ics", HTTP_HOST="kukar.test")
    assert response.status_code == 200
    text = response.content.decode()
    assert "TZID:Asia/Makassar" in text
    assert "DTSTART;TZID=Asia/Makassar:20261201T090000" in text
    # Without a zone named, a calendar is in the active one (the serving tenant's).
    with timezone.override(zoneinfo.ZoneInfo("Asia/Pontianak")):
        assert b"X-WR-TIMEZONE:Asia/Pontianak" in build_calendar([], name="Agenda")


def test_a_certificate_prints_the_dates_of_its_kabupaten(zones):
    def facts(code: str) -> list[str]:
        training = TrainingFactory(
            kabupaten=region_chain(code),
            starts_at=THURSDAY_LATE,
            ends_at=THURSDAY_LATE + datetime.timedelta(hours=2),
        )
        certificate = Certificate(
            user=UserFactory(),
            kind=Certificate.Kind.ATTENDANCE,
            training=training,
            holder_name="Siti Aminah",
            subject=training.title,
            issued_at=THURSDAY_LATE,
        )
        return certificate_facts(certificate)

    # In UTC (a task's zone could be anything): each kabupaten's own date still prints.
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        wib, wita = facts(WIB), facts(WITA)
    assert wib[0].startswith("12 November 2026") and wib[1].endswith("12 November 2026")
    assert wita[0].startswith("13 November 2026") and wita[1].endswith("13 November 2026")


def test_a_streamed_body_is_made_serving_the_tenant_in_its_zone(rf, zones):
    """A streamed body (an export) is read after the middleware has returned: each chunk is
    still made for the host's tenant, in its zone, and nothing leaks afterwards."""

    def chunks():
        yield f"{timezone.get_current_timezone_name()}|{current_code()}"
        yield f"{timezone.get_current_timezone_name()}|{served_code()}"

    middleware = TenantMiddleware(lambda request: StreamingHttpResponse(chunks()))
    response = middleware(rf.get("/data/", HTTP_HOST="kukar.test"))
    # Read later, as the server reads a streamed body after the middleware let go.
    body = b"".join(response.streaming_content).decode()
    assert body == "Asia/Makassar|64.02Asia/Makassar|64.02"
    assert current_code() is None
    assert timezone.get_current_timezone_name() != "Asia/Makassar"


def test_the_registration_notice_names_the_trainings_hour_and_zone(zones):
    admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WITA))
    KimMembershipFactory(kim=KimFactory(region=zones[WITA]), user=UserFactory())
    training = TrainingFactory(
        kabupaten=region_chain(WITA), organiser=admin, status="draf", starts_at=THURSDAY_LATE
    )
    # Opened from Bengkayang's zone (or a task's): the notice still reads Kukar's hour.
    with timezone.override(zoneinfo.ZoneInfo("Asia/Pontianak")):
        training_transition(actor=admin, training=training, action="open")
    notice = Notification.objects.get(kind="literacy.registration_open")
    assert notice.params["when"] == "13 November 2026 00:30 WITA"


def test_the_overdue_figure_counts_each_case_by_its_kabupatens_date(zones):
    due = datetime.date(2026, 11, 17)
    wib = AspirationFactory.row(region=zones[WIB], status=Status.RECEIVED, verify_due=due)
    wita = AspirationFactory.row(region=zones[WITA], status=Status.RECEIVED, verify_due=due)
    # Tuesday 17 at 16:30 UTC: already Wednesday in WITA, still Tuesday in WIB.
    late = Aspiration.objects.filter(
        overdue_now_q(datetime.datetime(2026, 11, 17, 16, 30, tzinfo=UTC))
    )
    assert list(late.values_list("pk", flat=True)) == [wita.pk]
    later = Aspiration.objects.filter(
        overdue_now_q(datetime.datetime(2026, 11, 17, 17, 30, tzinfo=UTC))
    )
    assert set(later.values_list("pk", flat=True)) == {wib.pk, wita.pk}


def test_the_objection_window_opens_on_the_local_date_of_the_answer(zones):
    wita = InfoRequestFactory(
        body=PublicBodyFactory(region=region_chain(WITA, "Kabupaten Kutai Kartanegara")),
        now=THURSDAY_LATE,
    )
    wita.answered_at = THURSDAY_LATE
    # Read from a WIB request (or a task): the answer was given on Friday 13 in Kukar.
    with timezone.override(zoneinfo.ZoneInfo("Asia/Pontianak")):
        window = objection_window(wita, today=datetime.date(2026, 11, 20))
    assert window is not None and window[0] == datetime.date(2026, 11, 13)


def test_the_monthly_case_report_names_the_kabupatens_zone(zones, client):
    admin = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WITA))
    client.force_login(admin)
    url = f"{reverse('dashboard:office_report')}?bulan=2026-10"
    page = client.get(url, HTTP_HOST="kukar.test")
    assert page.status_code == 200
    assert "pukul 23.59.59 WITA" in page.content.decode()
    bengkayang = StaffFactory(role=Role.KABUPATEN_ADMIN, region=region_chain(WIB))
    client.force_login(bengkayang)
    assert "pukul 23.59.59 WIB" in client.get(url).content.decode()


def test_a_case_page_prints_its_times_in_the_tenants_zone_and_names_it(zones, at, client):
    """The tracking page of a Kukar case, read on Kukar's host, says 00:30 WITA on Friday;
    Bengkayang's case of the same instant says 23:30 WIB on Thursday."""
    at(THURSDAY_LATE)
    wita = AspirationFactory(region=zones[WITA], visibility="publik")
    wib = AspirationFactory(region=zones[WIB], visibility="publik")
    kukar = client.get(wita.get_absolute_url(), HTTP_HOST="kukar.test").content.decode()
    assert "13 November 2026 00:30 WITA" in kukar
    bengkayang = client.get(wib.get_absolute_url()).content.decode()
    assert "12 November 2026 23:30 WIB" in bengkayang


def test_the_workspace_date_fields_name_the_tenants_zone(zones, client):
    """A Kukar officer typing when a poll closes is told the time is WITA, not WIB."""
    from jembatan.dialogue.forms import _datetime_field

    field = _datetime_field("Ditutup")
    with timezone.override(zoneinfo.ZoneInfo("Asia/Makassar")):
        assert str(field.help_text) == "Waktu setempat (WITA)."
    with timezone.override(zoneinfo.ZoneInfo("Asia/Pontianak")):
        assert str(field.help_text) == "Waktu setempat (WIB)."
