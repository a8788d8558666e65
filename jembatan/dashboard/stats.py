"""Reading the rollups: the figures of one region (or the whole country) for a window of
months, for the staff dashboards, the public statistics page, the PDF report and the API.

Nothing here touches the source tables except the desa list of one kecamatan (small);
every figure comes from ``MonthlyStat`` and ``CurrentStat`` rows found by index.
No personal data: only counts.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jembatan.aspirations.access import get_cases_for_user
from jembatan.aspirations.models import CaseEvent, Status
from jembatan.communities.models import KimMembership
from jembatan.core.workdays import local_date
from jembatan.dashboard import rollup as R
from jembatan.dashboard.models import CurrentStat, Level, MonthlyStat
from jembatan.dissemination.models import Delivery, ShareLink
from jembatan.literacy.models import Registration
from jembatan.regions.models import Region
from jembatan.sites.models import Post

WINDOW = 12  # months shown in trends
CHILD_MONTHLY = [R.POSTS, R.REPUBLICATIONS, R.REACH, R.ASPIRATIONS, R.ANSWERED, R.ATTENDANCES]


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_window(until: datetime.date | None = None, size: int = WINDOW) -> list[datetime.date]:
    last = R.month_start(until or timezone.localdate())
    return [add_months(last, -i) for i in range(size - 1, -1, -1)]


def level_of(code: str) -> int:
    return 0 if not code else len(code.split("."))


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(n: int) -> int:  # 0-based
        seen = 0
        for days, count in ordered:
            seen += count
            if n < seen:
                return days
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


@dataclass
class Figures:
    level: int
    code: str
    name: str
    months: list[datetime.date]
    current: dict[str, int]
    monthly: dict[datetime.date, dict[str, int]]
    totals: dict[str, int]  # monthly metrics summed over the window
    all_time: dict[str, int]
    histogram: dict[int, int]
    children: list[dict[str, Any]] = field(default_factory=list)
    updated_at: datetime.datetime | None = None
    # When they are cached (figures_with): their key, and which reading of the rollups
    # they are (the key and the moment they were read). What a page makes of them alone
    # is cached beside them under that reading (keep_companion: the dashboard's HTML), so
    # it is exactly as fresh as they are.
    cache_key: str = ""
    version: str = ""  # the generation of the rollups (rollup.figures_version)
    reading: str = ""

    def get(self, metric: str) -> int:
        return self.current.get(metric, 0)

    @property
    def coverage_percent(self) -> float | None:
        desa = self.get(R.DESA)
        return round(100 * self.get(R.DESA_WITH_KIM) / desa, 1) if desa else None

    @property
    def median_days_to_answer(self) -> float | None:
        return median_from_histogram(self.histogram)

    @property
    def satisfaction(self) -> float | None:
        count = self.totals.get(R.RATING_COUNT, 0)
        return round(self.totals.get(R.RATING_SUM, 0) / count, 2) if count else None

    @property
    def series(self) -> list[dict[str, Any]]:
        return [{"month": m, **self.monthly.get(m, {})} for m in self.months]


def _name(level: int, code: str) -> str:
    if level == Level.NATIONAL:
        return str(_("Indonesia"))
    region = Region.objects.filter(code=code).only("name").first()
    return region.name if region else code


def _without_confidential(rows, confidential: bool):
    """(metric, value, *rest) rows with the confidential share taken off each aspiration
    metric when ``confidential`` is False; the confidential rows themselves are dropped."""
    for metric, value, *rest in rows:
        if metric.startswith(R.CONFIDENTIAL):
            if not confidential:
                yield (metric[len(R.CONFIDENTIAL) :], -(value or 0), *rest)
            continue
        yield (metric, value, *rest)


def figures(
    *,
    code: str,
    until: datetime.date | None = None,
    size: int = WINDOW,
    children: bool = True,
    confidential: bool = True,
) -> Figures:
    """The figures of a region ("" for the whole country) for ``size`` months up to
    ``until`` (default: this month). ``confidential=False``: without confidential cases,
    for readers who may not see them (dashboard.access.sees_confidential_counts).

    The rollups change only when they are refreshed, so the figures are cached per region,
    window and confidentiality (never per reader: who may read a region is checked before)
    for ``DASHBOARD_CACHE_SECONDS`` at most, and a refresh starts a new generation
    (rollup.forget_cached_figures) in which cached figures of an older one are read afresh:
    16 staff on one kabupaten's dashboard cost one read of the rollups a minute, not 16 a
    second.
    """
    return figures_with(
        code=code, until=until, size=size, children=children, confidential=confidential
    )[0]


def figures_with(
    *,
    code: str,
    companion: str = "",
    until: datetime.date | None = None,
    size: int = WINDOW,
    children: bool = True,
    confidential: bool = True,
) -> tuple[Figures, Any]:
    """figures(), and the ``companion`` kept beside them (keep_companion: something made
    of them alone, e.g. their HTML), read in the same round trip to the cache. The
    companion is None unless it was made of this very reading of the figures, so it is
    never staler than they are."""
    months = month_window(until, size)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return _figures(code, months, children, confidential), None
    key = (
        f"dashboard:figures:{code or '-'}:{months[0]:%Y%m}:"
        f"{months[-1]:%Y%m}:{int(children)}{int(confidential)}"
    )
    # The generation of the rollups, the figures and the companion: one round trip. Figures
    # of another generation than the current one are read afresh.
    keys = [R.FIGURES_VERSION_KEY, key]
    if companion:
        keys.append(f"{key}:{companion}")
    found = cache.get_many(keys)
    version = found.get(R.FIGURES_VERSION_KEY) or R.figures_version()
    cached, kept = found.get(key), found.get(f"{key}:{companion}")
    if cached is None or cached.version != version:
        cached = _figures(code, months, children, confidential)
        cached.cache_key, cached.version = key, version
        cached.reading = f"{key}:{version}:{time.time_ns()}"
        cache.set(key, cached, seconds)
    if kept is not None and kept[0] == cached.reading:
        return cached, kept[1]
    return cached, None


def keep_companion(data: Figures, companion: str, value: Any) -> None:
    """Keep ``value``, made of ``data`` alone, beside the cached figures for as long as
    they are kept (figures_with gives it back only with this reading of them). Nothing
    is kept for figures that are not cached."""
    if data.reading:
        cache.set(
            f"{data.cache_key}:{companion}",
            (data.reading, value),
            settings.DASHBOARD_CACHE_SECONDS,
        )


def _figures(code: str, months: list[datetime.date], children: bool, confidential: bool) -> Figures:
    level = level_of(code)
    current: dict[str, int] = defaultdict(int)
    for metric, value in _without_confidential(
        CurrentStat.objects.filter(level=level, region_code=code).values_list("metric", "value"),
        confidential,
    ):
        current[metric] += value
    current = dict(current)
    monthly: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    histogram: dict[int, int] = defaultdict(int)
    rows = MonthlyStat.objects.filter(
        level=level, region_code=code, month__gte=months[0], month__lte=months[-1]
    ).values_list("metric", "value", "month")
    for metric, value, month in _without_confidential(rows, confidential):
        if metric.startswith(R.ANSWER_DAYS):
            histogram[int(metric[len(R.ANSWER_DAYS) :])] += value
            continue
        monthly[month][metric] += value
        totals[metric] += value
    monthly = defaultdict(dict, {m: dict(v) for m, v in monthly.items()})
    histogram = defaultdict(int, {k: v for k, v in histogram.items() if v})
    counted = [R.POSTS, R.ASPIRATIONS, R.REPUBLICATIONS]
    all_time: dict[str, int] = defaultdict(int)
    for metric, value in _without_confidential(
        MonthlyStat.objects.filter(
            level=level,
            region_code=code,
            metric__in=[*counted, R.CONFIDENTIAL + R.ASPIRATIONS],
        )
        .values("metric")
        .annotate(total=Sum("value"))
        .values_list("metric", "total")
        .order_by(),
        confidential,
    ):
        all_time[metric] += value or 0
    all_time = dict(all_time)
    result = Figures(
        level=level,
        code=code,
        name=_name(level, code),
        months=months,
        current=current,
        monthly=dict(monthly),
        totals=dict(totals),
        all_time=all_time,
        histogram=dict(histogram),
        updated_at=R.last_refreshed(),
    )
    if children:
        result.children = _children(level, code, months, confidential)
    return result


def _children(
    level: int, code: str, months: list[datetime.date], confidential: bool = True
) -> list[dict[str, Any]]:
    if level >= Level.KECAMATAN:
        return []
    regions = (
        Region.objects.filter(level=Region.Level.PROVINSI)
        if level == Level.NATIONAL
        else Region.objects.filter(parent_id=code)
    )
    child_level = level + 1
    current: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for metric, value, region_code in _without_confidential(
        CurrentStat.objects.filter(level=child_level, parent_code=code).values_list(
            "metric", "value", "region_code"
        ),
        confidential,
    ):
        current[region_code][metric] += value
    activity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for metric, total, region_code in _without_confidential(
        MonthlyStat.objects.filter(
            level=child_level,
            parent_code=code,
            month__gte=months[0],
            month__lte=months[-1],
            metric__in=[*CHILD_MONTHLY, *(R.CONFIDENTIAL + m for m in CHILD_MONTHLY)],
        )
        .values("region_code", "metric")
        .annotate(total=Sum("value"))
        .values_list("metric", "total", "region_code")
        .order_by(),
        confidential,
    ):
        activity[region_code][metric] += total or 0
    out = []
    for region in regions.only("code", "name").order_by("code"):
        now = current.get(region.code, {})
        desa = now.get(R.DESA, 0)
        with_kim = now.get(R.DESA_WITH_KIM, 0)
        out.append(
            {
                "code": region.code,
                "name": region.name,
                **{m: now.get(m, 0) for m in (R.DESA, R.DESA_WITH_KIM, R.KIMS, R.OPEN, R.OVERDUE)},
                "members_trained": now.get(R.MEMBERS_TRAINED, 0),
                "coverage_percent": round(100 * with_kim / desa, 1) if desa else None,
                **{m: activity[region.code].get(m, 0) for m in CHILD_MONTHLY},
            }
        )
    return out


def public_statistics(*, kabupaten_code: str) -> dict[str, Any]:
    """JSON-ready figures of one kabupaten for the public (/statistik/, the API).

    Counts only, never personal data, and no confidential case. ``posts_published`` and
    ``aspirations.received`` are all-time totals; ``months`` are the last 12 calendar
    months; ``open`` and ``overdue`` are as of the last refresh (``updated_at``); the
    median time to answer (calendar days from receipt to the first answer) and
    satisfaction (mean rating 1-5) cover the last 12 months. Raises Region.DoesNotExist
    for an unknown kabupaten.
    """
    region = Region.objects.get(code=kabupaten_code, level=Region.Level.KABUPATEN)
    # Public: without confidential cases, as the public list of cases.
    data = figures(code=region.code, confidential=False)
    return {
        "kabupaten": {"code": region.code, "name": region.name},
        "updated_at": data.updated_at.isoformat() if data.updated_at else None,
        "kims": data.get(R.KIMS),
        "desa": data.get(R.DESA),
        "desa_with_kim": data.get(R.DESA_WITH_KIM),
        "coverage_percent": data.coverage_percent,
        "posts_published": data.all_time.get(R.POSTS, 0),
        "republications": data.all_time.get(R.REPUBLICATIONS, 0),
        "aspirations": {
            "received": data.all_time.get(R.ASPIRATIONS, 0),
            "open": data.get(R.OPEN),
            "overdue": data.get(R.OVERDUE),
            "median_days_to_answer": data.median_days_to_answer,
            "satisfaction": data.satisfaction,
        },
        "members_trained": data.get(R.MEMBERS_TRAINED),
        "months": [
            {
                "month": m.strftime("%Y-%m"),
                "posts": data.monthly.get(m, {}).get(R.POSTS, 0),
                "aspirations": data.monthly.get(m, {}).get(R.ASPIRATIONS, 0),
            }
            for m in data.months
        ],
        "kecamatan": [
            {
                "code": c["code"],
                "name": c["name"],
                "desa": c[R.DESA],
                "desa_with_kim": c[R.DESA_WITH_KIM],
                "kims": c[R.KIMS],
            }
            for c in data.children
        ],
    }


def kim_figures(kim, *, viewer, until: datetime.date | None = None, size: int = WINDOW) -> Figures:
    """The same figures for one KIM, counted live: a KIM's rows are few and indexed.
    Cases are counted among those ``viewer`` may open (confidential ones only for
    those who may see them, aspirations.access)."""
    from django.db.models import Count, DateField, Q
    from django.db.models.functions import TruncMonth

    months = month_window(until, size)
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(add_months(months[-1], 1), datetime.time()))
    end = min(end, timezone.now())
    monthly: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)

    def add(metric: str, queryset, field: str, value=None) -> None:
        rows = (
            queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(month=TruncMonth(field, output_field=DateField()))
            .values("month")
            .annotate(n=value or Count("id"))
            .values_list("month", "n")
            .order_by()
        )
        for month, n in rows:
            if isinstance(month, datetime.datetime):
                month = month.date()
            monthly[month][metric] = monthly[month].get(metric, 0) + (n or 0)
            totals[metric] += n or 0

    area = Q(region=kim.region) | Q(region__code__startswith=f"{kim.region_id}.")
    cases = get_cases_for_user(viewer).filter(area, kabupaten_id=kim.kabupaten_id)
    add(R.POSTS, Post.objects.filter(kim=kim, status=Post.Status.PUBLISHED), "published_at")
    deliveries = Delivery.objects.filter(kim=kim)
    add(R.DELIVERIES, deliveries, "created_at")
    add(R.REPUBLICATIONS, deliveries, "republished_at")
    add(R.SHARES, deliveries, "shared_at")
    add(R.REACH, deliveries, "created_at", Sum("view_count"))
    add(
        R.REACH,
        ShareLink.objects.filter(delivery__kim=kim),
        "delivery__created_at",
        Sum("click_count"),
    )
    add(R.ASPIRATIONS, cases, "created_at")
    add(R.ATTENDANCES, Registration.objects.filter(kim=kim), "attended_at")
    answered = (
        CaseEvent.objects.filter(
            aspiration__in=cases,
            kind=CaseEvent.Kind.STATUS,
            to_status=Status.DONE,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("aspiration_id", "aspiration__created_at")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    histogram: dict[int, int] = defaultdict(int)
    for row in answered:
        histogram[min((row["first"] - row["aspiration__created_at"]).days, R.ANSWER_DAYS_CAP)] += 1
    totals[R.ANSWERED] = sum(histogram.values())
    rated = cases.filter(created_at__gte=start, rating__isnull=False).aggregate(
        n=Count("id"), total=Sum("rating")
    )
    totals[R.RATING_COUNT] = rated["n"] or 0
    totals[R.RATING_SUM] = rated["total"] or 0
    today = local_date(None, kim.kabupaten_id)  # the KIM's kabupaten, whichever host asks
    current = {
        R.KIMS: 1,
        R.MEMBERS: KimMembership.objects.filter(kim=kim, is_active=True).count(),
        R.MEMBERS_TRAINED: Registration.objects.filter(kim=kim, attended_at__isnull=False)
        .values("user_id")
        .distinct()
        .count(),
        R.OPEN: cases.exclude(status__in=[Status.DONE, Status.CLOSED]).count(),
        R.OVERDUE: cases.filter(R.overdue_q(today)).count(),
    }
    return Figures(
        level=Level.KECAMATAN + 1,
        code=kim.region_id,
        name=kim.name,
        months=months,
        current=current,
        monthly=dict(monthly),
        totals=dict(totals),
        all_time={},
        histogram=dict(histogram),
        updated_at=timezone.now(),
    )
