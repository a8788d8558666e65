"""The monitoring and evaluation (monev) report of a kabupaten's or a province's KIMs.

For a quarter or a whole year, with the previous period's figure and the change beside
each number: KIMs by development level and by kecamatan (or kabupaten), their activity,
training, reach, the aspirations they recorded, and what changed (new KIMs, level changes,
KIMs without activity). Counted from the records themselves, not the monthly rollups:
one grouped query per measure for the whole scope, never a query per KIM or per region.

A KIM's development level is the score's (``literacy.score_rules``, the kabupaten's
weights) over the twelve months up to the period's end, so a quarter and a year read the
same scale and a whole calendar year gives the year's score. Active members are left out
of that score here: they count by the last sign-in, which a later sign-in moves, and a
report of a past period must come out the same when it is asked again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.aspirations.models import Aspiration
from jembatan.communities.models import Kim
from jembatan.dashboard.access import Scope
from jembatan.dashboard.scoring import component_values_between
from jembatan.dashboard.stats import add_months
from jembatan.dissemination.models import Delivery, Feedback, ShareLink
from jembatan.literacy.models import Certificate, KimLevel, Registration, ScoreWeights, Training
from jembatan.literacy.score_rules import COMPONENT_KEYS, level_for, points_for
from jembatan.regions.models import Region
from jembatan.sites.models import Post

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
LEVEL_ORDER: list[str] = [
    KimLevel.PEMULA,
    KimLevel.BERKEMBANG,
    KimLevel.MAJU,
    KimLevel.MANDIRI,
]
SCORE_MONTHS = 12  # the development level counts the twelve months up to a period's end


class BadPeriod(Exception):
    """A period that cannot be reported; the message is for the reader."""


@dataclass(frozen=True)
class MonevPeriod:
    """A quarter (1-4) of a year, or the whole year (``quarter`` None)."""

    year: int
    quarter: int | None = None

    @property
    def first_month(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end_month(self) -> datetime.date:
        """The first month after the period."""
        return add_months(self.first_month, 12 if self.quarter is None else 3)

    @property
    def last_day(self) -> datetime.date:
        return self.end_month - datetime.timedelta(days=1)

    def previous(self) -> MonevPeriod:
        if self.quarter is None:
            return MonevPeriod(self.year - 1)
        if self.quarter == 1:
            return MonevPeriod(self.year - 1, 4)
        return MonevPeriod(self.year, self.quarter - 1)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return _("Tahun %(year)s") % {"year": self.year}
        return _("Triwulan %(quarter)s %(year)s") % {
            "quarter": QUARTER_NAMES[self.quarter],
            "year": self.year,
        }

    @property
    def slug(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-tw{self.quarter}"

    @property
    def query(self) -> str:
        return f"tahun={self.year}&triwulan={self.quarter or ''}"


def _moment(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the active zone (the kabupaten's: the view)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Window:
    start: datetime.datetime
    end: datetime.datetime

    @classmethod
    def of(cls, period: MonevPeriod) -> Window:
        return cls(_moment(period.first_month), _moment(period.end_month))

    def q(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.start, f"{name}__lt": self.end})


def last_complete_quarter(today: datetime.date) -> MonevPeriod:
    quarter = (today.month - 1) // 3 + 1
    return MonevPeriod(today.year - 1, 4) if quarter == 1 else MonevPeriod(today.year, quarter - 1)


def parse_period(year: int | None, quarter_text: str | None, today: datetime.date) -> MonevPeriod:
    """The period asked for: a year (already parsed, None when not given) and a quarter
    ("1" to "4"; empty: the whole year). Neither given: the last complete quarter."""
    text = (quarter_text or "").strip()
    if year is None and not text:
        return last_complete_quarter(today)
    quarter: int | None = None
    if text:
        if text not in ("1", "2", "3", "4"):
            raise BadPeriod(
                _(
                    "Triwulan “%(text)s” tidak dikenal: pilih 1, 2, 3 atau 4, "
                    "atau kosongkan untuk setahun penuh."
                )
                % {"text": text[:10]}
            )
        quarter = int(text)
    period = MonevPeriod(today.year if year is None else year, quarter)
    if period.first_month > today:
        raise BadPeriod(_("Periode yang belum dimulai belum dapat dilaporkan."))
    return period


# --- The figures -----------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    current: int
    previous: int

    @classmethod
    def of(cls, values: dict[str, list[int]], key: str, label: str) -> Figure:
        """The figure of ``key`` from {measure: [the previous period, this one]}."""
        previous, current = values.get(key, [0, 0])
        return cls(key=key, label=label, previous=previous, current=current)

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def delta_text(self) -> str:
        """The change with its sign ("+2", "-1"; "0" without one)."""
        return f"{self.delta:+d}" if self.delta else "0"


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass
class Unit:
    """A kecamatan of a kabupaten (or a kabupaten of a province) and its figures:
    {measure: [the previous period, this one]}."""

    code: str
    name: str
    values: dict[str, list[int]] = field(default_factory=dict)

    def current(self, key: str) -> int:
        return self.values.get(key, [0, 0])[1]

    def figure(self, key: str, label: str) -> Figure:
        return Figure.of(self.values, key, label)


# The per-unit table's measures, in column order.
UNIT_COLUMNS: list[tuple[str, Any]] = [
    ("kims", gettext_lazy("KIM")),
    ("new_kims", gettext_lazy("KIM baru")),
    *[(f"level_{level}", KimLevel(level).label) for level in LEVEL_ORDER],
    ("posts", gettext_lazy("Berita")),
    ("republications", gettext_lazy("Terbit ulang")),
    ("reach", gettext_lazy("Jangkauan")),
    ("attendances", gettext_lazy("Hadir pelatihan")),
    ("aspirations_kim", gettext_lazy("Aspirasi via KIM")),
    ("aspirations", gettext_lazy("Aspirasi")),
]


@dataclass
class Monev:
    scope: Scope
    period: MonevPeriod
    previous: MonevPeriod
    sections: list[Section]
    units: list[Unit]
    unit_label: str
    partial: bool
    # Whether the aspiration counts include confidential cases (not for every reader).
    confidential: bool = True

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)


def _scope_q(scope: Scope, field_name: str) -> Q:
    """Rows of the kabupaten (or every kabupaten of the province) by a kabupaten code."""
    if scope.level == Region.Level.PROVINSI:
        # Through the region's code, the key itself: no join is made.
        return Q(**{f"{field_name.removesuffix('_id')}__code__startswith": f"{scope.code}."})
    return Q(**{field_name: scope.code})


def _per_kim(queryset, kim_field: str, windows: list[Window], time: str, value: str | None = None):
    """{kim id: [value in each window]} in one grouped query."""
    span = Window(windows[0].start, windows[-1].end)

    def measure(window: Window):
        condition = window.q(time)
        return Sum(value, filter=condition) if value else Count("pk", filter=condition)

    rows = (
        queryset.filter(span.q(time))
        .values(kim_field)
        .annotate(**{f"w{i}": measure(w) for i, w in enumerate(windows)})
        .order_by()
    )
    return {
        row[kim_field]: [row[f"w{i}"] or 0 for i in range(len(windows))] for row in rows.iterator()
    }


def _levels(kims: list[Any], scope: Scope, ends: list[datetime.date]) -> list[dict[int, str]]:
    """Each KIM's development level at each end (the score of the twelve months before)."""
    ids = Kim.objects.filter(_scope_q(scope, "kabupaten_id")).values("pk")
    stored = ScoreWeights.objects.filter(_scope_q(scope, "kabupaten_id"))
    weights = {w.kabupaten_id: w for w in stored}
    for code in {k["kabupaten_id"] for k in kims} - set(weights):
        weights[code] = ScoreWeights(kabupaten_id=code)  # the defaults
    out = []
    for end in ends:
        values = component_values_between(
            ids, _moment(add_months(end, -SCORE_MONTHS)), _moment(end), members=False
        )
        levels = {}
        for kim in kims:
            own = {key: values[key].get(kim["pk"], 0) for key in COMPONENT_KEYS}
            rules = weights[kim["kabupaten_id"]]
            levels[kim["pk"]] = level_for(points_for(own, rules), rules)
        out.append(levels)
    return out


