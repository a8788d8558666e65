"""Staff dashboards: national, provinsi, kabupaten, kecamatan and KIM; the lists behind
every figure with their exports; the monthly PDF report; the monthly aspirations report
per office (dashboard.casereport)."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jembatan.accounts.access import administers_kabupaten, is_operator
from jembatan.accounts.tenant_scope import scope_code
from jembatan.communities.models import Kim
from jembatan.core import exports
from jembatan.core.params import BadParameter, parse_id, parse_page_number, parse_year
from jembatan.core.pdf import pdf_response
from jembatan.core.ratelimit import rate_limit_exceeded, too_many_attempts
from jembatan.core.urlmemo import memo_urls
from jembatan.core.workdays import zone_abbreviation, zone_for
from jembatan.dashboard import casereport, charts, monev
from jembatan.dashboard import report as report_pdf
from jembatan.dashboard import rollup as R
from jembatan.dashboard.access import (
    Scope,
    get_dashboard_kims_for_user,
    get_dashboard_roots_for_user,
    get_kim_scope_for_user,
    get_list_scope_for_user,
    get_monev_scope_for_user,
    get_monev_scopes_for_user,
    get_office_report_scope_for_user,
    get_scope_for_user,
    sees_confidential_counts,
    within_roots,
)
from jembatan.dashboard.lists import (
    LISTS,
    MAX_MONTHS,
    PAGE_SIZE,
    XLSX_MAX_ROWS,
    Period,
    iter_rows,
)
from jembatan.dashboard.report import office_report_pdf
from jembatan.dashboard.stats import (
    Figures,
    add_months,
    figures_with,
    keep_companion,
    kim_figures,
    month_window,
)
from jembatan.regions.models import Region

DASH = "\u2013"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadInput(Exception):
    pass


def parse_month(text: str | None, default: datetime.date | None = None) -> datetime.date:
    if not text:
        if default is None:
            raise BadInput(_("Bulan wajib diisi."))
        return default
    match = MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise BadInput(
            _("Bulan “%(text)s” tidak dikenal: tulis TTTT-BB, mis. 2026-01.") % {"text": text[:20]}
        )
    return datetime.date(int(match[1]), int(match[2]), 1)


def parse_period(request: HttpRequest) -> Period:
    this_month = R.month_start(timezone.localdate())
    if request.GET.get("bulan"):
        month = parse_month(request.GET["bulan"])
        return Period(month, month)
    last = parse_month(request.GET.get("sampai"), this_month)
    first = parse_month(request.GET.get("dari"), add_months(last, -11))
    period = Period(first, last)
    if first > last:
        raise BadInput(_("Bulan awal harus sebelum bulan akhir."))
    if period.months > MAX_MONTHS:
        raise BadInput(
            _("Rentang terlalu panjang (%(n)s bulan): paling banyak %(max)s bulan sekali unduh.")
            % {"n": period.months, "max": MAX_MONTHS}
        )
    return period


def _bad(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "dashboard/error.html", {"message": message}, status=status)


def _list_url(metric: str, scope: Scope, period: Period | None = None, **extra: str) -> str:
    query = scope.query
    if period is not None:
        query += "&" + period.query
    for key, value in extra.items():
        query += f"&{key}={value}"
    return f"{reverse('dashboard:list', kwargs={'metric': metric})}?{query}"


def _list_paths() -> dict[str, str]:
    """The path of every list, by metric."""
    return {metric: reverse("dashboard:list", kwargs={"metric": metric}) for metric in LISTS}


def _month_label(month: datetime.date) -> str:
    return month.strftime("%m/%y")


def _context(request: HttpRequest, scope: Scope, data: Figures) -> dict[str, Any]:
    """What every dashboard shows: cards, trend charts and the table behind them."""
    period = Period(data.months[0], data.months[-1])
    # A dashboard links to about a hundred lists (each card, bar and table cell): each
    # list's path is reversed once per process, each month's query written once, then
    # put together.
    paths = memo_urls("dashboard.list_paths", _list_paths)

    scope_query = scope.query
    period_query = f"{scope_query}&{period.query}"

    def link(metric: str, with_period: bool = True) -> str:
        return f"{paths[metric]}?{period_query if with_period else scope_query}"

    month_queries = {
        row["month"]: f"{scope_query}&{Period(row['month'], row['month']).query}"
        for row in data.series
    }

    def month_link(metric: str, month: datetime.date) -> str:
        return f"{paths[metric]}?{month_queries[month]}"

    totals = data.totals
    cards = []
    if scope.kim:
        cards.append((_("Anggota aktif"), data.get(R.MEMBERS), None))
    else:
        coverage = f"{data.get(R.DESA_WITH_KIM)} / {data.get(R.DESA)}"
        if data.coverage_percent is not None:
            coverage += f" ({data.coverage_percent:.0f}%)"
        cards += [
            (_("KIM aktif"), data.get(R.KIMS), link("kim", False)),
            (_("Desa/kelurahan ber-KIM"), coverage, link("desa-tanpa-kim", False)),
        ]
    median = data.median_days_to_answer
    cards += [
        (_("Berita terbit"), totals.get(R.POSTS, 0), link("berita")),
        (_("Informasi diterbitkan ulang"), totals.get(R.REPUBLICATIONS, 0), link("terbit-ulang")),
        (_("Jangkauan (dilihat + klik)"), totals.get(R.REACH, 0), link("jangkauan")),
        (_("Aspirasi diterima"), totals.get(R.ASPIRATIONS, 0), link("aspirasi")),
        (_("Aspirasi terbuka"), data.get(R.OPEN), link("aspirasi-terbuka", False)),
        (_("Melewati batas waktu"), data.get(R.OVERDUE), link("aspirasi-terlambat", False)),
        (_("Aspirasi dijawab"), totals.get(R.ANSWERED, 0), link("aspirasi-dijawab")),
        (
            _("Median hari kerja sampai dijawab"),
            DASH if median is None else f"{median:g}",
            link("aspirasi-dijawab"),
        ),
        (
            _("Kepuasan warga (1-5)"),
            DASH if data.satisfaction is None else f"{data.satisfaction:.1f}",
            link("aspirasi-dijawab"),
        ),
        (_("Kehadiran pelatihan"), totals.get(R.ATTENDANCES, 0), link("pelatihan")),
        (_("Anggota terlatih (seluruhnya)"), data.get(R.MEMBERS_TRAINED), link("pelatihan")),
    ]
    series = data.series
    posts_chart = charts.bar_chart(
        [
            charts.Point(
                _month_label(row["month"]),
                row.get(R.POSTS, 0),
                month_link("berita", row["month"]),
            )
            for row in series
        ],
        title=_("Berita terbit per bulan"),
        desc=_("Batang: berita terbit; garis: informasi diterbitkan ulang."),
        line=[row.get(R.REPUBLICATIONS, 0) for row in series],
    )
    cases_chart = charts.bar_chart(
        [
            charts.Point(
                _month_label(row["month"]),
                row.get(R.ASPIRATIONS, 0),
                month_link("aspirasi", row["month"]),
            )
            for row in series
        ],
        title=_("Aspirasi per bulan"),
        desc=_("Batang: aspirasi diterima; garis: aspirasi dijawab."),
        line=[row.get(R.ANSWERED, 0) for row in series],
    )
    table = [
        {
            "month": row["month"],
            "values": [
                (row.get(m, 0), month_link(slug, row["month"])) for m, slug in TREND_COLUMNS
            ],
        }
        for row in series
    ]
    return {
        "scope": scope,
        "data": data,
        "period": period,
        "cards": cards,
        "posts_chart": posts_chart,
        "cases_chart": cases_chart,
        "trend_table": table,
        "trend_headers": [
            _("Berita"),
            _("Terbit ulang"),
            _("Jangkauan"),
            _("Aspirasi"),
            _("Dijawab"),
            _("Hadir pelatihan"),
        ],
        "stale": data.updated_at is None,
    }


TREND_COLUMNS = [
    (R.POSTS, "berita"),
    (R.REPUBLICATIONS, "terbit-ulang"),
    (R.REACH, "jangkauan"),
    (R.ASPIRATIONS, "aspirasi"),
    (R.ANSWERED, "aspirasi-dijawab"),
    (R.ATTENDANCES, "pelatihan"),
]


def _breadcrumbs(user, scope: Scope) -> list[tuple[str, str]]:
    """The path from the user's own top scope down to this one."""
    roots = get_dashboard_roots_for_user(user)
    codes = [""] + [".".join(scope.code.split(".")[:i]) for i in range(1, scope.level + 1)]
    top = next((c for c in codes if c in roots), scope.code)
    shown = codes[codes.index(top) :]
    # The scope's own name is known: a reader at their top region (most staff) needs no query.
    names: dict[str, str] = {scope.code: scope.name, "": _("Indonesia")}
    missing = [c for c in shown if c not in names]
    if missing:
        names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))
    base = reverse("dashboard:overview")
    return [(names.get(c, c), f"{base}?wilayah={c}") for c in shown]


