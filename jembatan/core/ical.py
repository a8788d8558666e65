"""Calendars (RFC 5545) for agenda items and trainings: one event to add to a phone's
calendar, or a feed to subscribe to. Built with the `icalendar` package; times are written
in the kabupaten's own time zone with its VTIMEZONE, so a calendar app in another zone
shows the right hour."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

PRODUCT_ID = "-//Jembatan//KIM//ID"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str  # stable and unique: "<kind>-<pk>@<canonical host>" (links.canonical_domain)
    title: str
    start: datetime.datetime
    end: datetime.datetime | None
    location: str = ""
    description: str = ""
    url: str = ""
    updated: datetime.datetime | None = None


def build_calendar(
    entries: Iterable[CalendarEntry],
    *,
    name: str,
    time_zone: str | datetime.tzinfo | None = None,
) -> bytes:
    """An iCalendar document with one VEVENT per entry and the zone's VTIMEZONE.

    The zone is ``time_zone``, else the active one: in a request, the zone of the tenant
    serving it (tenants.middleware), so Kutai Kartanegara's agenda is written in
    Asia/Makassar and Bengkayang's in Asia/Pontianak."""
    # Imported by the first calendar, not with the views that import this module.
    from icalendar import Calendar, Event, Timezone

    zone = _zone(time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    # Always the zone's VTIMEZONE: an empty feed still holds one component, as RFC 5545
    # requires, and tells the client the kabupaten's zone.
    calendar.add_component(Timezone.from_tzinfo(zone, tzid=zone.key))
    stamp = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", entry.start.astimezone(zone))
        # An agenda item without an end lasts an hour in calendar apps.
        end = entry.end or entry.start + datetime.timedelta(hours=1)
        event.add("dtend", end.astimezone(zone))
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        if entry.updated:
            event.add("last-modified", entry.updated)
        calendar.add_component(event)
    return calendar.to_ical()


def _zone(time_zone: str | datetime.tzinfo | None) -> zoneinfo.ZoneInfo:
    if isinstance(time_zone, zoneinfo.ZoneInfo):
        return time_zone
    if isinstance(time_zone, str) and time_zone:
        return zoneinfo.ZoneInfo(time_zone)
    active = timezone.get_current_timezone()
    if isinstance(active, zoneinfo.ZoneInfo) and active.key:
        return active
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def calendar_response(
    entries: Iterable[CalendarEntry],
    *,
    name: str,
    filename: str,
    download: bool,
    time_zone: str | datetime.tzinfo | None = None,
) -> HttpResponse:
    """A calendar as text/calendar: an attachment for one event (the phone offers to add
    it), inline for a feed (calendar apps subscribe to its address). In ``time_zone``, else
    the active one (the serving tenant's)."""
    response = HttpResponse(
        build_calendar(entries, name=name, time_zone=time_zone),
        content_type="text/calendar; charset=utf-8",
    )
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
