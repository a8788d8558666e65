"""Staff side of the PPID in /kelola/ppid/: register, lists, answers, objections, report,
the bodies' atasan PPID and the kabupaten's PPID settings. A camat reads the bodies of
their kecamatan here (no forms, no requester identity); writes are the services'."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jembatan.accounts.access import get_administered_kabupaten_for_user
from jembatan.accounts.processing import access_record
from jembatan.core.params import get_page, parse_id, parse_year
from jembatan.core.service_calls import service_errors
from jembatan.disclosure import access, report, services, services_report
from jembatan.disclosure.forms import (
    AnnualReportForm,
    AnswerForm,
    BodyForm,
    DecisionForm,
    DocumentForm,
    ExtendForm,
    SettingsForm,
    SuperiorForm,
)
from jembatan.disclosure.models import AnnualReport, InfoDocument, Objection, RequestStatus
from jembatan.disclosure.rules import commission_for, report_window, settings_for
from jembatan.disclosure.views import _file_response

PAGE_SIZE = 30


def _bodies_or_403(request: HttpRequest):
    """The bodies the user reads (a camat: those of the kecamatan); an atasan PPID with
    none sees the register for the objections they decide, KIM pengurus the information
    list they help with."""
    bodies = access.get_readable_bodies_for_user(request.user)
    if (
        not access.get_visible_bodies_for_user(request.user).exists()
        and not access.can_register_bodies(request.user)
        and not access.is_superior_anywhere(request.user)
    ):
        raise PermissionDenied(_("Anda tidak mengelola PPID badan publik mana pun."))
    return bodies


def _kabupaten_or_403(request: HttpRequest):
    kabupaten = get_administered_kabupaten_for_user(request.user).order_by("code").first()
    if kabupaten is None:
        raise PermissionDenied(_("Hanya Diskominfo yang mengatur PPID kabupaten."))
    return kabupaten


@login_required
def register(request: HttpRequest) -> HttpResponse:
    _bodies_or_403(request)
    requests = access.get_readable_requests_for_user(request.user)
    objections = access.get_objections_for_user(request.user)
    chosen = {
        "status": request.GET.get("status", ""),
        "badan": request.GET.get("badan", ""),
        "tahun": request.GET.get("tahun", ""),
        "terlambat": request.GET.get("terlambat", ""),
    }
    if chosen["status"] in RequestStatus.values:
        requests = requests.filter(status=chosen["status"])
    if (body := parse_id(chosen["badan"], name="badan")) is not None:
        requests = requests.filter(body_id=body)
        objections = objections.filter(request__body_id=body)
    if (year := parse_year(chosen["tahun"])) is not None:
        requests = requests.filter(received_at__year=year)
        objections = objections.filter(submitted_at__year=year)
    if chosen["terlambat"] == "1":
        requests = requests.exclude(status=RequestStatus.ANSWERED).filter(
            due_date__lt=timezone.localdate()
        )
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(
        request,
        "disclosure/manage/register.html",
        {
            "page": get_page(Paginator(requests, PAGE_SIZE), request.GET.get("halaman")),
            "objections": objections[:100],
            "bodies": access.get_visible_bodies_for_user(request.user),
            "statuses": RequestStatus.choices,
            "chosen": chosen,
            "page_query": query,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "can_register_bodies": access.can_register_bodies(request.user),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def bodies(request: HttpRequest) -> HttpResponse:
    """Diskominfo registers the kabupaten, its OPD and its desa as public bodies."""
    kabupaten = get_administered_kabupaten_for_user(request.user).order_by("code").first()
    if kabupaten is None:
        raise PermissionDenied(_("Hanya Diskominfo yang mendaftarkan badan publik."))
    form = BodyForm(request.POST or None, kabupaten_code=kabupaten.code)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        region_field = "kecamatan" if kind == "bkad" else "region"
        with service_errors(request, form, success=_("Badan publik terdaftar.")) as call:
            services.public_body_create(
                actor=request.user,
                kind=kind,
                kabupaten=kabupaten,
                region=form.cleaned_data.get(region_field),
                office=form.cleaned_data.get("office"),
                contact=form.cleaned_data.get("contact") or "",
                own_name=form.cleaned_data.get("own_name") or "",
            )
        if call.ok:
            return redirect("disclosure:manage_bodies")
    return render(
        request,
        "disclosure/manage/bodies.html",
        {
            "kabupaten": kabupaten,
            "bodies": access.get_bodies_for_user(request.user).filter(kabupaten=kabupaten),
            "form": form,
        },
    )


@login_required
def body_superior(request: HttpRequest, pk: int) -> HttpResponse:
    """Diskominfo names a body's atasan PPID: who decides its objections."""
    body = access.get_body_for_user(request.user, pk)
    if not access.can_register_bodies(request.user):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang menetapkan atasan PPID."))
    candidates = services.superior_candidates(body)
    form = SuperiorForm(
        request.POST or None,
        candidates=candidates,
        initial={
            "superior_office": body.superior_office,
            "superior_name": body.superior_name,
            "superiors": list(body.superiors.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Atasan PPID tersimpan.")) as call:
            services.public_body_set_superior(
                actor=request.user,
                body=body,
                office=form.cleaned_data["superior_office"],
                name=form.cleaned_data["superior_name"],
                superiors=form.cleaned_data["superiors"],
            )
        if call.ok:
            return redirect("disclosure:manage_documents", pk=body.pk)
    return render(
        request,
        "disclosure/manage/superior_form.html",
        {"body": body, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def ppid_settings(request: HttpRequest) -> HttpResponse:
    """Diskominfo sets the kabupaten's PPID deadlines, its Komisi Informasi and the
    annual report's dates (the law's values until changed)."""
    kabupaten = _kabupaten_or_403(request)
    current = settings_for(kabupaten.code)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.SETTINGS_FIELDS}
        with service_errors(request, form, success=_("Pengaturan PPID tersimpan.")) as call:
            services.ppid_settings_save(actor=request.user, kabupaten=kabupaten, data=data)
        if call.ok:
            return redirect("disclosure:manage_settings")
    return render(
        request,
        "disclosure/manage/settings.html",
        {"kabupaten": kabupaten, "form": form, "commission": commission_for(kabupaten.code)},
        status=400 if form.errors else 200,
    )


@login_required
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    body = access.get_visible_body_for_user(request.user, pk)
    return render(
        request,
        "disclosure/manage/documents.html",
        {
            "body": body,
            "documents": body.documents.all(),
            "manages": access.keeps_list(request.user, body),
            "sets_superior": access.can_register_bodies(request.user)
            and access.manages_body(request.user, body),
            "superiors": list(body.superiors.all()),
        },
    )


def _document_form_view(request: HttpRequest, body, document: InfoDocument | None):
    initial = None
    if document is not None:
        initial = {
            name: getattr(document, name)
            for name in DocumentForm.base_fields
            if name not in ("file", "remove_file")
        }
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Daftar informasi tersimpan.")) as call:
            services.info_document_save(
                actor=request.user,
                body=body,
                document=document,
                data=form.cleaned_data,
                file=form.cleaned_data.get("file"),
                remove_file=form.cleaned_data.get("remove_file", False),
            )
        if call.ok:
            return redirect("disclosure:manage_documents", pk=body.pk)
    return render(
        request,
        "disclosure/manage/document_form.html",
        {"body": body, "document": document, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = access.get_list_bodies_for_user(request.user).filter(pk=pk).first()
    if body is None:
        raise Http404(_("Badan publik tidak ditemukan."))
    return _document_form_view(request, body, None)


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_for_user(request.user, pk)
    return _document_form_view(request, document.body, document)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_for_user(request.user, pk)
    body_pk = document.body_id
    services.info_document_delete(actor=request.user, document=document)
    messages.success(request, _("Informasi dihapus dari daftar."))
    return redirect("disclosure:manage_documents", pk=body_pk)


@login_required
def document_file(request: HttpRequest, pk: int):
    """Staff may open the file of any entry they manage (exempt entries keep none)."""
    document = access.get_document_for_user(request.user, pk)
    if not document.file:
        raise Http404(_("Berkas tidak tersedia."))
    return _file_response(document.file, document.file_name)


@login_required
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    info_request = access.get_readable_request_for_user(request.user, number)
    # A camat reads the request, not who asked, and changes nothing.
    manages = access.manages_body(request.user, info_request.body)
    if manages:  # only a view that shows the identity is a look at personal data
        access_record(actor=request.user, target=info_request)  # the requester sees it
    # The steps the table allows from here (who may: access.get_request_for_user).
    steps = services.REQUEST_MACHINE.available(info_request.status) if manages else []
    return render(
        request,
        "disclosure/manage/request_detail.html",
        {
            "req": info_request,
            "objection": Objection.objects.filter(request=info_request).first(),
            "extend_form": ExtendForm(),
            "answer_form": AnswerForm(),
            "days_taken": services.working_days_taken(info_request),
            "can_extend": "extend" in steps,
            "can_answer": "answer" in steps,
            "manages": manages,
        },
    )


@login_required
@require_POST
def request_extend(request: HttpRequest, number: str) -> HttpResponse:
    info_request = access.get_request_for_user(request.user, number)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan perpanjangan."))
    else:
        with service_errors(request) as call:
            info_request = services.information_request_extend(
                actor=request.user, request=info_request, reason=form.cleaned_data["reason"]
            )
        if call.ok:
            messages.success(
                request,
                _("Jangka waktu diperpanjang sampai %(date)s.")
                % {"date": date_format(info_request.due_date, "j F Y")},
            )
    return redirect("disclosure:manage_request", number=number)


@login_required
@require_POST
def request_answer(request: HttpRequest, number: str) -> HttpResponse:
    info_request = access.get_request_for_user(request.user, number)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Periksa isian jawaban."))
    else:
        with service_errors(request, success=_("Jawaban tersimpan dan dikirim kepada pemohon.")):
            services.information_request_answer(
                actor=request.user,
                request=info_request,
                outcome=form.cleaned_data["outcome"],
                grounds=form.cleaned_data["grounds"],
                text=form.cleaned_data["text"],
                file=form.cleaned_data.get("file"),
            )
    return redirect("disclosure:manage_request", number=number)


@login_required
def request_answer_file(request: HttpRequest, number: str):
    # The answer went to the requester and may name them: its managers only.
    info_request = access.get_request_for_user(request.user, number)
    if not info_request.answer_file:
        raise Http404(_("Berkas tidak tersedia."))
    return _file_response(info_request.answer_file, info_request.answer_file_name)


@login_required
def request_identity_file(request: HttpRequest, number: str):
    """The requester's identity copy, for the PPID handling the request only."""
    info_request = access.get_request_for_user(request.user, number)
    access_record(actor=request.user, target=info_request)
    if not info_request.identity_file:
        raise Http404(_("Berkas tidak tersedia."))
    extension = os.path.splitext(info_request.identity_file.name)[1]
    return _file_response(info_request.identity_file, f"identitas-{number}{extension}")


@login_required
def objection_detail(request: HttpRequest, number: str) -> HttpResponse:
    objection = access.get_objection_for_user(request.user, number)
    form = DecisionForm(request.POST or None)
    may_decide = access.is_ppid_superior(request.user, objection.request.body)
    # Whoever answered the request does not judge the objection against that answer.
    answered_it = objection.request.answered_by_id == request.user.pk
    if request.method == "POST":
        if not may_decide or answered_it:
            raise PermissionDenied(
                _("Anda yang menjawab permohonan ini, jadi tidak dapat memutus keberatan atasnya.")
                if answered_it
                else _("Keberatan ini diputus oleh atasan PPID: %(superior)s.")
                % {"superior": objection.request.body.superior_label}
            )
        if form.is_valid():
            with service_errors(request, form, success=_("Putusan keberatan tersimpan.")) as call:
                services.objection_decide(
                    actor=request.user,
                    objection=objection,
                    decision=form.cleaned_data["decision"],
                    text=form.cleaned_data["text"],
                )
            if call.ok:
                return redirect("disclosure:manage_objection", number=number)
    return render(
        request,
        "disclosure/manage/objection_detail.html",
        {
            "objection": objection,
            "req": objection.request,
            "form": form,
            "may_decide": may_decide
            and not answered_it
            and "decide" in services.OBJECTION_MACHINE.available(objection.status),
            "answered_it": answered_it,
            "reads_request": access.get_readable_requests_for_user(request.user)
            .filter(pk=objection.request_id)
            .exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def annual_report(request: HttpRequest, year: int, fmt: str = "html") -> HttpResponse:
    bodies = _bodies_or_403(request)
    if not 2000 <= year <= 2100:
        raise Http404(_("Tahun tidak dikenal."))
    rows = report.annual_report(bodies, year)
    title = _("Laporan Layanan Informasi Publik %(year)s") % {"year": year}
    kabupaten = get_administered_kabupaten_for_user(request.user).order_by("code").first()
    text = (
        AnnualReport.objects.filter(kabupaten=kabupaten, year=year).first()
        if kabupaten is not None
        else None
    )
    if fmt in ("csv", "pdf"):
        return report.report_download(rows, year=year, title=title, fmt=fmt, text=text)
    return render(
        request,
        "disclosure/manage/report.html",
        {
            "year": year,
            "title": title,
            "columns": report.columns(),
            "rows": [report.row_values(r) for r in rows],
            "totals": report.totals(rows),
            "sections": report.sections(rows, text),
            "text": text,
            "writes_text": kabupaten is not None,
        },
    )


def _report_year(request: HttpRequest, year: int):
    kabupaten = _kabupaten_or_403(request)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404(_("Tahun tidak dikenal."))
    return kabupaten


@login_required
def report_text(request: HttpRequest, year: int) -> HttpResponse:
    """Diskominfo writes the narrative sections of the year's report (Pasal 56)."""
    kabupaten = _report_year(request, year)
    text = AnnualReport.objects.filter(kabupaten=kabupaten, year=year).first()
    form = AnnualReportForm(request.POST or None, instance=text)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Laporan tersimpan.")) as call:
            services_report.annual_report_save(
                actor=request.user, kabupaten=kabupaten, year=year, data=form.cleaned_data
            )
        if call.ok:
            return redirect("disclosure:report_text", year=year)
    rules = settings_for(kabupaten.code)
    return render(
        request,
        "disclosure/manage/report_text.html",
        {
            "year": year,
            "kabupaten": kabupaten,
            "form": form,
            "text": text,
            "due": report_window(rules, year),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, year: int) -> HttpResponse:
    kabupaten = _report_year(request, year)
    with service_errors(request, success=_("Laporan tahunan diterbitkan.")):
        services_report.annual_report_publish(actor=request.user, kabupaten=kabupaten, year=year)
    return redirect("disclosure:report_text", year=year)