@never_cache
@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    roots = get_dashboard_roots_for_user(request.user)
    if not roots:
        kims = list(get_dashboard_kims_for_user(request.user)[:1])
        if kims:
            return redirect("dashboard:kim", slug=kims[0].slug)
        raise PermissionDenied(_("Dasbor ini hanya untuk staf pemerintah dan pengurus KIM."))
    code = request.GET.get("wilayah", request.GET.get("kabupaten"))
    if code is None:
        # Staff who chose a kabupaten/kota in the workspace header start on its dashboard.
        chosen = scope_code(request)
        if chosen is not None and within_roots(chosen, roots):
            code = chosen
    scope = get_scope_for_user(request.user, code)
    try:
        month = parse_month(request.GET.get("bulan"), R.month_start(timezone.localdate()))
    except BadInput as exc:
        return _bad(request, str(exc))
    # The figures and their HTML as this reader's language, zone and URL prefix show it
    # (_figures_html), in one round trip to the cache.
    html_variant = ":".join(
        ("html", get_language() or "", timezone.get_current_timezone_name(), get_script_prefix())
    )
    data, html = figures_with(
        code=scope.code,
        companion=html_variant,
        until=month,
        confidential=sees_confidential_counts(request.user, scope),
    )
    base = reverse("dashboard:overview")
    for child in data.children:
        child["url"] = f"{base}?wilayah={child['code']}"
    if html is None:
        html = _figures_html(request, scope, data, html_variant)
    context: dict[str, Any] = {
        "scope": scope,
        "data": data,
        "period": Period(data.months[0], data.months[-1]),
        "children": data.children,
        "figures_html": mark_safe(html),  # noqa: S308 (_figures_html's, autoescaped)
    }
    if scope.level == Region.Level.KECAMATAN:
        context["desa"] = _desa_of(scope.code)
    if scope.level == Region.Level.KABUPATEN:
        # Who reads a kabupaten's dashboard reads its aspirations report per office.
        context["office_report_url"] = (
            f"{reverse('dashboard:office_report')}?wilayah={scope.code}&bulan={month:%Y-%m}"
        )
    if scope.level in (Region.Level.PROVINSI, Region.Level.KABUPATEN) and (
        is_operator(request.user) or get_monev_scopes_for_user(request.user)
    ):
        context["monev_url"] = f"{reverse('dashboard:monev')}?wilayah={scope.code}"
    context["breadcrumbs"] = _breadcrumbs(request.user, scope)
    context["roots"] = (
        list(Region.objects.filter(code__in=roots).order_by("code")) if len(roots) > 1 else []
    )
    context["month_value"] = month.strftime("%Y-%m")
    context["report_url"] = (
        reverse("dashboard:report", kwargs={"year": month.year, "month": f"{month.month:02d}"})
        + f"?wilayah={scope.code}"
    )
    return render(request, "dashboard/overview.html", context)