def build(*, scope: Scope, period: MonevPeriod, confidential: bool) -> Monev:
    """The report of a kabupaten or province scope. ``confidential``: whether the
    aspiration counts include confidential cases (dashboard.access)."""
    previous = period.previous()
    earlier = previous.previous()
    windows = [Window.of(previous), Window.of(period)]  # in that order: [prev, current]
    now = timezone.now()
    unit_length = 5 if scope.level == Region.Level.PROVINSI else 8
    units = {
        r.code: Unit(code=r.code, name=r.name)
        for r in Region.objects.filter(parent_id=scope.code).only("code", "name").order_by("code")
    }
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(key: str, unit_code: str | None, pair: list[int]) -> None:
        for i in (0, 1):
            totals[key][i] += pair[i]
        unit = units.get((unit_code or "")[:unit_length])
        if unit is not None:
            slot = unit.values.setdefault(key, [0, 0])
            for i in (0, 1):
                slot[i] += pair[i]

    # The KIMs of the scope, active and not: the inactive ones' past work still counts,
    # but only active KIMs are counted as KIMs (a deactivation has no date to go by).
    kims = list(
        Kim.objects.filter(_scope_q(scope, "kabupaten_id"))
        .values("pk", "region_id", "kabupaten_id", "level", "is_active", "created_at")
        .order_by("pk")
    )
    unit_of = {k["pk"]: k["region_id"] for k in kims}
    active = [k for k in kims if k["is_active"]]
    ends = [earlier.end_month, previous.end_month, period.end_month]
    levels = _levels(active, scope, ends)

    def per_kim(key: str, found: dict[int, list[int]]) -> dict[int, list[int]]:
        for kim_id, pair in found.items():
            add(key, unit_of.get(kim_id), pair)
        return found

    in_scope = _scope_q(scope, "kim__kabupaten_id")
    posts = per_kim(
        "posts",
        _per_kim(
            Post.objects.filter(in_scope, status=Post.Status.PUBLISHED, published_at__lte=now),
            "kim_id",
            windows,
            "published_at",
        ),
    )
    deliveries = Delivery.objects.filter(in_scope)
    per_kim("deliveries", _per_kim(deliveries, "kim_id", windows, "created_at"))
    republished = per_kim(
        "republications", _per_kim(deliveries, "kim_id", windows, "republished_at")
    )
    per_kim("shares", _per_kim(deliveries, "kim_id", windows, "shared_at"))
    per_kim(
        "feedback",
        _per_kim(
            Feedback.objects.filter(_scope_q(scope, "delivery__kim__kabupaten_id")),
            "delivery__kim_id",
            windows,
            "created_at",
        ),
    )
    # Views and clicks carry no time of their own: they count in the period of delivery,
    # as on the dashboards (dashboard.rollup).
    views = per_kim("views", _per_kim(deliveries, "kim_id", windows, "created_at", "view_count"))
    clicks = per_kim(
        "clicks",
        _per_kim(
            ShareLink.objects.filter(_scope_q(scope, "delivery__kim__kabupaten_id")),
            "delivery__kim_id",
            windows,
            "delivery__created_at",
            "click_count",
        ),
    )
    for kim_id in set(views) | set(clicks):
        pair = [views.get(kim_id, [0, 0])[i] + clicks.get(kim_id, [0, 0])[i] for i in (0, 1)]
        add("reach", unit_of.get(kim_id), pair)
    registrations = Registration.objects.filter(in_scope, attended_at__isnull=False)
    per_kim("attendances", _per_kim(registrations, "kim_id", windows, "attended_at"))
    participants = registrations.aggregate(
        **{
            f"w{i}": Count("user_id", distinct=True, filter=w.q("attended_at"))
            for i, w in enumerate(windows)
        }
    )
    totals["participants"] = [participants["w0"], participants["w1"]]
    trainings = Training.objects.filter(
        _scope_q(scope, "kabupaten_id"),
        status__in=[Training.Status.OPEN, Training.Status.CLOSED],
    ).aggregate(**{f"w{i}": Count("pk", filter=w.q("starts_at")) for i, w in enumerate(windows)})
    totals["trainings"] = [trainings["w0"], trainings["w1"]]
    certificates = Certificate.objects.filter(
        _scope_q(scope, "training__kabupaten_id") | _scope_q(scope, "module__kabupaten_id")
    ).aggregate(**{f"w{i}": Count("pk", filter=w.q("issued_at")) for i, w in enumerate(windows)})
    totals["certificates"] = [certificates["w0"], certificates["w1"]]

    cases = Aspiration.objects.filter(_scope_q(scope, "kabupaten_id"))
    if not confidential:
        cases = cases.exclude(visibility=Aspiration.Visibility.CONFIDENTIAL)
    span = Window(windows[0].start, windows[1].end)
    for row in (
        cases.filter(span.q("created_at"))
        .values(unit=Substr("region_id", 1, unit_length))
        .annotate(
            **{f"all{i}": Count("pk", filter=w.q("created_at")) for i, w in enumerate(windows)},
            **{
                f"kim{i}": Count("pk", filter=w.q("created_at") & Q(channel=Aspiration.Channel.KIM))
                for i, w in enumerate(windows)
            },
        )
        .order_by()
    ):
        add("aspirations", row["unit"], [row["all0"], row["all1"]])
        add("aspirations_kim", row["unit"], [row["kim0"], row["kim1"]])

    # The KIMs themselves: registered by each period's end, new in it, by level.
    level_keys = {level: f"level_{level}" for level in LEVEL_ORDER}
    for kim in active:
        created = kim["created_at"]
        at_end = [int(created < w.end) for w in windows]
        region = kim["region_id"]
        add("kims", region, at_end)
        add(f"kims_{kim['level']}", region, at_end)
        add("new_kims", region, [int(w.start <= created < w.end) for w in windows])
        for i in (0, 1):
            if at_end[i]:
                add(level_keys[levels[i + 1][kim["pk"]]], region, [int(i == 0), int(i == 1)])
        for i, w in enumerate(windows):
            pair = [int(i == 0), int(i == 1)]
            # A level change: the KIM was there at the end of the period before too.
            if created < _moment(ends[i]):
                before = LEVEL_ORDER.index(levels[i][kim["pk"]])
                after = LEVEL_ORDER.index(levels[i + 1][kim["pk"]])
                if after > before:
                    add("level_up", region, pair)
                elif after < before:
                    add("level_down", region, pair)
            # Without activity: there at the period's end, no post and nothing re-published
            # in it (the dashboard's list "KIM tanpa kegiatan" reads the same rule).
            if created < w.end and not (
                posts.get(kim["pk"], [0, 0])[i] or republished.get(kim["pk"], [0, 0])[i]
            ):
                add("idle_kims", region, pair)

    def section(key: str, title: str, measures: list[tuple[str, str]]) -> Section:
        return Section(
            key, title, [Figure.of(totals, measure, label) for measure, label in measures]
        )

    sections = [
        section(
            "kim",
            _("KIM menurut tingkat"),
            [
                ("kims", _("KIM terdaftar pada akhir periode")),
                (f"kims_{Kim.Level.DESA}", _("KIM tingkat desa")),
                (f"kims_{Kim.Level.KELURAHAN}", _("KIM tingkat kelurahan")),
                (f"kims_{Kim.Level.KECAMATAN}", _("KIM tingkat kecamatan")),
                *[
                    (level_keys[level], _("Tingkat %(level)s") % {"level": KimLevel(level).label})
                    for level in LEVEL_ORDER
                ],
            ],
        ),
        section(
            "activity",
            _("Kegiatan"),
            [
                ("posts", _("Berita terbit")),
                ("deliveries", _("Informasi pembangunan diterima KIM")),
                ("republications", _("Informasi diterbitkan ulang")),
                ("shares", _("Informasi dibagikan")),
                ("feedback", _("Umpan balik KIM atas informasi")),
            ],
        ),
        section(
            "training",
            _("Pelatihan"),
            [
                ("trainings", _("Sesi pelatihan")),
                ("attendances", _("Kehadiran peserta")),
                ("participants", _("Peserta (orang)")),
                ("certificates", _("Sertifikat diterbitkan")),
            ],
        ),
        section(
            "reach",
            _("Jangkauan"),
            [
                ("views", _("Informasi dilihat")),
                ("clicks", _("Klik tautan berbagi")),
                ("reach", _("Jangkauan (dilihat + klik)")),
            ],
        ),
        section(
            "aspirations",
            # Said where the figures are read (page, PDF, CSV's "Bagian" column): a reader
            # comparing with the kabupaten's own count must know why it is lower.
            _("Aspirasi") if confidential else _("Aspirasi (tidak termasuk aspirasi rahasia)"),
            [
                ("aspirations_kim", _("Aspirasi dicatat KIM")),
                ("aspirations", _("Aspirasi seluruhnya")),
            ],
        ),
        section(
            "changes",
            _("Perubahan sejak periode sebelumnya"),
            [
                ("new_kims", _("KIM baru")),
                ("level_up", _("KIM naik tingkat")),
                ("level_down", _("KIM turun tingkat")),
                ("idle_kims", _("KIM tanpa kegiatan")),
            ],
        ),
    ]
    return Monev(
        scope=scope,
        period=period,
        previous=previous,
        sections=sections,
        units=list(units.values()),
        unit_label=_("Kabupaten/kota") if scope.level == Region.Level.PROVINSI else _("Kecamatan"),
        partial=period.end_month > timezone.localdate(),
        confidential=confidential,
    )


