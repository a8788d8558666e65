"""Training calendars: one training to add to a phone's calendar, and a subscribable feed
of the kabupaten's trainings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.core.ical import CalendarEntry, calendar_response
from jembatan.core.links import canonical_domain
from jembatan.core.pagecache import cache_public_page
from jembatan.core.sitename import site_name
from jembatan.core.workdays import zone_for
from jembatan.literacy import access
from jembatan.literacy.models import Training
from jembatan.tenants.current import served_code

FEED_SIZE = 300


def training_entry(request: HttpRequest, training: Training) -> CalendarEntry:
    place = training.place if training.mode != Training.Mode.ONLINE else _("Daring")
    return CalendarEntry(
        uid=f"pelatihan-{training.pk}@{canonical_domain()}",
        title=training.title,
        start=training.starts_at,
        end=training.ends_at,
        location=place,
        description=training.description,
        url=request.build_absolute_uri(training.get_absolute_url()),
        updated=training.updated_at,
    )


@require_safe
@cache_public_page
def training_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    training = access.get_public_training(pk)
    return calendar_response(
        [training_entry(request, training)],
        name=training.title,
        filename=f"pelatihan-{training.pk}.ics",
        download=True,
        time_zone=zone_for(training.kabupaten_id),  # its kabupaten's, whichever host
    )


@require_safe
@cache_public_page
def trainings_calendar(request: HttpRequest) -> HttpResponse:
    trainings = (
        access.get_public_trainings()
        .filter(kabupaten_id=served_code())
        .order_by("-starts_at")[:FEED_SIZE]
    )
    return calendar_response(
        [training_entry(request, t) for t in trainings],
        name=_("Pelatihan KIM %(site)s") % {"site": site_name(request)},
        filename="pelatihan-kim.ics",
        download=False,
    )
