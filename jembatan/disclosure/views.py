"""Public side of the PPID: the information lists, requests, tracking, objections, register."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jembatan.accounts.contact import normalize_contact
from jembatan.core.pagecache import cache_public_page, content_version
from jembatan.core.params import get_page, parse_id, parse_year
from jembatan.core.ratelimit import (
    rate_limit_exceeded,
    rate_limit_full,
    rate_limit_reached,
    too_many_attempts,
    visitor_key,
)
from jembatan.core.service_calls import service_errors
from jembatan.core.storage import private_file_response
from jembatan.core.tasks import enqueue_on_commit
from jembatan.disclosure import report, services
from jembatan.disclosure.forms import ObjectionForm, RequestForm, TrackForm
from jembatan.disclosure.models import (
    AnnualReport,
    InfoDocument,
    InformationRequest,
    Objection,
    PublicBody,
)
from jembatan.disclosure.rules import commission_for, settings_for
from jembatan.tenants.current import served_code
from jembatan.tenants.resolve import zone_for_region

# settings.PPID_REQUEST_LIMIT requests stored per address in 10 minutes: a posko or a
# carrier address serves many people, and a form sent back with an error is not counted.
# Every POST counts toward a flood guard five times higher.
SUBMIT_WINDOW = 600
LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 600
LINK_SEND_LIMIT = 3  # private links sent for one request per hour (the lookup page)
PAGE_SIZE = 30
# The public annual report: no year before the law (UU 14/2008); a rendered CSV/PDF is
# kept this long; PDF renders per visitor are limited in this window (PPID_REPORT_PDF_LIMIT).
FIRST_REPORT_YEAR = 2008
REPORT_FILE_SECONDS, REPORT_RENDER_WINDOW = 300, 600


def public_bodies():
    """The bodies of the kabupaten this site serves."""
    return (
        PublicBody.objects.filter(kabupaten_id=served_code(), is_active=True)
        .select_related("region", "office")
        .in_order()
    )


def served_requests():
    """Requests to the bodies of the kabupaten this site serves: another kabupaten's PPID
    number is not found on this host, not even with its token."""
    return InformationRequest.objects.filter(body__kabupaten_id=served_code())


def _published(bodies=None):
    return InfoDocument.objects.filter(
        body__in=bodies if bodies is not None else public_bodies(), is_published=True
    )


@require_safe
@cache_public_page
def hub(request: HttpRequest) -> HttpResponse:
    rules = settings_for(served_code())
    bodies = list(
        public_bodies().annotate(
            documents_count=Count("documents", filter=Q(documents__is_published=True))
        )
    )
    return render(
        request,
        "disclosure/hub.html",
        {
            "bodies": bodies,
            "kinds": PublicBody.Kind,
            "answer_days": rules.answer_days,
            "extension_days": rules.extension_days,
            "objection_days": rules.objection_window_days,
            "superior_days": rules.objection_answer_days,
            "filing_days": rules.dispute_filing_days,
            "commission": commission_for(served_code(), rules),
            # The last complete year's report until the new one is due (end of March).
            "report_year": timezone.localdate().year - 1,
        },
    )


@require_safe
@cache_public_page
def body_list(request: HttpRequest, pk: int) -> HttpResponse:
    body = public_bodies().filter(pk=pk).first()
    if body is None:
        raise Http404(_("Badan publik tidak ditemukan."))
    documents = _published([body])
    chosen = request.GET.get("kategori", "")
    sections = []
    for value, label in InfoDocument.Category.choices:
        if chosen and chosen != value:
            continue
        sections.append((value, label, [d for d in documents if d.category == value]))
    return render(
        request,
        "disclosure/body.html",
        {
            "body": body,
            "sections": sections,
            "categories": InfoDocument.Category.choices,
            "chosen": chosen,
        },
    )


@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a listed file: published, not exempt, of a body of this site."""
    document = _published().filter(pk=pk).first()
    if document is None or not document.downloadable:
        raise Http404(_("Berkas tidak tersedia."))
    return _file_response(document.file, document.file_name)


def _file_response(field, name: str) -> FileResponse:
    return private_file_response(field, name)