def _figures_html(request: HttpRequest, scope: Scope, data: Figures, variant: str) -> SafeString:
    """The figures of a region's dashboard as HTML: cards, trend charts, the table per
    month, the map and table per child region.

    They are the same for every reader of these figures (who may read the region, and
    whether its counts include confidential cases, was settled before: both are in the
    figures' key), so they are rendered once per reading of the figures, language, time
    zone and URL prefix (``variant``), and kept beside them (stats.keep_companion): never
    staler than the figures (a refresh of the rollups, or ``DASHBOARD_CACHE_SECONDS`` at
    most, makes a new reading).
    """
    context = _context(request, scope, data)
    context["children"] = data.children
    context["child_label"] = {
        0: _("Provinsi"),
        1: _("Kabupaten/kota"),
        2: _("Kecamatan"),
    }.get(scope.level, "")
    if data.children:
        context["tile_map"] = charts.tile_map(
            data.children,
            title=_("Peta cakupan KIM"),
            desc=_(
                "Setiap kotak satu wilayah; warna menunjukkan persentase desa/kelurahan "
                "yang memiliki KIM."
            ),
        )
        context["legend"] = [(label, charts.swatch(colour)) for label, colour in charts.legend()]
    html = render_to_string("dashboard/_overview_figures.html", context)
    keep_companion(data, variant, str(html))
    return mark_safe(html)  # noqa: S308 (a template's autoescaped output)


