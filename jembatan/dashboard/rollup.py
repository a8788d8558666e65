"""Computing the rollups: one set-based GROUP BY query per metric, per kecamatan.

Every query groups by the kecamatan code (the first 8 characters of a Kemendagri code:
"61.07.04.2001" -> "61.07.04") and, for monthly metrics, by the local calendar month.
The kecamatan rows are then added up in Python to kabupaten ("61.07"), provinsi ("61")
and national ("") rows. Works the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from jembatan.aspirations.models import Aspiration, CaseEvent, Status
from jembatan.communities.models import Kim, KimMembership
from jembatan.core.workdays import local_date, working_days_between
from jembatan.dashboard.models import CurrentStat, Level, MonthlyStat, StatsRun
from jembatan.dissemination.models import Delivery, ShareLink
from jembatan.literacy.models import Registration
from jembatan.regions.models import Region
from jembatan.sites.models import Post

KEC = 8  # len("61.07.04")
KAB = 5  # len("61.07")
PROV = 2  # len("61")

# Monthly metrics.
POSTS = "posts"
DELIVERIES = "deliveries"
REPUBLICATIONS = "republications"
SHARES = "shares"
REACH = "reach"
ASPIRATIONS = "aspirations"
ANSWERED = "answered"
RATING_SUM = "rating_sum"
RATING_COUNT = "rating_count"
ATTENDANCES = "attendances"
ANSWER_DAYS = "answer_days:"  # + days, a histogram: medians add up across regions
ANSWER_DAYS_CAP = 90  # 90 means "90 days or more"

# Current metrics.
DESA = "desa"
DESA_WITH_KIM = "desa_with_kim"
KIMS = "kims"
KIMS_VERIFIED = "kims_verified"
MEMBERS = "members"
MEMBERS_TRAINED = "members_trained"
OPEN = "aspirations_open"
OVERDUE = "aspirations_overdue"

# The share of each aspiration metric that comes from confidential cases, stored under
# this prefix ("rahasia:aspirations"): readers who may not see confidential cases (a
# camat, aspirations.access) get the figures without them (stats.figures).
CONFIDENTIAL = "rahasia:"
CASE_METRICS = [ASPIRATIONS, ANSWERED, RATING_SUM, RATING_COUNT, OPEN, OVERDUE]

BATCH = 5000


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


def _kec(field: str) -> Substr:
    return Substr(field, 1, KEC)


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


Monthly = dict[tuple[str, datetime.date, str], int]
Current = dict[tuple[str, str], int]


def _add_monthly(out: Monthly, metric: str, rows: Iterable[dict], prefix: str = "") -> None:
    for row in rows:
        if row["month"] is None or not row["n"]:
            continue
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        name = prefix + (
            metric
            if "days" not in row
            else f"{ANSWER_DAYS}{min(max(row['days'], 0), ANSWER_DAYS_CAP)}"
        )
        key = (row["kec"], month, name)
        out[key] = out.get(key, 0) + int(row["n"])


def compute_monthly(since: datetime.date | None) -> Monthly:
    def after(field: str) -> Q:
        if since is None:
            return Q()
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
        return Q(**{f"{field}__gte": start})

    out: Monthly = {}
    posts = (
        Post.objects.filter(
            after("published_at"),
            status=Post.Status.PUBLISHED,
            published_at__lte=timezone.now(),  # scheduled posts count once they are out
        )
        .values(kec=_kec("kim__region_id"), month=_month("published_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, POSTS, posts)
    deliveries = (
        Delivery.objects.filter(after("created_at"))
        .values(kec=_kec("kim__region_id"), month=_month("created_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, DELIVERIES, deliveries)
    republished = (
        Delivery.objects.filter(after("republished_at"), republished_at__isnull=False)
        .values(kec=_kec("kim__region_id"), month=_month("republished_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, REPUBLICATIONS, republished)
    shared = (
        Delivery.objects.filter(after("shared_at"), shared_at__isnull=False)
        .values(kec=_kec("kim__region_id"), month=_month("shared_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, SHARES, shared)
    # Views and clicks carry no time of their own: they count in the month of delivery.
    views = (
        Delivery.objects.filter(after("created_at"), view_count__gt=0)
        .values(kec=_kec("kim__region_id"), month=_month("created_at"))
        .annotate(n=Sum("view_count"))
        .order_by()
    )
    _add_monthly(out, REACH, views)
    clicks = (
        ShareLink.objects.filter(after("delivery__created_at"), click_count__gt=0)
        .values(kec=_kec("delivery__kim__region_id"), month=_month("delivery__created_at"))
        .annotate(n=Sum("click_count"))
        .order_by()
    )
    _add_monthly(out, REACH, clicks)
    _aspirations_monthly(out, Aspiration.objects.all(), after)
    _aspirations_monthly(
        out,
        Aspiration.objects.filter(visibility=Aspiration.Visibility.CONFIDENTIAL),
        after,
        prefix=CONFIDENTIAL,
    )
    attended = (
        Registration.objects.filter(after("attended_at"), attended_at__isnull=False)
        .values(kec=_kec("kim__region_id"), month=_month("attended_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, ATTENDANCES, attended)
    return out


def _aspirations_monthly(out: Monthly, cases, after, prefix: str = "") -> None:
    received = (
        cases.filter(after("created_at"))
        .values(kec=_kec("region_id"), month=_month("created_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    _add_monthly(out, ASPIRATIONS, received, prefix)
    rated = (
        cases.filter(after("created_at"), rating__isnull=False)
        .values(kec=_kec("region_id"), month=_month("created_at"))
        .annotate(n=Count("id"), total=Sum("rating"))
        .order_by()
    )
    for row in rated:
        _add_monthly(out, RATING_COUNT, [row], prefix)
        _add_monthly(out, RATING_SUM, [{**row, "n": row["total"]}], prefix)
    # Answered: the first "finished" step of each case, in the month it was taken.
    first_answer = (
        CaseEvent.objects.filter(
            aspiration=OuterRef("pk"), kind=CaseEvent.Kind.STATUS, to_status=Status.DONE
        )
        .order_by()
        .values("aspiration")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    answered = (
        cases.filter(
            id__in=CaseEvent.objects.filter(
                after("created_at"), kind=CaseEvent.Kind.STATUS, to_status=Status.DONE
            ).values("aspiration_id")
        )
        .annotate(answered_at=Subquery(first_answer))
        .filter(after("answered_at"))
        .values(
            "kabupaten_id",
            "created_at",
            "answered_at",
            kec=_kec("region_id"),
            month=_month("answered_at"),
        )
        .order_by()
    )
    # Days to answer count working days, as the deadlines do (core.workdays, each case in
    # its own kabupaten's calendar): one row per answered case, summed per kecamatan.
    rows = [
        {
            "kec": r["kec"],
            "month": r["month"],
            "days": working_days_between(
                r["created_at"], r["answered_at"], kabupaten_code=r["kabupaten_id"]
            ),
            "n": 1,
        }
        for r in answered.iterator(chunk_size=2000)
    ]
    _add_monthly(out, ANSWERED, [{k: v for k, v in r.items() if k != "days"} for r in rows], prefix)
    _add_monthly(out, ANSWER_DAYS, rows, prefix)


def compute_current(today: datetime.date | None = None) -> Current:
    """The figures of now. A case is overdue by its own kabupaten's date (the periodic
    refresh runs in the install's zone); ``today`` fixes one date for all."""
    late = overdue_q(today) if today is not None else overdue_now_q()
    out: Current = {}

    def add(metric: str, rows: Iterable[dict]) -> None:
        for row in rows:
            if row["n"]:
                out[(row["kec"], metric)] = int(row["n"])

    add(
        DESA,
        Region.objects.filter(level=Region.Level.DESA)
        .values(kec=_kec("code"))
        .annotate(n=Count("code"))
        .order_by(),
    )
    active = Kim.objects.filter(is_active=True)
    add(
        DESA_WITH_KIM,
        active.filter(region__level=Region.Level.DESA)
        .values(kec=_kec("region_id"))
        .annotate(n=Count("region_id", distinct=True))
        .order_by(),
    )
    add(KIMS, active.values(kec=_kec("region_id")).annotate(n=Count("id")).order_by())
    add(
        KIMS_VERIFIED,
        active.filter(verified_at__isnull=False)
        .values(kec=_kec("region_id"))
        .annotate(n=Count("id"))
        .order_by(),
    )
    add(
        MEMBERS,
        KimMembership.objects.filter(is_active=True, kim__is_active=True)
        .values(kec=_kec("kim__region_id"))
        .annotate(n=Count("user_id", distinct=True))
        .order_by(),
    )
    add(
        MEMBERS_TRAINED,
        Registration.objects.filter(attended_at__isnull=False)
        .values(kec=_kec("kim__region_id"))
        .annotate(n=Count("user_id", distinct=True))
        .order_by(),
    )
    confidential = Aspiration.objects.filter(visibility=Aspiration.Visibility.CONFIDENTIAL)
    for prefix, cases in (("", Aspiration.objects.all()), (CONFIDENTIAL, confidential)):
        add(
            prefix + OPEN,
            cases.exclude(status__in=[Status.DONE, Status.CLOSED])
            .values(kec=_kec("region_id"))
            .annotate(n=Count("id"))
            .order_by(),
        )
        add(
            prefix + OVERDUE,
            cases.filter(late).values(kec=_kec("region_id")).annotate(n=Count("id")).order_by(),
        )
    return out


