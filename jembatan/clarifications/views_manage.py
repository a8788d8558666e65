"""Staff side of clarifications in /kelola/klarifikasi/: the queue of reported rumours,
answering them with a new clarification or an existing one, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jembatan.accounts.audit import audit_for
from jembatan.clarifications import services
from jembatan.clarifications.access import (
    administers,
    can_handle_rumours,
    get_clarification_for_user,
    get_clarifications_for_user,
    get_report_for_user,
    get_reports_for_user,
)
from jembatan.clarifications.forms import AssignForm, ClarificationForm, RejectForm
from jembatan.clarifications.models import Clarification, RumourReport
from jembatan.clarifications.similarity import similar_clarifications
from jembatan.core.params import get_page
from jembatan.core.service_calls import service_errors
from jembatan.core.storage import private_file_response
from jembatan.tenants.current import served_code

R = RumourReport.Status
WAITING = [R.NEW, R.IN_PROGRESS]
PAGE_SIZE = 30
RECENT = 50


def _require_staff(request: HttpRequest) -> None:
    if not can_handle_rumours(request.user):
        raise PermissionDenied(_("Halaman ini untuk Diskominfo dan instansi terkait."))


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    reports = get_reports_for_user(request.user)
    if status in R.values:
        reports = reports.filter(status=status)
    else:
        status = ""
        reports = reports.filter(status__in=WAITING)
    drafts = get_clarifications_for_user(request.user).filter(status=Clarification.Status.DRAFT)
    published = get_clarifications_for_user(request.user).filter(
        status=Clarification.Status.PUBLISHED
    )[:10]
    return render(
        request,
        "clarifications/manage/home.html",
        {
            "page": get_page(Paginator(reports, PAGE_SIZE), request.GET.get("halaman")),
            "status": status,
            "statuses": R.choices,
            "drafts": drafts,
            "published": published,
            "page_query": f"status={status}" if status else "",
        },
    )


@login_required
@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_report_for_user(request.user, pk)
    waiting = row.status in WAITING
    similar = (
        similar_clarifications(kabupaten_code=row.kabupaten_id, text=row.text, link=row.link)
        if waiting
        else []
    )
    # Any draft the user may write, or any recent answer of the kabupaten: a duplicate
    # the word comparison missed is still one choice away.
    drafts = (
        get_clarifications_for_user(request.user).filter(
            kabupaten_id=row.kabupaten_id, status=Clarification.Status.DRAFT
        )
        if waiting
        else Clarification.objects.none()
    )
    recent = (
        Clarification.objects.filter(
            kabupaten_id=row.kabupaten_id, status=Clarification.Status.PUBLISHED
        ).order_by("-published_at")[:RECENT]
        if waiting
        else Clarification.objects.none()
    )
    may_assign = waiting and administers(request.user, row.kabupaten_id)
    return render(
        request,
        "clarifications/manage/report.html",
        {
            "report": row,
            "waiting": waiting,
            "similar": similar,
            "drafts": drafts,
            "recent": recent,
            "assign_form": AssignForm(
                kabupaten_code=row.kabupaten_id, initial={"office": row.office_id}
            )
            if may_assign
            else None,
            "reject_form": RejectForm() if waiting else None,
            "history": audit_for(row).select_related("actor")[:50],
        },
    )


@login_required
@require_POST
def report_action(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_report_for_user(request.user, pk)
    action = request.POST.get("action", "")
    if action == "link":
        value = request.POST.get("clarification", "")
        target = (
            Clarification.objects.filter(pk=int(value), kabupaten_id=row.kabupaten_id).first()
            if value.isdecimal() and len(value) < 10
            else None
        )
        if target is None:
            messages.error(request, _("Pilih klarifikasi dari daftar."))
        else:
            with service_errors(request, denied=True) as call:
                services.report_link(actor=request.user, report=row, clarification=target)
            if call.ok:
                messages.success(
                    request,
                    _("Laporan %(code)s dikaitkan dengan “%(title)s”.")
                    % {"code": row.code, "title": target.title},
                )
    elif action == "assign":
        form = AssignForm(request.POST, kabupaten_code=row.kabupaten_id)
        if form.is_valid():
            with service_errors(request, denied=True) as call:
                services.report_assign(
                    actor=request.user, report=row, office=form.cleaned_data["office"]
                )
            if call.ok:
                messages.success(request, _("Laporan diserahkan."))
        else:
            messages.error(request, _("Pilih instansi dari daftar."))
    elif action == "reject":
        with service_errors(request, denied=True) as call:
            services.report_reject(
                actor=request.user, report=row, reason=request.POST.get("reason", "")
            )
        if call.ok:
            messages.success(request, _("Laporan tidak ditindaklanjuti."))
    else:
        messages.error(request, _("Tindakan tidak dikenal."))
    return redirect("clarifications:manage_report", pk=row.pk)


@login_required
@require_safe
def screenshot(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_report_for_user(request.user, pk)
    if not row.screenshot:
        raise PermissionDenied(_("Laporan ini tanpa tangkapan layar."))
    return private_file_response(row.screenshot, f"tangkapan-{row.code}.jpg")


@login_required
@require_http_methods(["GET", "POST"])
def clarification_new(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    value = request.GET.get("laporan", "")
    source = (
        get_report_for_user(request.user, int(value))
        if value.isdecimal() and len(value) < 10
        else None
    )
    initial = {"claim": source.text[:2000]} if source is not None else {}
    form = ClarificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, denied=True) as call:
            row = services.clarification_create(
                actor=request.user,
                data=form.cleaned_data,
                kabupaten_code=source.kabupaten_id if source is not None else served_code(),
                report=source,
            )
        if call.ok:
            messages.success(request, _("Draf klarifikasi tersimpan. Periksa, lalu terbitkan."))
            return redirect("clarifications:manage_clarification", pk=row.pk)
    return render(
        request,
        "clarifications/manage/form.html",
        {"form": form, "source": source, "row": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def clarification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_clarification_for_user(request.user, pk)
    form = ClarificationForm(request.POST or None, initial=ClarificationForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, denied=True) as call:
            services.clarification_update(
                actor=request.user, clarification=row, data=form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Klarifikasi tersimpan."))
            return redirect("clarifications:manage_clarification", pk=row.pk)
    return render(
        request,
        "clarifications/manage/form.html",
        {
            "form": form,
            "row": row,
            "reports": row.reports.order_by("-created_at")[:50],
            "history": audit_for(row).select_related("actor")[:50],
        },
    )


@login_required
@require_POST
def clarification_publish(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_clarification_for_user(request.user, pk)
    with service_errors(request, denied=True) as call:
        row = services.clarification_publish(actor=request.user, clarification=row)
    if call.ok:
        messages.success(
            request,
            _("Klarifikasi terbit dan dikirim ke KIM sebagai informasi. Pelapor diberi tahu."),
        )
    return redirect("clarifications:manage_clarification", pk=row.pk)
