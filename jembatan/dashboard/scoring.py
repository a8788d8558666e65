"""Counting the KIM development score: what a KIM really did in a year.

Each component's value is counted from the records of the year (one aggregate query per
component for all KIMs of a kabupaten, never a query per KIM): posts (sites), re-published
information and reach (dissemination), aspirations, training attendance (literacy) and
active members (communities). The rules (components, weights, levels) are literacy's
(``jembatan.literacy.score_rules``). Results are stored as KimScore rows (nightly task,
``manage.py compute_kim_scores``), so profile pages read one row. It reads four
capabilities, so it stands above them (floor 8).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from jembatan.aspirations.models import Aspiration, Status
from jembatan.communities.models import Kim, KimMembership
from jembatan.dissemination.models import Delivery, ShareLink
from jembatan.literacy.models import KimScore, Registration
from jembatan.literacy.score_rules import (
    COMPONENT_KEYS,
    level_for,
    points_for,
    weights_for,
)
from jembatan.sites.models import Post


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _counts(rows) -> dict[int, int]:
    return {kim_id: n or 0 for kim_id, n in rows}


def component_values(kim_ids, year: int) -> dict[str, dict[int, int]]:
    """{component: {kim id: value}} for the KIMs and year: one query per component."""
    start, end = year_bounds(year)
    return component_values_between(kim_ids, start, end)


def component_values_between(
    kim_ids, start: datetime.datetime, end: datetime.datetime, *, members: bool = True
) -> dict[str, dict[int, int]]:
    """The components counted over [start, end): ``kim_ids`` a list or a subquery of ids.

    ``members=False`` leaves active members at 0: a member counts by their last sign-in,
    which a later sign-in moves, so a past window (the monev report) cannot be counted
    again the same way."""
    posts = (
        Post.objects.filter(
            kim_id__in=kim_ids,
            status=Post.Status.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
            delivery__isnull=True,
        )
        .values("kim_id")
        .annotate(n=Count("id"))
        .values_list("kim_id", "n")
    )
    republished = (
        Delivery.objects.filter(
            kim_id__in=kim_ids, republished_at__gte=start, republished_at__lt=end
        )
        .values("kim_id")
        .annotate(n=Count("id"))
        .values_list("kim_id", "n")
    )
    views = (
        Delivery.objects.filter(kim_id__in=kim_ids, created_at__gte=start, created_at__lt=end)
        .values("kim_id")
        .annotate(n=Sum("view_count"))
        .values_list("kim_id", "n")
    )
    clicks = (
        ShareLink.objects.filter(
            delivery__kim_id__in=kim_ids,
            delivery__created_at__gte=start,
            delivery__created_at__lt=end,
        )
        .values("delivery__kim_id")
        .annotate(n=Sum("click_count"))
        .values_list("delivery__kim_id", "n")
    )
    aspirations = list(
        Aspiration.objects.filter(kim_id__in=kim_ids, created_at__gte=start, created_at__lt=end)
        .values("kim_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.DONE)))
        .values_list("kim_id", "n", "done")
    )
    attended = (
        Registration.objects.filter(kim_id__in=kim_ids, attended_at__gte=start, attended_at__lt=end)
        .values("kim_id")
        .annotate(n=Count("id"))
        .values_list("kim_id", "n")
    )
    active = (
        KimMembership.objects.filter(
            kim_id__in=kim_ids,
            is_active=True,
            user__is_active=True,
            user__last_login__gte=start,
            user__last_login__lt=end,
        )
        .values("kim_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("kim_id", "n")
    )
    reach = _counts(views)
    members_active = _counts(active) if members else {}
    for kim_id, n in _counts(clicks).items():
        reach[kim_id] = reach.get(kim_id, 0) + n
    return {
        "posts": _counts(posts),
        "republished": _counts(republished),
        "reach": reach,
        "aspirations_recorded": {k: n for k, n, _done in aspirations},
        "aspirations_handled": {k: done for k, _n, done in aspirations},
        "trainings_attended": _counts(attended),
        "members_active": members_active,
    }


def compute_kabupaten(kabupaten_code: str, year: int) -> list[KimScore]:
    """Compute and store the scores and ranks of every active KIM of a kabupaten."""
    kims = list(Kim.objects.active().in_kabupaten(kabupaten_code).only("pk", "name"))
    weights = weights_for(kabupaten_code)
    values = component_values([k.pk for k in kims], year)
    now = timezone.now()
    rows = []
    for kim in kims:
        own = {key: values[key].get(kim.pk, 0) for key in COMPONENT_KEYS}
        points = points_for(own, weights)
        rows.append(
            KimScore(
                kim=kim,
                kabupaten_id=kabupaten_code,
                year=year,
                points=points,
                level=level_for(points, weights),
                computed_at=now,
                **own,
            )
        )
    rows.sort(key=lambda r: (-r.points, r.kim.name))
    # Competition ranking ("1, 2, 2, 4"): KIMs with the same points share a rank, so the
    # alphabet never decides an award.
    for position, row in enumerate(rows, start=1):
        tied = position > 1 and rows[position - 2].points == row.points
        row.rank = rows[position - 2].rank if tied else position
    with transaction.atomic():
        KimScore.objects.filter(kabupaten_id=kabupaten_code, year=year).exclude(
            kim_id__in=[k.pk for k in kims]
        ).delete()
        KimScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["kim", "year"],
            update_fields=[*COMPONENT_KEYS, "kabupaten", "points", "level", "rank", "computed_at"],
        )
    return rows


def compute_all(year: int | None = None) -> int:
    """Recompute every kabupaten that has KIMs; returns how many scores were stored."""
    year = year or timezone.localdate().year
    codes = Kim.objects.active().values_list("kabupaten_id", flat=True).distinct()
    return sum(len(compute_kabupaten(code, year)) for code in codes)
