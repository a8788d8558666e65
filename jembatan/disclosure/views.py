"""Public side of the PPID: the information lists, requests, tracking, objections, register."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jembatan.accounts.contact import normalize_contact
from jembatan.core.pagecache import cache_public_page
from jembatan.core.params import get_page, parse_id, parse_year
from jembatan.core.ratelimit import (
    rate_limit_exceeded,
    rate_limit_full,
    rate_limit_reached,
    visitor_key,
)
from jembatan.core.service_calls import service_errors
from jembatan.core.storage import private_file_response
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

# settings.PPID_REQUEST_LIMIT requests stored per address in 10 minutes: a posko or a
# carrier address serves many people, and a form sent back with an error is not counted.
# Every POST counts toward a flood guard five times higher.
SUBMIT_WINDOW = 600
LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 600
PAGE_SIZE = 30


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


def _contact_matches(info_request: InformationRequest, contact: str) -> bool:
    try:
        value, kind = normalize_contact(contact)
    except ValidationError:
        return False
    stored = info_request.requester_email if kind == "email" else info_request.requester_phone
    return bool(stored) and hmac.compare_digest(value, stored)


@never_cache
@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """Number + the email or phone given: leads to the requester's private page."""
    form = TrackForm(request.GET or None)
    status = 200
    if request.GET and form.is_valid():
        if _lookup_blocked(request):
            form.add_error(None, _("Terlalu banyak pencarian. Coba lagi beberapa menit lagi."))
            status = 429
        else:
            number = services.normalize_number(form.cleaned_data["number"])
            found = served_requests().filter(number=number).first() if number else None
            if found is not None and _contact_matches(found, form.cleaned_data["contact"]):
                return redirect(found.get_absolute_url())
            # One message for an unknown number and a wrong contact: the page must not
            # tell which numbers exist with someone else's data.
            form.add_error(
                None,
                _(
                    "Permohonan dengan nomor registrasi dan kontak itu tidak ditemukan. "
                    "Periksa nomornya (mis. PPID-2026-000123) dan email/HP Anda."
                ),
            )
            status = 404
    return render(request, "disclosure/track.html", {"form": form}, status=status)


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
def answer_download(request: HttpRequest, number: str, token: str) -> FileResponse:
    info_request = _request_by_token(request, number, token)
    if not info_request.answer_file:
        raise Http404(_("Berkas tidak tersedia."))
    return _file_response(info_request.answer_file, info_request.answer_file_name)


@require_POST
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


@require_safe
@cache_public_page
def annual_report(request: HttpRequest, year: int, fmt: str = "html") -> HttpResponse:
    """The annual public-information service report (Perki 1/2021), public: figures per
    body, never who asked or what."""
    if not 2000 <= year <= 2100:
        raise Http404(_("Tahun tidak dikenal."))
    rows = report.annual_report(list(public_bodies()), year)
    title = _("Laporan Layanan Informasi Publik %(year)s") % {"year": year}
    # The narrative sections once Diskominfo published them; the figures always.
    text = AnnualReport.objects.filter(
        kabupaten_id=served_code(), year=year, published_at__isnull=False
    ).first()
    if fmt in ("csv", "pdf"):
        return report.report_download(rows, year=year, title=title, fmt=fmt, text=text)
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
