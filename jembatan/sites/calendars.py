"""Agenda calendars: one agenda item to add to a phone's calendar, and subscribable feeds of
a KIM's agenda and of every KIM agenda in the kabupaten."""

from __future__ import annotations

import html

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.communities.models import Kim
from jembatan.core.ical import CalendarEntry, calendar_response
from jembatan.core.links import canonical_domain
from jembatan.core.pagecache import cache_public_page
from jembatan.core.sitename import site_name
from jembatan.core.workdays import zone_for
from jembatan.sites.models import Event

FEED_SIZE = 500  # the most recent and coming items a subscribed calendar receives


def event_entry(request: HttpRequest, event: Event) -> CalendarEntry:
    return CalendarEntry(
        uid=f"agenda-{event.pk}@{canonical_domain(event.kim.slug)}",
        title=event.title,
        start=event.starts_at,
        end=event.ends_at,
        location=event.place,
        description=html.unescape(strip_tags(event.body or "")).strip(),
        url=request.build_absolute_uri(event.get_absolute_url()),
        updated=event.updated_at,
    )


def _published(kims) -> list[Event]:
    return list(
        Event.objects.filter(kim__in=kims, is_published=True)
        .select_related("kim")
        .order_by("-starts_at")[:FEED_SIZE]
    )


@require_safe
@cache_public_page
def event_calendar(request: HttpRequest, kim: str, slug: str) -> HttpResponse:
    owner = get_object_or_404(Kim.objects.served(), slug=kim)
    event = get_object_or_404(
        Event.objects.filter(kim=owner, is_published=True).select_related("kim"), slug=slug
    )
    return calendar_response(
        [event_entry(request, event)],
        name=event.title,
        filename=f"agenda-{event.slug}.ics",
        download=True,
        time_zone=zone_for(owner.kabupaten_id),  # the KIM's kabupaten, whichever host
    )


@require_safe
@cache_public_page
def kim_calendar(request: HttpRequest, kim: str) -> HttpResponse:
    owner = get_object_or_404(Kim.objects.served(), slug=kim)
    return calendar_response(
        [event_entry(request, e) for e in _published([owner])],
        name=_("Agenda %(kim)s") % {"kim": owner.name},
        filename=f"agenda-{owner.slug}.ics",
        download=False,
        time_zone=zone_for(owner.kabupaten_id),
    )


@require_safe
@cache_public_page
def hub_calendar(request: HttpRequest) -> HttpResponse:
    kims = Kim.objects.served()
    return calendar_response(
        [event_entry(request, e) for e in _published(kims)],
        name=_("Agenda KIM %(site)s") % {"site": site_name(request)},
        filename="agenda-kim.ics",
        download=False,
    )
