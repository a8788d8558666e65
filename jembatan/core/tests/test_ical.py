"""Calendars as a calendar client reads them: the `icalendar` package parses every
feed and event, each VEVENT has what RFC 5545 requires, and times carry the kabupaten's
zone with its VTIMEZONE."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from jembatan.literacy.models import Training
from jembatan.sites.models import Event
from jembatan.testing.factories import TrainingFactory, serve_tenant

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Asia/Jakarta"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, required
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == "Asia/Jakarta" and event["DTSTART"].params["TZID"]
    return calendar


@pytest.fixture
def agenda(two_tenants):
    kim = two_tenants.a.kim
    start = datetime.datetime(2027, 1, 15, 19, 30, tzinfo=WIB)
    return Event.objects.create(
        kim=kim,
        title="Rapat warga: jalan desa",
        slug="rapat-warga",
        body="<p>Bahas perbaikan jalan &amp; jembatan.</p>",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Balai Desa Sebalo",
        is_published=True,
        created_by=two_tenants.a.owner,
    )


def test_one_agenda_item_downloads_as_an_event_at_the_local_hour(client, agenda):
    url = f"/kim/{agenda.kim.slug}/agenda/{agenda.slug}/"
    page = client.get(url).content.decode()
    assert f"{url}kalender.ics" in page and "Tambahkan ke kalender" in page
    response = client.get(f"{url}kalender.ics")
    assert response["Content-Disposition"].startswith("attachment;")
    (event,) = parse(response).walk("VEVENT")
    assert event["SUMMARY"] == "Rapat warga: jalan desa"
    assert event.decoded("DTSTART") == datetime.datetime(2027, 1, 15, 19, 30, tzinfo=WIB)
    assert event["LOCATION"] == "Balai Desa Sebalo"
    assert event["DESCRIPTION"] == "Bahas perbaikan jalan & jembatan."
    assert str(event["URL"]).endswith(url)


def test_kim_and_kabupaten_feeds_list_published_agenda_only(client, agenda, two_tenants):
    Event.objects.create(
        kim=agenda.kim,
        title="Draf belum terbit",
        slug="draf",
        starts_at=timezone.now(),
        created_by=two_tenants.a.owner,
    )
    for url in (f"/kim/{agenda.kim.slug}/agenda.ics", "/agenda.ics"):
        response = client.get(url)
        assert response["Content-Disposition"].startswith("inline;")
        titles = [str(e["SUMMARY"]) for e in parse(response).walk("VEVENT")]
        assert "Rapat warga: jalan desa" in titles and "Draf belum terbit" not in titles
    assert client.get(f"/kim/{agenda.kim.slug}/agenda/draf/kalender.ics").status_code == 404
    # Another kabupaten's KIM is not in this kabupaten's feed.
    other = Event.objects.create(
        kim=two_tenants.b.kim,
        title="Agenda kabupaten lain",
        slug="lain",
        starts_at=timezone.now(),
        is_published=True,
        created_by=two_tenants.b.owner,
    )
    titles = [str(e["SUMMARY"]) for e in parse(client.get("/agenda.ics")).walk("VEVENT")]
    assert other.title not in titles


def test_trainings_offer_an_event_and_a_feed(client):
    training = TrainingFactory(title="Pelatihan menulis berita", place="Aula Kecamatan")
    draft = TrainingFactory(title="Belum dibuka", status=Training.Status.DRAFT)
    page = client.get(f"/literasi/pelatihan/{training.pk}/").content.decode()
    assert "kalender.ics" in page
    (event,) = parse(client.get(f"/literasi/pelatihan/{training.pk}/kalender.ics")).walk("VEVENT")
    assert event["SUMMARY"] == training.title and event["LOCATION"] == "Aula Kecamatan"
    assert event.decoded("DTEND") == training.ends_at.replace(microsecond=0)
    titles = [str(e["SUMMARY"]) for e in parse(client.get("/literasi/kalender.ics")).walk("VEVENT")]
    assert training.title in titles and draft.title not in titles
    assert client.get(f"/literasi/pelatihan/{draft.pk}/kalender.ics").status_code == 404


@pytest.mark.parametrize(
    "path", ["/agenda.ics", "/kim/{kim}/agenda.ics", "/kim/{kim}/agenda/{slug}/kalender.ics"]
)
def test_uids_do_not_depend_on_the_host_asked(client, agenda, settings, path):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "bengkayang.example"]
    settings.SITE_URL = "https://site-url.example"  # never used: the tenant's host is
    serve_tenant(hosts=("bengkayang.example",), primary=True)
    url = path.format(kim=agenda.kim.slug, slug=agenda.slug)

    def uids(host: str) -> list[str]:
        calendar = parse(client.get(url, HTTP_HOST=host))
        return [str(e["UID"]) for e in calendar.walk("VEVENT")]

    assert uids("127.0.0.1") == [f"agenda-{agenda.pk}@bengkayang.example"]
    assert uids("localhost") == uids("127.0.0.1")


def test_a_kim_on_its_own_host_names_its_uids_after_it(client, agenda, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver", "rapat.example"]
    settings.SITE_URL = "https://bengkayang.example"
    settings.KIM_HOSTS = {"rapat.example": agenda.kim.slug}
    for host in ("127.0.0.1", "rapat.example"):
        (event,) = parse(client.get(f"/kim/{agenda.kim.slug}/agenda.ics", HTTP_HOST=host)).walk(
            "VEVENT"
        )
        assert str(event["UID"]) == f"agenda-{agenda.pk}@rapat.example"


def test_training_uids_use_the_canonical_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "bengkayang.example"]
    settings.SITE_URL = "https://site-url.example"  # never used: the tenant's host is
    serve_tenant(hosts=("bengkayang.example",), primary=True)
    training = TrainingFactory()
    (event,) = parse(client.get(f"/literasi/pelatihan/{training.pk}/kalender.ics")).walk("VEVENT")
    assert str(event["UID"]) == f"pelatihan-{training.pk}@bengkayang.example"


def test_an_empty_calendar_still_holds_the_time_zone(client, two_tenants):
    # RFC 5545: a calendar holds at least one component; parse() checks it is the zone's.
    response = client.get(f"/kim/{two_tenants.a.kim.slug}/agenda.ics")
    calendar = parse(response)
    assert not calendar.walk("VEVENT")
    assert len(calendar.subcomponents) == 1
    assert b"BEGIN:VTIMEZONE" in response.content