def _desa_of(kecamatan_code: str) -> list[dict[str, Any]]:
    rows = Region.objects.filter(parent_id=kecamatan_code).order_by("code")
    kims: dict[str, list[Kim]] = {}
    for kim in Kim.objects.filter(is_active=True, region__parent_id=kecamatan_code).order_by(
        "name"
    ):
        kims.setdefault(kim.region_id, []).append(kim)
    return [{"region": r, "kims": kims.get(r.code, [])} for r in rows]


@never_cache
@login_required
@require_safe
def kim_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    scope = get_kim_scope_for_user(request.user, slug)
    try:
        month = parse_month(request.GET.get("bulan"), R.month_start(timezone.localdate()))
    except BadInput as exc:
        return _bad(request, str(exc))
    data = kim_figures(scope.kim, viewer=request.user, until=month)
    context = _context(request, scope, data)
    context["month_value"] = month.strftime("%Y-%m")
    context["other_kims"] = list(get_dashboard_kims_for_user(request.user).exclude(pk=scope.kim.pk))
    return render(request, "dashboard/kim.html", context)


@never_cache
@login_required
@require_safe
def metric_list(request: HttpRequest, metric: str) -> HttpResponse:
    definition = LISTS.get(metric)
    if definition is None:
        raise Http404(_("Daftar tidak ditemukan."))
    scope = get_list_scope_for_user(
        request.user, code=request.GET.get("wilayah"), kim_slug=request.GET.get("kim")
    )
    if scope.kim is not None and not definition.kim_scope:
        raise Http404(_("Daftar tidak ditemukan."))
    try:
        period = parse_period(request)
    except BadInput as exc:
        return _bad(request, str(exc))
    queryset = definition.rows(scope, period)
    filename = slugify(
        f"{definition.slug}-{scope.code or 'indonesia'}-{period.first:%Y-%m}-{period.last:%Y-%m}"
    )
    if scope.kim is not None:
        filename = slugify(
            f"{definition.slug}-{scope.kim.slug}-{period.first:%Y-%m}-{period.last:%Y-%m}"
        )
    wanted = request.GET.get("format", "")
    if wanted == "csv":
        return exports.csv_response(filename, definition.columns, iter_rows(definition, queryset))
    if wanted == "xlsx":
        count = queryset.count()
        if count > XLSX_MAX_ROWS:
            return _bad(
                request,
                _(
                    "Daftar ini berisi %(count)s baris, lebih dari %(max)s baris yang muat dalam "
                    "satu berkas XLSX. Persempit rentang bulan atau unduh CSV."
                )
                % {
                    "count": number_format(count, force_grouping=True),
                    "max": number_format(XLSX_MAX_ROWS, force_grouping=True),
                },
            )
        return exports.xlsx_response(
            filename, str(definition.title), definition.columns, iter_rows(definition, queryset)
        )
    if wanted:
        return _bad(request, _("Format unduhan tidak dikenal: pilih csv atau xlsx."))
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        number = parse_page_number(request.GET.get("halaman"))
        page = paginator.page(number)
    except BadParameter as exc:
        return _bad(request, exc.message)
    except EmptyPage:
        return _bad(
            request,
            _("Halaman %(number)s tidak ada: daftar ini berisi %(pages)s halaman.")
            % {"number": str(number)[:10], "pages": paginator.num_pages},
            status=404,
        )
    rows = [
        {"cells": [c for c in definition.row(obj)], "url": definition.link(obj)} for obj in page
    ]
    base_query = scope.query + ("&" + period.query if definition.uses_period else "")
    back = (
        reverse("dashboard:kim", kwargs={"slug": scope.kim.slug})
        if scope.kim
        else f"{reverse('dashboard:overview')}?wilayah={scope.code}"
    )
    return render(
        request,
        "dashboard/list.html",
        {
            "definition": definition,
            "scope": scope,
            "period": period,
            "page": page,
            "rows": rows,
            "base_query": base_query,
            "back": back,
            "months": month_window(None, 24)[::-1],
        },
    )