def overdue_q(today: datetime.date) -> Q:
    """The same rule as Aspiration.is_overdue, as a filter."""
    return Q(status=Status.RECEIVED, verify_due__lt=today) | Q(
        status__in=[Status.DISPOSED, Status.IN_PROGRESS], answer_due__lt=today
    )


def overdue_now_q(now: datetime.datetime | None = None) -> Q:
    """``overdue_q`` with each kabupaten's own today (WIB, WITA or WIT at ``now``): one
    query for the kabupaten with open cases, then one condition per distinct date."""
    now = now or timezone.now()
    kabupaten = (
        Aspiration.objects.exclude(status__in=[Status.DONE, Status.CLOSED])
        .values_list("kabupaten_id", flat=True)
        .distinct()
        .order_by()
    )
    by_date: dict[datetime.date, list[str]] = defaultdict(list)
    for code in kabupaten:
        by_date[local_date(now, code)].append(code)
    late = Q(pk__in=[])
    for today, codes in by_date.items():
        late |= Q(kabupaten_id__in=codes) & overdue_q(today)
    return late


def _ancestors(kec: str) -> list[tuple[int, str, str]]:
    """(level, code, parent code) of a kecamatan and every region above it."""
    return [
        (Level.KECAMATAN, kec, kec[:KAB]),
        (Level.KABUPATEN, kec[:KAB], kec[:PROV]),
        (Level.PROVINSI, kec[:PROV], ""),
        (Level.NATIONAL, "", ""),
    ]


