"""Public and learner pages under /literasi/: trainings, modules and lessons, the quiz,
certificate checks, KIM scores and the yearly award ranking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from jembatan.accounts.audit import audit_for
from jembatan.communities.models import Kim
from jembatan.core import params
from jembatan.core.pagecache import cache_public_page
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.literacy import access, score_rules, services
from jembatan.literacy.audit_actions import AuditAction
from jembatan.literacy.documents import certificate_facts, module_zip_chunks, module_zip_name
from jembatan.literacy.forms import CertificateLookupForm, QuizForm, RegisterForm
from jembatan.literacy.models import KimScore, Lesson, LessonProgress, QuizAttempt
from jembatan.tenants.current import served_code

LOOKUP_LIMIT = 20  # certificate look-ups per visitor per window
LOOKUP_WINDOW = 10 * 60


@require_safe
@cache_public_page
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "literacy/index.html",
        {
            "upcoming": access.get_public_trainings()
            .filter(status="dibuka", ends_at__gte=now)
            .order_by("starts_at")[:30],
            "modules": access.get_published_modules().annotate(n=Count("lessons")),
            "hub": score_rules.kabupaten_region(served_code()),
            "year": timezone.localdate().year,
        },
    )


@never_cache
def training(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_public_training(pk)
    kims = access.get_registrable_kims_for_user(request.user, obj)
    mine = access.get_registrations_for_user(request.user).filter(training=obj).first()
    registered = obj.registrations.count()
    full = registered >= obj.quota
    return render(
        request,
        "literacy/training.html",
        {
            "training": obj,
            "registered": registered,
            "full": full,
            "mine": mine,
            "form": RegisterForm(kims=kims) if not mine and not full and kims.exists() else None,
        },
    )


@require_safe
@cache_public_page
def module(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_readable_module(request.user, pk)
    lessons = list(obj.lessons.all())
    done: set[int] = set()
    if request.user.is_authenticated:
        done = set(
            LessonProgress.objects.filter(user=request.user, lesson__module=obj).values_list(
                "lesson_id", flat=True
            )
        )
    for lesson in lessons:
        lesson.done = lesson.pk in done
    return render(
        request,
        "literacy/module.html",
        {
            "module": obj,
            "lessons": lessons,
            "question_count": obj.questions.count(),
            "done_count": len(done),
        },
    )


@login_required
@never_cache
def lesson(request: HttpRequest, module: int, pk: int) -> HttpResponse:
    mod = access.get_readable_module(request.user, module)
    obj = get_object_or_404(mod.lessons, pk=pk)
    if request.method == "POST":
        cert = services.lesson_complete(user=request.user, lesson=obj)
        messages.success(request, _("Materi ditandai selesai."))
        if cert is not None:
            messages.success(request, _("Selamat! Sertifikat modul Anda sudah terbit."))
        following = services.module_next_lesson(request.user, mod)
        if following is not None:
            return redirect(following.get_absolute_url())
        return redirect("literacy:quiz" if mod.questions.exists() else "literacy:module", pk=mod.pk)
    done = LessonProgress.objects.filter(user=request.user, lesson=obj).exists()
    return render(request, "literacy/lesson.html", {"module": mod, "lesson": obj, "done": done})


@login_required
def lesson_file(request: HttpRequest, module: int, pk: int) -> FileResponse:
    mod = access.get_readable_module(request.user, module)
    obj = get_object_or_404(mod.lessons.exclude(kind=Lesson.Kind.ARTICLE), pk=pk)
    if not obj.file:
        raise Http404(_("Berkas tidak ditemukan."))
    inline = request.GET.get("lihat") == "1"
    return FileResponse(obj.file.open("rb"), as_attachment=not inline, filename=obj.file_name)


@login_required
def module_download(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    mod = access.get_readable_module(request.user, pk)
    response = StreamingHttpResponse(module_zip_chunks(mod), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{module_zip_name(mod)}"'
    return response


@login_required
@never_cache
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    mod = access.get_readable_module(request.user, pk)
    questions = list(mod.questions.prefetch_related("choices"))
    if not questions:
        raise Http404(_("Modul ini belum punya kuis."))
    form = QuizForm(request.POST or None, questions=questions)
    result = None
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as call:
            result = services.quiz_submit(user=request.user, module=mod, answers=form.answers())
        if call.ok and result.certificate is not None:
            messages.success(request, _("Selamat! Sertifikat modul Anda sudah terbit."))
    done, total = services.module_lessons_done(request.user, mod)
    return render(
        request,
        "literacy/quiz.html",
        {
            "module": mod,
            "form": form,
            "result": result,
            "lessons_left": total - done,
            "best": QuizAttempt.objects.filter(user=request.user, module=mod)
            .order_by("-score")
            .first(),
        },
    )


@require_safe
@never_cache
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = CertificateLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect(
            "literacy:certificate", code=services.extract_code(form.cleaned_data["code"])
        )
    return render(request, "literacy/certificate_lookup.html", {"form": form})


@require_safe
@never_cache
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    if rate_limit_exceeded(
        "literacy-certificate", visitor_key(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW
    ):
        return render(request, "literacy/certificate_limited.html", status=429)
    cert = services.find_certificate(code, kabupaten_code=served_code())
    if cert is None:
        return render(
            request,
            "literacy/certificate_missing.html",
            {"code": code[:30], "form": CertificateLookupForm()},
            status=404,
        )
    # A name the holder corrected shows as corrected, with the name as first issued: a
    # check page must not vouch silently for any name typed later.
    renamed = (
        audit_for(cert).filter(action=AuditAction.CERTIFICATE_RENAME).order_by("created_at").first()
    )
    return render(
        request,
        "literacy/certificate.html",
        {
            "cert": cert,
            "facts": certificate_facts(cert),
            "renamed_at": renamed.created_at if renamed else None,
            "issued_name": (renamed.before or {}).get("holder_name", "") if renamed else "",
        },
    )


@require_safe
@cache_public_page
def kim_score(request: HttpRequest, kim: str, year: int) -> HttpResponse:
    obj = get_object_or_404(Kim.objects.served(), slug=kim)
    score = KimScore.objects.filter(kim=obj, year=year).first()
    if score is None:
        raise Http404(_("Skor KIM untuk tahun itu belum dihitung."))
    return render(
        request,
        "literacy/kim_score.html",
        {
            "kim": obj,
            "score": score,
            "lines": score_rules.explain(score),
            "weights": score_rules.weights_for(score.kabupaten_id),
            "next_level": score_rules.next_level(score),
        },
    )


@require_safe
@cache_public_page
def ranking(request: HttpRequest, kabupaten: str, year: int) -> HttpResponse:
    region = score_rules.kabupaten_region(kabupaten)
    if region is None or region.code != served_code():  # another's ranking: on its host
        raise Http404(_("Kabupaten tidak ditemukan."))
    if not params.MIN_YEAR <= year <= params.MAX_YEAR:
        raise Http404(_("Skor KIM untuk tahun itu belum dihitung."))
    scores = KimScore.objects.filter(kabupaten=region, year=year).select_related(
        "kim", "kim__region"
    )
    years = (
        KimScore.objects.filter(kabupaten=region)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return render(
        request,
        "literacy/ranking.html",
        {
            "kabupaten": region,
            "year": year,
            "scores": scores,
            "years": list(years),
            "weights": score_rules.weights_for(region.code),
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_public_training(pk)
    kims = access.get_registrable_kims_for_user(request.user, obj)
    form = RegisterForm(request.POST, kims=kims)
    if not kims.exists():
        messages.error(request, _("Pelatihan ini bukan untuk KIM Anda."))
    elif not form.is_valid():
        messages.error(request, _("Pilih KIM tempat Anda menjadi anggota."))
    else:
        with service_errors(
            request,
            success=_("Anda terdaftar. Tunjukkan kode hadir Anda di halaman Saya pada hari H."),
        ) as call:
            services.registration_create(
                actor=request.user, training=obj, kim=form.cleaned_data["kim"]
            )
        if call.ok:
            return redirect("literacy:mine")
    return redirect(obj.get_absolute_url())


@login_required
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_public_training(pk)
    registration = access.get_registrations_for_user(request.user).filter(training=obj).first()
    if registration is None:
        messages.error(request, _("Anda tidak terdaftar di pelatihan ini."))
    else:
        with service_errors(request, success=_("Pendaftaran Anda dibatalkan.")):
            services.registration_cancel(actor=request.user, registration=registration)
    return redirect(obj.get_absolute_url())