@never_cache
@login_required
@require_safe
def report(request: HttpRequest, year: int, month: str) -> HttpResponse:
    scope = get_scope_for_user(request.user, request.GET.get("wilayah"))
    try:
        first = parse_month(f"{int(year):04d}-{month}")
    except BadInput as exc:
        return _bad(request, str(exc))
    if first > R.month_start(timezone.localdate()):
        return _bad(request, _("Laporan bulan yang belum tiba belum dapat dibuat."))
    pdf = report_pdf.monthly_report(
        scope=scope,
        month=first,
        confidential=sees_confidential_counts(request.user, scope),
    )
    return pdf_response(pdf, slugify(f"laporan-kim-{scope.code or 'indonesia'}-{first:%Y-%m}"))


@never_cache
@login_required
@require_safe
def office_report(request: HttpRequest) -> HttpResponse:
    """The monthly aspirations report per office: page, PDF, CSV and XLSX."""

    office_id = parse_id(request.GET.get("instansi"), name="instansi")
    code = request.GET.get("wilayah")
    if code is None:
        # The kabupaten/kota chosen in the workspace header, when the user administers it.
        chosen = scope_code(request)
        if chosen is not None and administers_kabupaten(request.user, chosen):
            code = chosen
    scope = get_office_report_scope_for_user(request.user, code=code, office_id=office_id)
    # The month's bounds, "today" and the times printed are the kabupaten's own, whichever
    # host the report is asked on.
    with timezone.override(zone_for(scope.kabupaten.code)):
        return _office_report(request, scope)


def _office_report(request: HttpRequest, scope) -> HttpResponse:
    this_month = R.month_start(timezone.localdate())
    try:
        month = parse_month(request.GET.get("bulan"), add_months(this_month, -1))
    except BadInput as exc:
        return _bad(request, str(exc))
    if month > this_month:
        return _bad(request, _("Laporan bulan yang belum tiba belum dapat dibuat."))
    wanted = request.GET.get("format", "")
    if wanted not in ("", "pdf", "csv", "xlsx"):
        return _bad(request, _("Format unduhan tidak dikenal: pilih pdf, csv atau xlsx."))
    table = request.GET.get("tabel", "")
    if table not in ("", "ringkasan", "daftar"):
        return _bad(request, _("Tabel tidak dikenal: pilih ringkasan atau daftar."))
    report = casereport.build(
        cases=scope.cases,
        kabupaten_code=scope.kabupaten.code,
        month=month,
        office=scope.office,
    )
    with_lines = scope.office is not None
    place = scope.office.name if scope.office is not None else scope.kabupaten.name
    month_name = date_format(month, "F Y")
    title = _("Laporan aspirasi %(place)s, %(month)s") % {"place": place, "month": month_name}
    if report.partial:
        as_of = _("Keadaan sampai %(date)s (bulan berjalan).") % {
            "date": date_format(timezone.localdate(), "j F Y")
        }
    else:
        # The kabupaten's zone is active here: name it, the PDF travels without its host.
        as_of = _("Keadaan pada akhir %(date)s pukul 23.59.59 %(zone)s.") % {
            "date": date_format(report.last_day, "j F Y"),
            "zone": zone_abbreviation(),
        }
    filename = slugify(f"laporan-aspirasi-{place}-{month:%Y-%m}")
    if wanted == "pdf":
        pdf = office_report_pdf(
            report, title=title, subtitle=f"{scope.kabupaten.name}. {as_of}", with_lines=with_lines
        )
        return pdf_response(pdf, filename)
    summary_header = [_("Tabel"), _("Nama"), *casereport.columns()]
    if wanted == "csv":
        # One table per file, so that a spreadsheet or pandas reads it: the summary, or
        # (tabel=daftar) the month's cases, the XLSX's second sheet (no personal data).
        if table == "daftar":
            names = casereport.office_names(report)
            return exports.csv_response(
                f"{filename}-daftar",
                casereport.line_columns(),
                (casereport.line_values(line, names) for line in report.lines),
            )
        return exports.csv_response(filename, summary_header, casereport.summary_rows(report))
    if wanted == "xlsx":
        # The workbook always lists the month's cases (no personal data in them).
        names = casereport.office_names(report)
        sheets = [
            (_("Ringkasan"), summary_header, casereport.summary_rows(report)),
            (
                _("Daftar aspirasi"),
                casereport.line_columns(),
                (casereport.line_values(line, names) for line in report.lines),
            ),
        ]
        return exports.xlsx_file_response(filename, sheets)
    query = {"bulan": month.strftime("%Y-%m")}
    if not scope.own_office:
        query["wilayah"] = scope.kabupaten.code
    if scope.office is not None:
        query["instansi"] = str(scope.office.pk)
    names = casereport.office_names(report) if with_lines else {}
    return render(
        request,
        "dashboard/office_report.html",
        {
            "scope": scope,
            "report": report,
            "title": title,
            "as_of": as_of,
            "columns": casereport.columns(),
            "tables": [
                {
                    "table": table,
                    "rows": [(row.name, casereport.row_values(row), False) for row in table.rows]
                    + [(table.total.name, casereport.row_values(table.total), True)],
                }
                for table in report.tables
            ],
            "line_columns": casereport.line_columns(),
            "lines": [(line.code, casereport.line_values(line, names)) for line in report.lines]
            if with_lines
            else [],
            "with_lines": with_lines,
            "rules": casereport.RULES,
            "month_value": month.strftime("%Y-%m"),
            "max_month": this_month.strftime("%Y-%m"),
            "query": urlencode(query),
        },
    )