def _roll_monthly(rows: Monthly) -> list[MonthlyStat]:
    totals: dict[tuple[int, str, str, datetime.date, str], int] = defaultdict(int)
    for (kec, month, metric), value in rows.items():
        if len(kec) != KEC:
            continue  # a region above kecamatan level: not a place a KIM or case can be
        for level, code, parent in _ancestors(kec):
            totals[(level, code, parent, month, metric)] += value
    return [
        MonthlyStat(
            level=level, region_code=code, parent_code=parent, month=month, metric=m, value=v
        )
        for (level, code, parent, month, m), v in totals.items()
    ]


def _roll_current(rows: Current) -> list[CurrentStat]:
    totals: dict[tuple[int, str, str, str], int] = defaultdict(int)
    for (kec, metric), value in rows.items():
        if len(kec) != KEC:
            continue
        for level, code, parent in _ancestors(kec):
            totals[(level, code, parent, metric)] += value
    return [
        CurrentStat(level=level, region_code=code, parent_code=parent, metric=m, value=v)
        for (level, code, parent, m), v in totals.items()
    ]


FIGURES_VERSION_KEY = "dashboard:figures-version"


def figures_version() -> str:
    """The generation of the rollups, kept with every cached figures (stats.figures_with
    reads it with them and reads figures of an older generation afresh)."""
    version = cache.get(FIGURES_VERSION_KEY)
    if version is None:
        cache.add(FIGURES_VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(FIGURES_VERSION_KEY) or "0"
    return version


def forget_cached_figures() -> None:
    """A new generation: every region's cached figures are read afresh."""
    cache.set(FIGURES_VERSION_KEY, str(time.time_ns()), None)


def refresh(*, since: datetime.date | None = None) -> StatsRun:
    """Recompute the rollups from ``since`` (a month; None: everything) and the
    current figures, and swap them in one transaction (readers never see half)."""
    if since is not None:
        since = month_start(since)
    run = StatsRun(since=since)
    monthly = _roll_monthly(compute_monthly(since))
    current = _roll_current(compute_current())
    with transaction.atomic():
        old = MonthlyStat.objects.all()
        if since is not None:
            old = old.filter(month__gte=since)
        old.delete()
        MonthlyStat.objects.bulk_create(monthly, batch_size=BATCH)
        CurrentStat.objects.all().delete()
        CurrentStat.objects.bulk_create(current, batch_size=BATCH)
        run.finished_at = timezone.now()
        run.rows = len(monthly) + len(current)
        run.save()
        # Keep a short history of runs only.
        keep = StatsRun.objects.order_by("-started_at", "-id").values_list("id", flat=True)[:50]
        StatsRun.objects.exclude(id__in=list(keep)).delete()
    # After the swap: a dashboard read between the two may cache the old figures under the
    # old generation only, which nothing reads any more.
    forget_cached_figures()
    return run


def refresh_recent(*, today: datetime.date | None = None) -> StatsRun:
    """The periodic refresh: the current and the previous month only."""
    today = today or timezone.localdate()
    return refresh(since=previous_month(today))


def last_refreshed() -> datetime.datetime | None:
    run = StatsRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    return run.finished_at if run else None
