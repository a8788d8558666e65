"""The rules of the KIM development score: its components, weights, levels and the
explanation shown on a KIM's score page.

    points = Σ value(component) * weight(component)

Each weight is the kabupaten's ScoreWeights (points per unit). Reach counts per 100 (views
of re-published items plus clicks on the KIM's share links), and its points are capped
(reach_cap). The level follows from the points and the kabupaten's thresholds.

The values are counted from other capabilities' records (posts, deliveries, aspirations),
so the counting lives on the floor above them: ``jembatan.dashboard.scoring`` stores the
KimScore rows that the literacy pages read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jembatan.literacy.models import KimLevel, KimScore, ScoreWeights
from jembatan.regions.models import Region

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
