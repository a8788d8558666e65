"""Staff and KIM side of the dialogue in /kelola/dialog/."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jembatan.accounts.audit import audit_for
from jembatan.core import moderation
from jembatan.core.service_calls import service_errors
from jembatan.dialogue import exports, services, services_polls
from jembatan.dialogue import moderation as dialogue_moderation
from jembatan.dialogue.access import (
    get_ballot_kims_for_user,
    get_ballot_polls_for_user,
    get_consultation_for_user,
    get_consultations_for_user,
    get_moderated_kabupaten_for_user,
    get_openers_for_user,
    get_owners_for_user,
    get_poll_for_user,
    get_polls_for_user,
    get_thread_for_user,
    get_threads_for_user,
)
from jembatan.dialogue.forms import (
    BlockForm,
    ConsultationForm,
    DisseminateForm,
    PollAnswerForm,
    PollForm,
    QuestionForm,
    SectionResponseForm,
    ThreadForm,
    WordForm,
)
from jembatan.dialogue.models import (
    Block,
    Comment,
    Question,
    Reply,
    Report,
    Visibility,
    WordFilter,
)


def _schedule_initial(row) -> dict:
    return {
        "title": row.title,
        "summary": row.summary,
        "opens_at": timezone.localtime(row.opens_at),
        "closes_at": timezone.localtime(row.closes_at),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    moderated = get_moderated_kabupaten_for_user(user)
    held = 0
    if moderated.exists():
        codes = list(moderated.values_list("code", flat=True)[:50])
        held = (
            Comment.objects.filter(kabupaten_id__in=codes, visibility=Visibility.HELD).count()
            + Reply.objects.filter(kabupaten_id__in=codes, visibility=Visibility.HELD).count()
        )
    return render(
        request,
        "dialogue/manage/home.html",
        {
            "consultations": get_consultations_for_user(user)[:100],
            "polls": get_polls_for_user(user).annotate(n=Count("responses"))[:100],
            "threads": get_threads_for_user(user)[:100],
            "ballot_polls": get_ballot_polls_for_user(user),
            "can_run": bool(get_owners_for_user(user)),
            "can_open": bool(get_openers_for_user(user)),
            "can_moderate": moderated.exists(),
            "held": held,
        },
    )


# --- Consultations -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    owners = get_owners_for_user(request.user)
    if not owners:
        raise PermissionDenied(_("Anda tidak berhak menjalankan konsultasi publik."))
    form = ConsultationForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Konsultasi tersimpan sebagai draf.")) as call:
            consultation = services.consultation_create(
                actor=request.user, owner_key=form.cleaned_data["owner"], data=form.cleaned_data
            )
        if call.ok:
            return redirect("dialogue:manage_consultation", pk=consultation.pk)
    return render(
        request, "dialogue/manage/consultation_form.html", {"form": form, "consultation": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, pk)
    initial = _schedule_initial(consultation) | {"text": services.draft_text(consultation)}
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Perubahan tersimpan.")) as call:
            consultation = services.consultation_update(
                actor=request.user, consultation=consultation, data=form.cleaned_data
            )
        if call.ok:
            return redirect("dialogue:manage_consultation", pk=pk)
    published = Q(paragraphs__comments__visibility=Visibility.PUBLISHED)
    sections = list(
        consultation.sections.annotate(
            comment_count=Count("paragraphs__comments", filter=published),
            withheld_count=Count("paragraphs__comments", filter=~published),
        ).order_by("order")
    )
    # The citizens' comments beside each section's response form, as the public sees them.
    shown = (
        Comment.objects.filter(
            paragraph__section__consultation=consultation, visibility=Visibility.PUBLISHED
        )
        .select_related("paragraph")
        .order_by("paragraph__order", "created_at")
    )
    by_section: dict[int, list[Comment]] = {}
    for comment in shown:
        by_section.setdefault(comment.paragraph.section_id, []).append(comment)
    for section in sections:
        section.shown_comments = by_section.get(section.pk, [])
    return render(
        request,
        "dialogue/manage/consultation_form.html",
        {
            "form": form,
            "consultation": consultation,
            "phase": consultation.phase,
            "sections": [
                (s, SectionResponseForm(initial={"heard": s.heard, "changed": s.changed}))
                for s in sections
            ],
            "comment_total": Comment.objects.filter(
                paragraph__section__consultation=consultation
            ).count(),
        },
    )


@login_required
@require_POST
def consultation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, pk)
    with service_errors(request, success=_("Konsultasi diterbitkan.")):
        services.consultation_publish(actor=request.user, consultation=consultation)
    return redirect("dialogue:manage_consultation", pk=pk)


@login_required
@require_POST
def section_respond(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, pk)
    row = consultation.sections.filter(pk=section).first()
    if row is None:
        raise Http404(_("Bagian tidak ditemukan."))
    form = SectionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan apa yang Anda dengar dari warga."))
    else:
        with service_errors(request, success=_("Tanggapan bagian tersimpan.")):
            services.section_respond(actor=request.user, section=row, **form.cleaned_data)
    return redirect("dialogue:manage_consultation", pk=pk)


@login_required
@require_POST
def consultation_report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, pk)
    with service_errors(request, success=_("Laporan hasil konsultasi diterbitkan.")):
        services.consultation_report_publish(actor=request.user, consultation=consultation)
    return redirect("dialogue:manage_consultation", pk=pk)


@login_required
def consultation_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, pk)
    if fmt not in exports.FORMATS:
        raise Http404()
    return exports.export_consultation(consultation, fmt)


# --- Polls -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request: HttpRequest) -> HttpResponse:
    owners = get_owners_for_user(request.user)
    if not owners:
        raise PermissionDenied(_("Anda tidak berhak menjalankan jajak pendapat."))
    form = PollForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        with service_errors(
            request, form, success=_("Jajak pendapat tersimpan; tambahkan pertanyaannya.")
        ) as call:
            poll = services_polls.poll_create(
                actor=request.user, owner_key=form.cleaned_data["owner"], data=form.cleaned_data
            )
        if call.ok:
            return redirect("dialogue:manage_poll", pk=poll.pk)
    return render(request, "dialogue/manage/poll_form.html", {"form": form, "poll": None})


@login_required
@require_http_methods(["GET", "POST"])
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_poll_for_user(request.user, pk)
    form = PollForm(
        request.POST if request.POST.get("form") == "poll" else None,
        initial=_schedule_initial(poll) | {"results": poll.results},
    )
    question_form = QuestionForm(request.POST if request.POST.get("form") == "question" else None)
    if request.method == "POST" and request.POST.get("form") == "poll" and form.is_valid():
        with service_errors(request, form, success=_("Perubahan tersimpan.")) as call:
            services_polls.poll_update(actor=request.user, poll=poll, data=form.cleaned_data)
        if call.ok:
            return redirect("dialogue:manage_poll", pk=pk)
    if (
        request.method == "POST"
        and request.POST.get("form") == "question"
        and question_form.is_valid()
    ):
        data = question_form.cleaned_data
        with service_errors(request, question_form, success=_("Pertanyaan ditambahkan.")) as call:
            services_polls.question_add(
                actor=request.user,
                poll=poll,
                text=data["text"],
                kind=data["kind"],
                required=data["required"],
                options=data["options"].splitlines(),
            )
        if call.ok:
            return redirect("dialogue:manage_poll", pk=pk)
    return render(
        request,
        "dialogue/manage/poll_form.html",
        {
            "form": form,
            "question_form": question_form,
            "poll": poll,
            "phase": poll.phase,
            "questions": poll.questions.prefetch_related("options"),
            "results": services_polls.poll_results(poll),
        },
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    poll = get_poll_for_user(request.user, pk)
    row = Question.objects.filter(poll=poll, pk=question).first()
    if row is None:
        raise Http404()
    with service_errors(request, success=_("Pertanyaan dihapus.")):
        services_polls.question_delete(actor=request.user, question=row)
    return redirect("dialogue:manage_poll", pk=pk)


@login_required
@require_POST
def poll_publish(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_poll_for_user(request.user, pk)
    with service_errors(request, success=_("Jajak pendapat diterbitkan.")):
        services_polls.poll_publish(actor=request.user, poll=poll)
    return redirect("dialogue:manage_poll", pk=pk)


@login_required
def poll_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    poll = get_poll_for_user(request.user, pk)
    if fmt not in exports.FORMATS:
        raise Http404()
    return exports.export_poll(poll, fmt)


@login_required
@require_http_methods(["GET", "POST"])
def poll_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """A KIM member types in a paper ballot collected in the village."""
    poll = get_ballot_polls_for_user(request.user).filter(pk=pk).first()
    if poll is None:
        # Not open (closed, not yet open), or not a poll of the member's kabupaten.
        raise Http404(_("Jajak pendapat tidak ditemukan atau tidak sedang dibuka."))
    kims = get_ballot_kims_for_user(request.user, poll)
    form = PollAnswerForm(request.POST or None, poll=poll, kims=kims)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                services_polls.poll_respond(
                    poll=poll,
                    region=form.cleaned_data["region"],
                    answers=form.answers(),
                    paper=services_polls.PaperBallot(
                        recorder=request.user,
                        kim=form.cleaned_data["kim"],
                        serial=form.cleaned_data["serial"],
                    ),
                )
            if call.ok:
                messages.success(request, _("Kertas suara tercatat. Catat kertas berikutnya."))
                return redirect("dialogue:manage_paper", pk=pk)
            else:
                status = 400
        else:
            status = 400
    recorded = poll.responses.filter(kim__in=kims).count()
    return render(
        request,
        "dialogue/manage/paper.html",
        {"poll": poll, "form": form, "recorded": recorded},
        status=status,
    )


# --- Discussions -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest) -> HttpResponse:
    openers = get_openers_for_user(request.user)
    if not openers:
        raise PermissionDenied(_("Anda tidak berhak membuka diskusi."))
    form = ThreadForm(request.POST or None, openers=openers)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Diskusi dibuka.")) as call:
            thread = services.thread_create(
                actor=request.user,
                opener_key=form.cleaned_data["opener"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        if call.ok:
            return redirect(thread.get_absolute_url())
    return render(request, "dialogue/manage/thread_form.html", {"form": form})


@login_required
@require_POST
def thread_lock(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
    locked = request.POST.get("kunci") == "1"
    services.thread_set_locked(actor=request.user, thread=thread, locked=locked)
    messages.success(request, _("Diskusi dikunci.") if locked else _("Diskusi dibuka kembali."))
    return redirect("dialogue:manage")


# --- Dissemination -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def disseminate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "konsultasi":
        target = get_consultation_for_user(request.user, pk)
        back = "dialogue:manage_consultation"
    elif kind == "jajak":
        target = get_poll_for_user(request.user, pk)
        back = "dialogue:manage_poll"
    else:
        raise Http404()
    form = DisseminateForm(request.POST or None, kabupaten_code=target.kabupaten_id)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, denied=True) as call:
            item = services.disseminate(
                actor=request.user,
                target=target,
                scope=form.cleaned_data["scope"],
                kecamatan=list(form.cleaned_data["target_kecamatan"]),
                kims=list(form.cleaned_data["target_kims"]),
            )
        if call.ok:
            messages.success(
                request,
                _("Disebarkan ke KIM sebagai informasi “%(title)s”.") % {"title": item.title},
            )
            return redirect(back, pk=pk)
    return render(
        request,
        "dialogue/manage/disseminate.html",
        {"form": form, "target": target, "back": back},
    )


# --- Moderation --------------------------------------------------------------------------


def _moderated_kabupaten(request: HttpRequest):
    kabupaten = get_moderated_kabupaten_for_user(request.user).order_by("code")
    chosen = request.GET.get("kabupaten") or request.POST.get("kabupaten") or ""
    current = kabupaten.filter(code=chosen).first() if chosen else None
    if current is None:
        current = kabupaten.first()
    if current is None:
        raise PermissionDenied(_("Anda tidak berhak memoderasi forum dialog."))
    return kabupaten, current


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    kabupaten, current = _moderated_kabupaten(request)
    show, condition = moderation.queue_filter(request.GET.get("tampil"))
    condition &= Q(kabupaten=current)
    reports = Prefetch("reports", queryset=Report.objects.order_by("created_at"))
    comments = (
        Comment.objects.filter(condition)
        .select_related("paragraph__section__consultation")
        .prefetch_related(reports)
        .order_by("-created_at")[:100]
    )
    replies = (
        Reply.objects.filter(condition)
        .select_related("thread")
        .prefetch_related(reports)
        .order_by("-created_at")[:100]
    )
    texts = sorted(
        [("tanggapan", c) for c in comments] + [("balasan", r) for r in replies],
        key=lambda pair: pair[1].created_at,
        reverse=True,
    )
    labels = dict(Report.Reason.choices)
    items = []
    for kind, text in texts:
        # Each reason with how many people gave it, e.g. "Hoaks atau menyesatkan (2)".
        counts = Counter(r.reason for r in text.reports.all())
        items.append(
            moderation.QueueItem(
                obj=text,
                author=text.author_name,
                where=text.where,
                action_url=reverse("dialogue:moderation_action", args=[kind, text.pk]),
                hidden={"kabupaten": current.code},
                reasons=[(labels.get(reason, reason), n) for reason, n in counts.most_common()],
                key=kind,
            )
        )
    return render(
        request,
        "dialogue/manage/moderation.html",
        {
            "kabupaten": kabupaten,
            "current": current,
            "show": show,
            "queues": [(key, label) for key, (label, _q) in moderation.QUEUES.items()],
            "items": items,
            "words": WordFilter.objects.filter(kabupaten=current),
            "blocks": Block.objects.filter(kabupaten=current).select_related("created_by"),
            "word_form": WordForm(),
            "block_form": BlockForm(),
        },
    )


def _contribution(kind: str, pk: int, kabupaten_code: str):
    model = {"tanggapan": Comment, "balasan": Reply}.get(kind)
    item = model.objects.filter(pk=pk, kabupaten_id=kabupaten_code).first() if model else None
    if item is None:
        raise Http404(_("Tulisan tidak ditemukan."))
    return item


def _back(current) -> HttpResponse:
    return redirect(f"{reverse('dialogue:moderation')}?kabupaten={current.code}")


@login_required
@require_POST
def moderation_action(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _kabupaten, current = _moderated_kabupaten(request)
    item = _contribution(kind, pk, current.code)
    action = request.POST.get("action", "")
    with service_errors(request):
        if action == "block":
            form = BlockForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Tuliskan alasan pemblokiran."))
            dialogue_moderation.author_block(
                actor=request.user, item=item, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Penulis diblokir dan tulisannya disembunyikan."))
        else:
            dialogue_moderation.contribution_moderate(actor=request.user, item=item, action=action)
            done = {
                "hide": _("Tulisan disembunyikan."),
                "restore": _("Tulisan diterbitkan lagi."),
                "keep": _("Tulisan tetap tampil; laporannya sudah ditangani."),
            }
            messages.success(request, done.get(action, _("Tulisan diperbarui.")))
    return _back(current)


@login_required
@require_POST
def moderation_word(request: HttpRequest) -> HttpResponse:
    _kabupaten, current = _moderated_kabupaten(request)
    remove = request.POST.get("hapus", "")
    if remove.isdecimal() and len(remove) < 12:
        row = WordFilter.objects.filter(kabupaten=current, pk=int(remove)).first()
        if row is None:
            raise Http404()
        dialogue_moderation.word_remove(actor=request.user, row=row)
        messages.success(request, _("Kata dihapus dari saringan."))
        return _back(current)
    form = WordForm(request.POST)
    if form.is_valid():
        with service_errors(request) as call:
            dialogue_moderation.word_add(
                actor=request.user, kabupaten_code=current.code, word=form.cleaned_data["word"]
            )
        if call.ok:
            messages.success(request, _("Kata ditambahkan ke saringan."))
    else:
        messages.error(request, _("Tuliskan kata atau frasa."))
    return _back(current)


@login_required
@require_POST
def moderation_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    _kabupaten, current = _moderated_kabupaten(request)
    block = Block.objects.filter(kabupaten=current, pk=pk).first()
    if block is None:
        raise Http404()
    dialogue_moderation.block_lift(actor=request.user, block=block)
    messages.success(request, _("Pemblokiran dicabut."))
    return _back(current)


@login_required
def moderation_log(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The audit trail of one text: who hid, restored or blocked, and when."""
    _kabupaten, current = _moderated_kabupaten(request)
    item = _contribution(kind, pk, current.code)
    return render(
        request,
        "dialogue/manage/log.html",
        {"item": item, "entries": audit_for(item).select_related("actor"), "current": current},
    )
