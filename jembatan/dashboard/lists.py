"""The lists behind every dashboard figure, and their CSV and XLSX exports.

Each list is a queryset over the source tables, filtered by the scope's indexed region
fields and, for activity, by a range of months; rows are plain values, never personal
data (no reporter, no member names: trainings are counted per KIM). Lists of cases hold
only the cases the reader may open (aspirations.access.get_cases_for_user).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jembatan.aspirations.access import get_cases_for_user
from jembatan.aspirations.models import CaseEvent, Status
from jembatan.communities.models import Kim
from jembatan.core.workdays import local_date
from jembatan.dashboard.access import Scope, region_q
from jembatan.dashboard.rollup import overdue_q
from jembatan.dashboard.stats import add_months
from jembatan.dissemination.models import Delivery
from jembatan.literacy.models import Registration
from jembatan.regions.models import Region
from jembatan.sites.models import Post

MAX_MONTHS = 60  # the longest range a list or export accepts
XLSX_MAX_ROWS = 50_000  # beyond this, CSV (streamed) only
PAGE_SIZE = 50
# The columns of every list of cases (what _case_row gives).
CASE_COLUMNS = [
    _("Kode"),
    _("Diterima"),
    _("Kategori"),
    _("Desa/kelurahan"),
    _("Status"),
    _("Instansi"),
    _("Batas waktu"),
]


@dataclass(frozen=True)
class Period:
    first: datetime.date  # first day of the first month
    last: datetime.date  # first day of the last month

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time()))

    @property
    def end(self) -> datetime.datetime:
        nxt = add_months(self.last, 1)
        return timezone.make_aware(datetime.datetime.combine(nxt, datetime.time()))

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def query(self) -> str:
        return f"dari={self.first:%Y-%m}&sampai={self.last:%Y-%m}"

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{self.first:%m/%Y}"
        return f"{self.first:%m/%Y}\u2013{self.last:%m/%Y}"


@dataclass(frozen=True)
class ListDef:
    slug: str
    title: Any
    columns: list[Any]
    rows: Callable[[Scope, Period], QuerySet]
    row: Callable[[Any], list[Any]]
    link: Callable[[Any], str | None] = lambda obj: None
    uses_period: bool = True
    kim_scope: bool = True  # also offered on a KIM's dashboard


def _kims(scope: Scope):
    kims = Kim.objects.filter(is_active=True)
    if scope.kim is not None:
        return kims.filter(pk=scope.kim.pk)
    return kims.filter(region_q(scope, region="region__code", kabupaten="kabupaten__code"))


def _kim_rows(scope: Scope, period: Period):
    return _kims(scope).select_related("region", "region__parent").order_by("region_id", "name")


def _kim_row(kim) -> list[Any]:
    return [
        kim.name,
        kim.get_level_display(),
        kim.region.name,
        kim.region.parent.name if kim.region.level == 4 else kim.region.name,
        local_date(kim.verified_at, kim.kabupaten_id) if kim.verified_at else "",
    ]


def _idle_kims(scope: Scope, period: Period):
    posted = Post.objects.filter(
        kim=OuterRef("pk"),
        status=Post.Status.PUBLISHED,
        published_at__gte=period.start,
        published_at__lt=period.end,
    )
    republished = Delivery.objects.filter(
        kim=OuterRef("pk"), republished_at__gte=period.start, republished_at__lt=period.end
    )
    return _kim_rows(scope, period).filter(~Exists(posted), ~Exists(republished))


def _desa_without_kim(scope: Scope, period: Period):
    with_kim = Kim.objects.filter(region=OuterRef("pk"), is_active=True)
    desa = Region.objects.filter(level=Region.Level.DESA)
    if scope.code:
        desa = desa.filter(code__startswith=f"{scope.code}.")
    return desa.filter(~Exists(with_kim)).select_related("parent").order_by("code")


def _posts(scope: Scope, period: Period):
    posts = Post.objects.filter(
        status=Post.Status.PUBLISHED,
        published_at__gte=period.start,
        published_at__lt=min(period.end, timezone.now()),
    )
    if scope.kim is not None:
        posts = posts.filter(kim=scope.kim)
    else:
        posts = posts.filter(
            region_q(scope, region="kim__region__code", kabupaten="kim__kabupaten__code")
        )
    return posts.select_related("kim").order_by("-published_at", "-id")


def _deliveries(scope: Scope):
    rows = Delivery.objects.all()
    if scope.kim is not None:
        return rows.filter(kim=scope.kim)
    return rows.filter(
        region_q(scope, region="kim__region__code", kabupaten="kim__kabupaten__code")
    )


def _republished(scope: Scope, period: Period):
    return (
        _deliveries(scope)
        .filter(republished_at__gte=period.start, republished_at__lt=period.end)
        .select_related("item", "kim")
        .order_by("-republished_at", "-id")
    )


def _reach(scope: Scope, period: Period):
    return (
        _deliveries(scope)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(clicks=Coalesce(Sum("links__click_count"), 0))
        .select_related("item", "kim")
        .order_by("-created_at", "-id")
    )


def _cases(scope: Scope):
    from django.contrib.auth.models import AnonymousUser

    # Through the access helper: a confidential case is listed (and exported) only for
    # those who may open it.
    cases = get_cases_for_user(scope.viewer or AnonymousUser())
    if scope.kim is not None:
        region = scope.kim.region
        cases = cases.filter(Q(region=region) | Q(region__code__startswith=f"{region.code}."))
    else:
        cases = cases.filter(region_q(scope, region="region__code", kabupaten="kabupaten__code"))
    return cases.select_related("category", "region", "office")


def _received(scope: Scope, period: Period):
    return _cases(scope).filter(created_at__gte=period.start, created_at__lt=period.end)


def _open(scope: Scope, period: Period):
    return _cases(scope).exclude(status__in=[Status.DONE, Status.CLOSED]).order_by("created_at")


def _overdue(scope: Scope, period: Period):
    return _cases(scope).filter(overdue_q(timezone.localdate())).order_by("created_at")


def _answered(scope: Scope, period: Period):
    done = {"events__kind": CaseEvent.Kind.STATUS, "events__to_status": Status.DONE}
    return (
        _cases(scope)
        .annotate(answered_at=Min("events__created_at", filter=Q(**done)))
        .filter(answered_at__gte=period.start, answered_at__lt=period.end)
        .order_by("-answered_at")
    )


def _case_row(case) -> list[Any]:
    return [
        case.code,
        local_date(case.created_at, case.kabupaten_id),
        case.category.name,
        case.region.name,
        case.get_status_display(),
        case.office.name if case.office else "",
        case.due or "",
    ]


def _case_link(case) -> str:
    return reverse("aspirations:manage_detail", kwargs={"code": case.code})


def _answered_row(case) -> list[Any]:
    # Each case's dates in its kabupaten's zone: an export streams after the request.
    return [
        case.code,
        local_date(case.created_at, case.kabupaten_id),
        local_date(case.answered_at, case.kabupaten_id),
        (case.answered_at - case.created_at).days,
        case.category.name,
        case.region.name,
        case.rating or "",
    ]


def _trainings(scope: Scope, period: Period):
    rows = Registration.objects.filter(attended_at__gte=period.start, attended_at__lt=period.end)
    if scope.kim is not None:
        rows = rows.filter(kim=scope.kim)
    else:
        rows = rows.filter(
            region_q(scope, region="kim__region__code", kabupaten="kim__kabupaten__code")
        )
    return (
        rows.values(
            "training_id",
            title=F("training__title"),
            starts=F("training__starts_at"),
            kim_name=F("kim__name"),
        )
        .annotate(attended=Count("id"))
        .order_by("-starts", "title", "kim_name")
    )


def _date(value: datetime.datetime | None):
    return timezone.localtime(value).date() if value else ""


LISTS: dict[str, ListDef] = {
    d.slug: d
    for d in [
        ListDef(
            slug="kim",
            title=_("KIM aktif"),
            columns=[
                _("KIM"),
                _("Tingkat"),
                _("Desa/kelurahan"),
                _("Kecamatan"),
                _("Diverifikasi"),
            ],
            rows=_kim_rows,
            row=_kim_row,
            link=lambda kim: kim.get_absolute_url(),
            uses_period=False,
            kim_scope=False,
        ),
        ListDef(
            slug="kim-tanpa-kegiatan",
            title=_("KIM tanpa kegiatan (tanpa berita dan tanpa terbit ulang)"),
            columns=[
                _("KIM"),
                _("Tingkat"),
                _("Desa/kelurahan"),
                _("Kecamatan"),
                _("Diverifikasi"),
            ],
            rows=_idle_kims,
            row=_kim_row,
            link=lambda kim: kim.get_absolute_url(),
            kim_scope=False,
        ),
        ListDef(
            slug="desa-tanpa-kim",
            title=_("Desa/kelurahan tanpa KIM"),
            columns=[_("Kode"), _("Desa/kelurahan"), _("Kecamatan")],
            rows=_desa_without_kim,
            row=lambda r: [r.code, r.name, r.parent.name],
            uses_period=False,
            kim_scope=False,
        ),
        ListDef(
            slug="berita",
            title=_("Berita terbit"),
            columns=[_("Terbit"), _("Judul"), _("KIM")],
            rows=_posts,
            row=lambda p: [_date(p.published_at), p.title, p.kim.name],
            link=lambda p: p.get_absolute_url(),
        ),
        ListDef(
            slug="terbit-ulang",
            title=_("Informasi pembangunan yang diterbitkan ulang"),
            columns=[_("Diterbitkan ulang"), _("Informasi"), _("KIM")],
            rows=_republished,
            row=lambda d: [_date(d.republished_at), d.item.title, d.kim.name],
            link=lambda d: d.item.get_absolute_url(),
        ),
        ListDef(
            slug="jangkauan",
            title=_("Jangkauan informasi pembangunan"),
            columns=[
                _("Diterima"),
                _("Informasi"),
                _("KIM"),
                _("Dibaca"),
                _("Diterbitkan ulang"),
                _("Dibagikan"),
                _("Dilihat"),
                _("Klik"),
            ],
            rows=_reach,
            row=lambda d: [
                _date(d.created_at),
                d.item.title,
                d.kim.name,
                _date(d.read_at),
                _date(d.republished_at),
                _date(d.shared_at),
                d.view_count,
                d.clicks,
            ],
            link=lambda d: d.item.get_absolute_url(),
        ),
        ListDef(
            slug="aspirasi",
            title=_("Aspirasi diterima"),
            columns=CASE_COLUMNS,
            rows=lambda s, p: _received(s, p).order_by("-created_at", "-id"),
            row=_case_row,
            link=_case_link,
        ),
        ListDef(
            slug="aspirasi-terbuka",
            title=_("Aspirasi terbuka (belum selesai)"),
            columns=CASE_COLUMNS,
            rows=_open,
            row=_case_row,
            link=_case_link,
            uses_period=False,
        ),
        ListDef(
            slug="aspirasi-terlambat",
            title=_("Aspirasi melewati batas waktu"),
            columns=CASE_COLUMNS,
            rows=_overdue,
            row=_case_row,
            link=_case_link,
            uses_period=False,
        ),
        ListDef(
            slug="aspirasi-dijawab",
            title=_("Aspirasi dijawab"),
            columns=[
                _("Kode"),
                _("Diterima"),
                _("Dijawab"),
                _("Hari"),
                _("Kategori"),
                _("Desa/kelurahan"),
                _("Penilaian"),
            ],
            rows=_answered,
            row=_answered_row,
            link=_case_link,
        ),
        ListDef(
            slug="pelatihan",
            title=_("Kehadiran pelatihan per KIM"),
            columns=[_("Pelatihan"), _("Mulai"), _("KIM"), _("Hadir")],
            rows=_trainings,
            row=lambda r: [r["title"], _date(r["starts"]), r["kim_name"], r["attended"]],
        ),
    ]
}


def iter_rows(definition: ListDef, queryset) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=2000):
        yield [_cell(v) for v in definition.row(obj)]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)):
        return value
    return str(value)
