"""Staff and member pages in /kelola/literasi/: trainings and attendance, modules,
score weights, and the member's own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jembatan.accounts.access import get_administered_kabupaten_for_user, is_operator
from jembatan.core.links import request_base
from jembatan.core.pdf import pdf_response
from jembatan.core.ratelimit import rate_limit_exceeded
from jembatan.core.service_calls import service_errors
from jembatan.literacy import access, score_rules, services
from jembatan.literacy.documents import certificate_pdf
from jembatan.literacy.forms import (
    CheckInForm,
    LessonForm,
    ModuleForm,
    QuestionForm,
    TrainingActionForm,
    TrainingForm,
    WeightsForm,
)
from jembatan.literacy.models import Registration, Training
from jembatan.sites.poster import qr_svg

CHECKIN_LIMIT = 600  # check-ins per organiser per window: a big hall, a few retries
CHECKIN_WINDOW = 10 * 60


@login_required
@never_cache
def manage_index(request: HttpRequest) -> HttpResponse:
    if not (access.can_organise(request.user) or access.can_write_modules(request.user)):
        return redirect("literacy:mine")
    return render(
        request,
        "literacy/manage/index.html",
        {
            "trainings": access.get_managed_trainings_for_user(request.user)[:100],
            "modules": access.get_managed_modules_for_user(request.user),
            "can_organise": access.can_organise(request.user),
            "can_write_modules": access.can_write_modules(request.user),
            "kabupaten": get_administered_kabupaten_for_user(request.user).order_by("name"),
            "year": timezone.localdate().year,
        },
    )


def _training_form_response(request, form, training=None) -> HttpResponse:
    return render(
        request, "literacy/manage/training_form.html", {"form": form, "training": training}
    )


@login_required
@never_cache
def training_create(request: HttpRequest) -> HttpResponse:
    areas = access.get_training_areas_for_user(request.user)
    if not areas:
        raise PermissionDenied
    form = TrainingForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kims = list(data.pop("target_kims", []) or [])
        with service_errors(request, form, success=_("Pelatihan disimpan sebagai draf.")) as call:
            obj = services.training_save(actor=request.user, data=data, kims=kims)
        if call.ok:
            return redirect("literacy:manage_training", pk=obj.pk)
    return _training_form_response(request, form)


@login_required
@never_cache
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_managed_training_for_user(request.user, pk)
    areas = access.get_training_areas_for_user(request.user)
    form = TrainingForm(request.POST or None, instance=obj, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kims = list(data.pop("target_kims", []) or [])
        with service_errors(request, form, success=_("Pelatihan disimpan.")) as call:
            services.training_save(actor=request.user, data=data, kims=kims, training=obj)
        if call.ok:
            return redirect("literacy:manage_training", pk=obj.pk)
    return _training_form_response(request, form, obj)


@login_required
@never_cache
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_managed_training_for_user(request.user, pk)
    registrations = obj.registrations.select_related("user", "kim")
    return render(
        request,
        "literacy/manage/training.html",
        {
            "training": obj,
            "registrations": registrations,
            "attended": sum(1 for r in registrations if r.attended_at),
            "actions": [
                (a, services.TRAINING_MACHINE[a].label) for a in services.training_actions(obj)
            ],
            "targets": access.target_kims(obj)[:200],
        },
    )


@login_required
@require_POST
def training_action(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_managed_training_for_user(request.user, pk)
    form = TrainingActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tindakan tidak dikenal."))
    else:
        with service_errors(request) as call:
            obj = services.training_transition(
                actor=request.user, training=obj, action=form.cleaned_data["action"]
            )
        if call.ok:
            messages.success(
                request, _("Status pelatihan: %(status)s.") % {"status": obj.get_status_display()}
            )
    return redirect("literacy:manage_training", pk=obj.pk)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@never_cache
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's attendance page: scan or type a member's code, or tick the list.

    The scanner script posts here with Accept: application/json and queues codes on the
    phone while the connection is down; a repeat is answered "sudah hadir" and changes
    nothing, so the queue can safely send twice."""
    obj = access.get_managed_training_for_user(request.user, pk)
    form = CheckInForm()
    if request.method == "POST":
        if rate_limit_exceeded(
            "literacy-checkin", str(request.user.pk), limit=CHECKIN_LIMIT, window=CHECKIN_WINDOW
        ):
            message = _("Terlalu banyak percobaan. Tunggu beberapa menit.")
            if _wants_json(request):
                return JsonResponse({"status": "limited", "message": message}, status=429)
            messages.error(request, message)
            return redirect("literacy:check_in", pk=obj.pk)
        if "list" in request.POST:
            ids = [int(v) for v in request.POST.getlist("registration") if v.isdigit()]
            with service_errors(request) as call:
                new = services.registrations_check_in_list(
                    actor=request.user, training=obj, registration_ids=ids
                )
            if call.ok:
                messages.success(request, _("%(n)s peserta dicatat hadir.") % {"n": new})
            return redirect("literacy:check_in", pk=obj.pk)
        form = CheckInForm(request.POST)
        if form.is_valid():
            method = form.cleaned_data.get("method") or Registration.Method.CODE
            with service_errors(request, form, field="code") as call:
                result = services.registration_check_in(
                    actor=request.user, training=obj, code=form.cleaned_data["code"], method=method
                )
            if not call.ok:
                if _wants_json(request):
                    return JsonResponse({"status": "rejected", "message": call.message}, status=400)
            else:
                status = "already" if result.already else "ok"
                if _wants_json(request):
                    # The page updates its count and ticks the name without a reload.
                    attended = obj.registrations.filter(attended_at__isnull=False).count()
                    return JsonResponse(
                        {
                            "status": status,
                            "message": result.message,
                            "registration": result.registration.pk,
                            "attended": attended,
                            "summary": _attendance_summary(attended, obj.registrations.count()),
                        }
                    )
                if result.already:
                    messages.info(request, result.message)
                else:
                    messages.success(request, result.message)
                return redirect("literacy:check_in", pk=obj.pk)
        elif _wants_json(request):
            return JsonResponse(
                {"status": "rejected", "message": _("Kode hadir kosong.")}, status=400
            )
    elif request.GET.get("kode"):
        # Opened from the QR with the phone's own camera app: ready to confirm.
        form = CheckInForm(initial={"code": request.GET["kode"][:40], "method": "qr"})
    registrations = list(obj.registrations.select_related("user", "kim"))
    return render(
        request,
        "literacy/manage/check_in.html",
        {
            "training": obj,
            "form": form,
            "registrations": registrations,
            "summary": _attendance_summary(
                sum(1 for r in registrations if r.attended_at), len(registrations)
            ),
        },
    )


