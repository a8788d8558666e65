"""The KIM development score: points from what a KIM really did in a year.

    points = Σ value(component) * weight(component)

where each value is counted from the records of the year (one aggregate query per
component for all KIMs of a kabupaten, never a query per KIM) and each weight is the
kabupaten's ScoreWeights (points per unit, shown on the KIM's score page). Reach counts
per 100 (views of re-published items plus clicks on the KIM's share links), and its points
are capped (reach_cap). The level
follows from the points and the kabupaten's thresholds. Results are stored as KimScore
rows (nightly task, `manage.py compute_kim_scores`), so profile pages read one row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jembatan.aspirations.models import Aspiration, Status
from jembatan.communities.models import Kim, KimMembership
from jembatan.dissemination.models import Delivery, ShareLink
from jembatan.literacy.models import KimLevel, KimScore, Registration, ScoreWeights
from jembatan.regions.models import Region
from jembatan.sites.models import Post

REACH_UNIT = 100


def reach_cap(weights: ScoreWeights) -> int:
    """The most points reach may give: as many as the first level (Berkembang) needs.

    Reach is the one component that people outside the KIM produce, from any address on
    the internet: counting keeps one view per address per half hour, but a KIM with many
    addresses (or friends) can still push it up. Every other component is a record made
    by signed-in members and seen by staff. So reach alone can lift a KIM to Berkembang
    at most, never to Maju or Mandiri: with the default weights 40 points (4,000 views
    and clicks a year), against 120 for Maju and 250 for Mandiri. Tied to the threshold
    rather than a fixed number, so it follows the kabupaten's own weights and levels.
    """
    return weights.level_berkembang


@dataclass(frozen=True)
class Component:
    key: str
    label: object
    explanation: object
    unit: int = 1


COMPONENTS = [
    Component(
        "posts",
        _("Berita terbit"),
        _("Berita KIM sendiri yang terbit tahun itu (di luar terbitan ulang)."),
    ),
    Component(
        "republished",
        _("Informasi diterbitkan ulang"),
        _("Informasi pembangunan dari pemerintah yang diterbitkan ulang di situs KIM."),
    ),
    Component(
        "reach",
        _("Jangkauan"),
        _(
            "Kunjungan ke informasi terbitan ulang ditambah klik tautan berbagi KIM, per 100; "
            "paling banyak sebesar poin minimal tingkat Berkembang."
        ),
        REACH_UNIT,
    ),
    Component(
        "aspirations_recorded",
        _("Aspirasi dicatat"),
        _("Aspirasi warga yang dicatat oleh anggota KIM untuk tetangganya."),
    ),
    Component(
        "aspirations_handled",
        _("Aspirasi tuntas"),
        _("Aspirasi yang dicatat KIM dan sudah selesai ditangani."),
    ),
    Component(
        "trainings_attended",
        _("Kehadiran pelatihan"),
        _("Kehadiran anggota KIM di pelatihan (pembinaan) yang tercatat."),
    ),
    Component(
        "members_active",
        _("Anggota aktif"),
        _("Anggota KIM yang masuk ke Jembatan sedikitnya sekali tahun itu."),
    ),
]
COMPONENT_KEYS = [c.key for c in COMPONENTS]


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _counts(rows) -> dict[int, int]:
    return {kim_id: n or 0 for kim_id, n in rows}


def component_values(kim_ids: list[int], year: int) -> dict[str, dict[int, int]]:
    """{component: {kim id: value}} for the KIMs and year: one query per component."""
    start, end = year_bounds(year)
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
    for kim_id, n in _counts(clicks).items():
        reach[kim_id] = reach.get(kim_id, 0) + n
    return {
        "posts": _counts(posts),
        "republished": _counts(republished),
        "reach": reach,
        "aspirations_recorded": {k: n for k, n, _done in aspirations},
        "aspirations_handled": {k: done for k, _n, done in aspirations},
        "trainings_attended": _counts(attended),
        "members_active": _counts(active),
    }


def component_points(component: Component, value: int, weights: ScoreWeights) -> int:
    points = (value // component.unit) * getattr(weights, component.key)
    if component.key == "reach":
        points = min(points, reach_cap(weights))
    return points


def points_for(values: dict[str, int], weights: ScoreWeights) -> int:
    return sum(component_points(c, values[c.key], weights) for c in COMPONENTS)


def level_for(points: int, weights: ScoreWeights) -> str:
    if points >= weights.level_mandiri:
        return KimLevel.MANDIRI
    if points >= weights.level_maju:
        return KimLevel.MAJU
    if points >= weights.level_berkembang:
        return KimLevel.BERKEMBANG
    return KimLevel.PEMULA


def weights_for(kabupaten_code: str) -> ScoreWeights:
    return ScoreWeights.objects.filter(kabupaten_id=kabupaten_code).first() or ScoreWeights(
        kabupaten_id=kabupaten_code
    )


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


@dataclass
class ScoreLine:
    component: Component
    value: int
    weight: int
    points: int


def explain(score: KimScore) -> list[ScoreLine]:
    weights = weights_for(score.kabupaten_id)
    lines = []
    for c in COMPONENTS:
        value = getattr(score, c.key)
        weight = getattr(weights, c.key)
        lines.append(ScoreLine(c, value, weight, component_points(c, value, weights)))
    return lines


@dataclass
class NextLevel:
    level: str
    label: str
    needed: int  # points still missing
    threshold: int


def next_level(score: KimScore) -> NextLevel | None:
    """The level above the KIM's and the points it still needs; None at the top."""
    weights = weights_for(score.kabupaten_id)
    for level, threshold in (
        (KimLevel.BERKEMBANG, weights.level_berkembang),
        (KimLevel.MAJU, weights.level_maju),
        (KimLevel.MANDIRI, weights.level_mandiri),
    ):
        if score.points < threshold:
            return NextLevel(level, level.label, threshold - score.points, threshold)
    return None


def kabupaten_region(code: str) -> Region | None:
    return Region.objects.filter(code=code, level=Region.Level.KABUPATEN).first()