@never_cache
@login_required
@require_safe
def monev_report(request: HttpRequest) -> HttpResponse:
    """The quarterly or yearly monitoring and evaluation report: page, PDF and CSV."""
    code = request.GET.get("wilayah")
    if code is None:
        # The kabupaten/kota chosen in the workspace header, when it is in reach.
        chosen = scope_code(request)
        if chosen is not None and within_roots(chosen, get_dashboard_roots_for_user(request.user)):
            code = chosen
    scope = get_monev_scope_for_user(request.user, code)
    # Periods begin and end at midnight in the kabupaten's zone (a province: the active one).
    with timezone.override(zone_for(scope.code)):
        return _monev_report(request, scope)


def _monev_choices(user, scope: Scope) -> list[Region]:
    """The regions the period picker offers: the user's kabupaten and provinces and the
    kabupaten of those provinces (an operator: the province of the scope and its own)."""
    if is_operator(user):
        tops = [scope.code[:2]]
    else:
        tops = [r.code for r in get_monev_scopes_for_user(user)]
    provinces = [c for c in tops if len(c) == 2]
    regions = Region.objects.filter(code__in=tops) | Region.objects.filter(
        parent_id__in=provinces, level=Region.Level.KABUPATEN
    )
    return list(regions.order_by("code"))


def _monev_report(request: HttpRequest, scope: Scope) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = parse_year(request.GET.get("tahun"))
        period = monev.parse_period(year, request.GET.get("triwulan"), today)
    except BadParameter as exc:
        return _bad(request, exc.message)
    except monev.BadPeriod as exc:
        return _bad(request, str(exc))
    wanted = request.GET.get("format", "")
    if wanted not in ("", "pdf", "csv"):
        return _bad(request, _("Format unduhan tidak dikenal: pilih pdf atau csv."))
    report = monev.build(
        scope=scope, period=period, confidential=sees_confidential_counts(request.user, scope)
    )
    filename = slugify(f"monev-kim-{scope.name}-{period.slug}")
    if wanted == "pdf":
        # Each render costs seconds of a worker: a few per account in 10 minutes.
        if rate_limit_exceeded(
            "monev-pdf", f"user:{request.user.pk}", limit=settings.MONEV_PDF_LIMIT, window=600
        ):
            return too_many_attempts(request, window=600)
        return pdf_response(report_pdf.monev_pdf(report), filename)
    if wanted == "csv":
        return exports.csv_response(filename, monev.csv_header(), monev.csv_rows(report))
    choices = _monev_choices(request.user, scope)
    return render(
        request,
        "dashboard/monev.html",
        {
            "scope": scope,
            "report": report,
            "title": _("Laporan monev KIM %(scope)s, %(period)s")
            % {"scope": scope.name, "period": period.label},
            "choices": choices if len(choices) > 1 else [],
            "max_year": today.year,
            "quarters": [(q, monev.QUARTER_NAMES[q]) for q in (1, 2, 3, 4)],
            "query": f"wilayah={scope.code}&{period.query}",
            "unit_columns": monev.UNIT_COLUMNS,
            "units": [
                (unit, [unit.current(key) for key, _label in monev.UNIT_COLUMNS])
                for unit in report.units
            ],
            "notes": monev.method_notes(report),
        },
    )