def _attendance_summary(attended: int, total: int) -> str:
    return _("%(n)s dari %(total)s peserta hadir.") % {"n": attended, "total": total}


@login_required
@never_cache
def module_create(request: HttpRequest) -> HttpResponse:
    return _module_form(request, None)


@login_required
@never_cache
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _module_form(request, access.get_managed_module_for_user(request.user, pk))


def _module_form(request: HttpRequest, obj) -> HttpResponse:
    if not access.can_write_modules(request.user):
        raise PermissionDenied
    form = ModuleForm(
        request.POST or None,
        instance=obj,
        kabupaten=get_administered_kabupaten_for_user(request.user).order_by("name"),
        platform=is_operator(request.user),
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Modul disimpan.")) as call:
            obj = services.module_save(actor=request.user, data=form.cleaned_data, module=obj)
        if call.ok:
            return redirect("literacy:manage_module", pk=obj.pk)
    context = {"form": form, "module": obj}
    if obj is not None:
        context |= {
            "lessons": obj.lessons.all(),
            "questions": obj.questions.prefetch_related("choices"),
            "lesson_form": LessonForm(),
            "question_form": QuestionForm(),
        }
    return render(request, "literacy/manage/module.html", context)


@login_required
@never_cache
def lesson_edit(request: HttpRequest, module: int, pk: int | None = None) -> HttpResponse:
    mod = access.get_managed_module_for_user(request.user, module)
    obj = get_object_or_404(mod.lessons, pk=pk) if pk else None
    initial = (
        {"title": obj.title, "kind": obj.kind, "body": obj.body, "order": obj.order}
        if obj
        else None
    )
    form = LessonForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(request, form, success=_("Materi disimpan.")) as call:
            services.lesson_save(
                actor=request.user,
                module=mod,
                title=data["title"],
                kind=data["kind"],
                body=data.get("body") or "",
                order=data["order"],
                file=data.get("checked_file"),
                lesson=obj,
            )
        if call.ok:
            return redirect("literacy:manage_module", pk=mod.pk)
    return render(
        request, "literacy/manage/lesson_form.html", {"module": mod, "lesson": obj, "form": form}
    )


@login_required
@require_POST
def lesson_delete(request: HttpRequest, module: int, pk: int) -> HttpResponse:
    mod = access.get_managed_module_for_user(request.user, module)
    services.lesson_delete(actor=request.user, lesson=get_object_or_404(mod.lessons, pk=pk))
    messages.success(request, _("Materi dihapus."))
    return redirect("literacy:manage_module", pk=mod.pk)


@login_required
@require_POST
def question_add(request: HttpRequest, module: int) -> HttpResponse:
    mod = access.get_managed_module_for_user(request.user, module)
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(request, success=_("Soal ditambahkan.")):
            services.question_add(
                actor=request.user,
                module=mod,
                text=data["text"],
                choices=[data[f"choice_{i}"] for i in range(1, 5)],
                correct=data["correct"],
                order=data["order"],
            )
    else:
        messages.error(request, _("Periksa isian soal: pertanyaan dan dua pilihan wajib diisi."))
    return redirect("literacy:manage_module", pk=mod.pk)


@login_required
@require_POST
def question_delete(request: HttpRequest, module: int, pk: int) -> HttpResponse:
    mod = access.get_managed_module_for_user(request.user, module)
    services.question_delete(actor=request.user, question=get_object_or_404(mod.questions, pk=pk))
    messages.success(request, _("Soal dihapus."))
    return redirect("literacy:manage_module", pk=mod.pk)


@login_required
@never_cache
def weights(request: HttpRequest) -> HttpResponse:
    administered = get_administered_kabupaten_for_user(request.user).order_by("name")
    kabupaten = (
        administered.filter(code=request.GET.get("kab") or "").first() or administered.first()
    )
    if kabupaten is None:
        raise PermissionDenied
    current = score_rules.weights_for(kabupaten.code)
    form = WeightsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        with service_errors(
            request, form, success=_("Bobot disimpan. Skor KIM dihitung ulang.")
        ) as call:
            services.score_weights_save(
                actor=request.user, kabupaten=kabupaten, data=form.cleaned_data
            )
        if call.ok:
            return redirect(f"{request.path}?kab={kabupaten.code}")
    return render(
        request,
        "literacy/manage/weights.html",
        {
            "form": form,
            "kabupaten": kabupaten,
            "administered": administered,
            "components": score_rules.COMPONENTS,
            "year": timezone.localdate().year,
        },
    )


@login_required
@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    """The member's own page: trainings (with the check-in QR), certificates, progress,
    and what to learn next."""
    user = request.user
    now = timezone.now()
    services.certificates_issue_due(user=user)
    registrations = list(access.get_registrations_for_user(user).order_by("training__starts_at"))
    # Today's and upcoming trainings first (soonest first), then the past (latest first).
    today = timezone.localdate()
    current = [r for r in registrations if timezone.localdate(r.training.ends_at) >= today]
    past = [r for r in registrations if timezone.localdate(r.training.ends_at) < today]
    registrations = current + past[::-1]
    base = request_base(request)
    for r in registrations:
        r.upcoming = r.training.ends_at >= now and r.training.status == Training.Status.OPEN
        if r.upcoming and not r.attended_at:
            url = base + f"/kelola/literasi/{r.training_id}/hadir/?kode={r.checkin_code}"
            r.qr = mark_safe(qr_svg(url))  # noqa: S308 (generated here)
    modules = services.published_modules_with_lesson_counts()
    done = services.lessons_done_by_module(user)
    progress = [{"module": m, "done": done[m.pk], "total": m.n} for m in modules if m.pk in done]
    trainings_open = (
        access.get_public_trainings()
        .filter(status=Training.Status.OPEN, starts_at__gt=now)
        .exclude(pk__in=[r.training_id for r in registrations])
        .order_by("starts_at")
        .prefetch_related("target_kims")
    )
    available = [t for t in trainings_open[:50] if access.training_is_registrable_for_user(user, t)]
    return render(
        request,
        "literacy/mine.html",
        {
            "registrations": registrations,
            "certificates": access.get_certificates_for_user(user),
            "progress": progress,
            "next": services.learn_next(user, modules=modules, done_by_module=done),
            "available": available[:10],
        },
    )


@login_required
@require_POST
def certificate_rename(request: HttpRequest, code: str) -> HttpResponse:
    """The holder corrects the name printed on their certificate."""
    cert = access.get_own_certificate(request.user, code)
    with service_errors(request, success=_("Nama di sertifikat sudah diperbaiki.")):
        services.certificate_rename(
            actor=request.user, cert=cert, name=request.POST.get("holder_name", "")
        )
    return redirect("literacy:mine")


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    cert = access.get_own_certificate(request.user, code)
    return pdf_response(certificate_pdf(cert), f"sertifikat-{cert.code}")