@never_cache
@require_http_methods(["GET", "POST"])
def request_submit(request: HttpRequest) -> HttpResponse:
    bodies = public_bodies()
    initial = {}
    if request.method == "GET":
        for key, field in (("badan", "body"), ("dokumen", "document")):
            value = request.GET.get(key, "")
            if value.isdecimal() and len(value) < 10:
                initial[field] = int(value)
    form = RequestForm(request.POST or None, request.FILES or None, bodies=bodies, initial=initial)
    if request.method == "POST":
        visitor, limit = visitor_key(request), settings.PPID_REQUEST_LIMIT
        if rate_limit_exceeded(
            "ppid-request-attempt", visitor, limit=5 * limit, window=SUBMIT_WINDOW
        ) or rate_limit_full("ppid-request", visitor, limit=limit):
            form.is_valid()
            form.add_error(
                None, _("Terlalu banyak kiriman dari Anda. Coba lagi beberapa menit lagi.")
            )
            return render(request, "disclosure/request_form.html", {"form": form}, status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:
                return redirect("disclosure:hub")  # a bot: accept silently, keep nothing
            with service_errors(request, form) as call:
                info_request = services.information_request_submit(data=form.cleaned_data)
            if call.ok:
                rate_limit_exceeded("ppid-request", visitor, limit=limit, window=SUBMIT_WINDOW)
                messages.success(
                    request,
                    _(
                        "Permohonan Anda diterima dengan nomor registrasi %(number)s. Simpan "
                        "alamat halaman ini untuk mengikuti jawabannya."
                    )
                    % {"number": info_request.number},
                )
                return redirect(info_request.get_absolute_url())
        had_file = bool(request.FILES.get("identity_file"))
        return render(
            request,
            "disclosure/request_form.html",
            {"form": form, "had_file": had_file},
            status=400,
        )
    return render(request, "disclosure/request_form.html", {"form": form})


def _lookup_blocked(request: HttpRequest) -> bool:
    return rate_limit_exceeded(
        "ppid-lookup", visitor_key(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW
    )


def _contact_matches(info_request: InformationRequest, contact: str) -> str:
    """The kind of contact ("email" or "phone") when it is the one on file, else ""."""
    try:
        value, kind = normalize_contact(contact)
    except ValidationError:
        return ""
    stored = info_request.requester_email if kind == "email" else info_request.requester_phone
    return kind if stored and hmac.compare_digest(value, stored) else ""


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Number + the email or phone given: the private link is SENT to that contact, never
    shown. The register lists every number, and a neighbour may know the phone: the page
    answers the same whether or not they matched, and the link reaches only its owner.
    The form is posted, so the phone or email never sits in a URL (access logs, history);
    the answer is a redirect to the same neutral notice."""
    if request.method != "POST":
        sent = request.GET.get("dikirim") == "1"
        return render(request, "disclosure/track.html", {"form": TrackForm(), "sent": sent})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "disclosure/track.html", {"form": form, "sent": False})
    if _lookup_blocked(request):
        return too_many_attempts(request, window=LOOKUP_WINDOW)
    number = services.normalize_number(form.cleaned_data["number"])
    found = served_requests().filter(number=number).first() if number else None
    kind = _contact_matches(found, form.cleaned_data["contact"]) if found else ""
    # A few links per request and hour: the page must not become a way to flood the
    # requester's phone or mailbox.
    if (
        found is not None
        and kind
        and not rate_limit_exceeded(
            "ppid-link-sent", str(found.pk), limit=LINK_SEND_LIMIT, window=3600
        )
    ):
        enqueue_on_commit("jembatan.disclosure.tasks.send_private_link", found.pk, kind)
    return redirect(f"{reverse('disclosure:track')}?dikirim=1")


def token_lookup(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages behind a private link: a visitor over the lookup limit gets a 429 saying when
    to come back, not "not found" for a link that is valid (o2 M1)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if rate_limit_reached("ppid-lookup", visitor_key(request), limit=LOOKUP_LIMIT):
            return too_many_attempts(request, window=LOOKUP_WINDOW)
        return view(request, *args, **kwargs)

    return wrapped


def _request_by_token(request: HttpRequest, number: str, token: str) -> InformationRequest:
    if rate_limit_reached("ppid-lookup", visitor_key(request), limit=LOOKUP_LIMIT):
        raise Http404(_("Permohonan tidak ditemukan."))
    found = (
        served_requests()
        .select_related("body", "body__region", "body__office")
        .filter(number=number)
        .first()
    )
    if found is None or not hmac.compare_digest(found.token, token):
        _lookup_blocked(request)
        raise Http404(_("Permohonan tidak ditemukan."))
    return found


@never_cache
@require_safe
@token_lookup
def request_detail(request: HttpRequest, number: str, token: str) -> HttpResponse:
    info_request = _request_by_token(request, number, token)
    return _request_page(request, info_request, ObjectionForm())


def _request_page(
    request: HttpRequest, info_request: InformationRequest, form: ObjectionForm, status: int = 200
) -> HttpResponse:
    objection = Objection.objects.filter(request=info_request).first()
    window = services.objection_window(info_request)
    today = timezone.localdate()
    return render(
        request,
        "disclosure/request_detail.html",
        {
            "req": info_request,
            "objection": objection,
            "route": services.dispute_route(objection) if objection is not None else None,
            "window": window,
            "can_object": objection is None and window is not None and today <= window[1],
            "objection_form": form,
            "days_taken": services.working_days_taken(info_request),
            "rules": settings_for(info_request.body.kabupaten_id),
        },
        status=status,
    )


@require_safe
@token_lookup
def answer_download(request: HttpRequest, number: str, token: str) -> FileResponse:
    info_request = _request_by_token(request, number, token)
    if not info_request.answer_file:
        raise Http404(_("Berkas tidak tersedia."))
    return _file_response(info_request.answer_file, info_request.answer_file_name)


@require_POST
@token_lookup
def objection_submit(request: HttpRequest, number: str, token: str) -> HttpResponse:
    info_request = _request_by_token(request, number, token)
    form = ObjectionForm(request.POST)
    if rate_limit_exceeded("ppid-objection", visitor_key(request), limit=5, window=600):
        messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
    elif form.is_valid():
        with service_errors(request, form) as call:
            objection = services.objection_submit(
                request=info_request,
                reasons=form.cleaned_data["reasons"],
                text=form.cleaned_data["text"],
            )
        if call.ok:
            messages.success(
                request,
                _("Keberatan Anda tercatat dengan nomor %(number)s.")
                % {"number": objection.number},
            )
            return redirect(info_request.get_absolute_url())
    # Errors beside their fields, and what the citizen wrote stays in the form.
    if not form.errors:
        return redirect(info_request.get_absolute_url())
    return _request_page(request, info_request, form, status=400)


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """The public register: numbers, dates, status and outcome; never who asked or what."""
    bodies = list(public_bodies())
    rows = InformationRequest.objects.filter(body__in=bodies).select_related(
        "body", "body__region", "body__office", "objection"
    )
    year = request.GET.get("tahun", "")
    if (chosen_year := parse_year(year)) is not None:
        rows = rows.filter(received_at__year=chosen_year)
    body = request.GET.get("badan", "")
    if (chosen_body := parse_id(body, name="badan")) is not None:
        rows = rows.filter(body_id=chosen_body)
    page = get_page(Paginator(rows, PAGE_SIZE), request.GET.get("halaman"))
    for item in page.object_list:
        item.days_taken = services.working_days_taken(item)
    query = "&".join(f"{k}={v}" for k, v in (("tahun", year), ("badan", body)) if v)
    years = sorted(
        {d.year for d in InformationRequest.objects.dates("received_at", "year")}, reverse=True
    )
    return render(
        request,
        "disclosure/register.html",
        {
            "page": page,
            "bodies": bodies,
            "years": years,
            "chosen": {"tahun": year, "badan": body},
            "page_query": query,
        },
    )


def report_years() -> range:
    """The years an annual report can have figures for in the served kabupaten: from the
    first request (or report text) to this year in the tenant's zone; from 2008 (UU
    14/2008) while there is none. Any other year is a 404: no empty "future" reports to
    render (o2 M7)."""
    code = served_code()
    zone = zone_for_region(code)
    this_year = timezone.localdate(timezone=zone).year if zone else timezone.localdate().year
    firsts = [
        d.year
        for d in InformationRequest.objects.filter(body__in=public_bodies()).dates(
            "received_at", "year"
        )[:1]
    ]
    firsts += AnnualReport.objects.filter(kabupaten_id=code).values_list("year", flat=True)
    first = max(FIRST_REPORT_YEAR, min(firsts)) if firsts else FIRST_REPORT_YEAR
    return range(first, this_year + 1)


def _report_rows(year: int):
    if year not in report_years():
        raise Http404(_("Tahun tidak dikenal."))
    rows = report.annual_report(list(public_bodies()), year)
    title = _("Laporan Layanan Informasi Publik %(year)s") % {"year": year}
    # The narrative sections once Diskominfo published them; the figures always.
    text = AnnualReport.objects.filter(
        kabupaten_id=served_code(), year=year, published_at__isnull=False
    ).first()
    return rows, title, text


@require_safe
@cache_public_page(query=False)
def annual_report_file(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The report as CSV or PDF: one copy per tenant, year, format and language for
    REPORT_FILE_SECONDS (or until public content changes), whatever the query string
    says; a visitor may have only a few PDFs rendered in 10 minutes (o2 S2)."""
    key = (
        f"ppid-report:{content_version()}:{translation.get_language()}:{served_code()}:{year}:{fmt}"
    )
    cached = cache.get(key)
    if cached is None:
        if fmt == "pdf" and rate_limit_exceeded(
            "ppid-report-pdf",
            visitor_key(request),
            limit=settings.PPID_REPORT_PDF_LIMIT,
            window=REPORT_RENDER_WINDOW,
        ):
            return too_many_attempts(request, window=REPORT_RENDER_WINDOW)
        rows, title, text = _report_rows(year)
        response = report.report_download(rows, year=year, title=title, fmt=fmt, text=text)
        cached = (response.content, response["Content-Type"], response["Content-Disposition"])
        cache.set(key, cached, timeout=REPORT_FILE_SECONDS)
    elif year not in report_years():
        raise Http404(_("Tahun tidak dikenal."))
    content, content_type, disposition = cached
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@require_safe
@cache_public_page
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    """The annual public-information service report (Perki 1/2021), public: figures per
    body, never who asked or what."""
    rows, title, text = _report_rows(year)
    columns = report.columns()
    return render(
        request,
        "disclosure/report.html",
        {
            "year": year,
            "title": title,
            "cards": [
                {"name": values[0], "facts": list(zip(columns[1:], values[1:], strict=True))}
                for values in [*map(report.row_values, rows), report.totals(rows)]
            ],
            "this_year": timezone.localdate().year,
            "sections": report.sections(rows, text),
            "published": text is not None,
        },
    )