def method_notes(report: Monev | None = None) -> list[str]:
    """How the report counts, printed under it."""
    notes = []
    if report is not None and not report.confidential:
        notes.append(
            _(
                "Aspirasi rahasia tidak termasuk dalam angka aspirasi laporan ini; jumlahnya "
                "hanya dilihat Diskominfo kabupaten/kota."
            )
        )
    return [
        *notes,
        _(
            "Setiap angka dibandingkan dengan periode sebelumnya (triwulan atau tahun "
            "sebelumnya); selisih = periode ini dikurangi periode sebelumnya."
        ),
        _(
            "Tingkat KIM (Pemula, Berkembang, Maju, Mandiri) mengikuti aturan skor "
            "perkembangan KIM dan bobot kabupaten/kota, dihitung dari kegiatan 12 bulan "
            "sampai akhir periode, tanpa komponen anggota aktif."
        ),
        _(
            "Hanya KIM yang masih aktif dihitung sebagai KIM; kegiatan KIM yang sudah "
            "dinonaktifkan tetap dihitung."
        ),
        _(
            "KIM tanpa kegiatan: KIM tanpa berita terbit dan tanpa informasi yang "
            "diterbitkan ulang dalam periode itu."
        ),
        _("Jangkauan dihitung pada periode informasi diterima KIM."),
        _("Tanpa data pribadi: hanya jumlah."),
    ]


# --- CSV --------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("Bagian"),
        _("Ukuran"),
        _("Kode wilayah"),
        _("Wilayah"),
        _("Periode"),
        _("Nilai"),
        _("Periode sebelumnya"),
        _("Nilai periode sebelumnya"),
        _("Selisih"),
    ]


def csv_rows(report: Monev) -> Iterator[list[Any]]:
    """One row per measure: the scope's totals, then each kecamatan's (kabupaten's)."""
    now, before = report.period.label, report.previous.label

    def row(title: str, f: Figure, code: str, name: str) -> list[Any]:
        return [title, f.label, code, name, now, f.current, before, f.previous, f.delta]

    scope = report.scope
    for section in report.sections:
        for f in section.figures:
            yield row(section.title, f, scope.code, scope.name)
    title = _("Per %(unit)s") % {"unit": report.unit_label}
    without = _("tidak termasuk aspirasi rahasia")
    for unit in report.units:
        for key, label in UNIT_COLUMNS:
            if key.startswith("aspirations") and not report.confidential:
                label = f"{label} ({without})"
            yield row(title, unit.figure(key, str(label)), unit.code, unit.name)
