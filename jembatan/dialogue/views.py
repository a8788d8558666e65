"""Public side of the dialogue: /dialog/ consultations, polls, discussions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jembatan.core.gateway import gateway_enabled
from jembatan.core.moderation import submit_public_text
from jembatan.core.pagecache import cache_public_page
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_full, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.dialogue import otp, services, services_polls
from jembatan.dialogue.forms import (
    CommentForm,
    PollAnswerForm,
    ReplyForm,
    ReportForm,
    VerifyCodeForm,
    VerifyRequestForm,
)
from jembatan.dialogue.models import (
    Comment,
    CommentVote,
    Consultation,
    Paragraph,
    Phase,
    Poll,
    Reply,
    Thread,
    Visibility,
)
from jembatan.dialogue.moderation import contribution_report
from jembatan.tenants.current import served_code

WINDOW = 600
POST_LIMIT = 10  # comments, replies, votes per visitor in 10 minutes
# Codes sent: only a code that went out counts, a mistyped number costs nothing. One
# address is a posko Wi-Fi or a carrier's NAT (many villagers), one contact is one person.
CODE_LIMIT = 20  # codes sent per visitor (address) in 10 minutes
CODE_ATTEMPT_LIMIT = 5 * CODE_LIMIT  # every request, valid or not: a flood guard
CONTACT_LIMIT = 3  # codes sent per contact in 10 minutes
CHECK_LIMIT = 15  # code checks per visitor in 10 minutes
REPORT_LIMIT = 10
PENDING_KEY = "dialogue_pending"
# The name typed at step 1, kept when the citizen goes back to change the number or e-mail.
NAME_KEY = "dialogue_pending_name"


def _too_many(request: HttpRequest, scope: str, limit: int) -> bool:
    return rate_limit_exceeded(
        f"dialogue-{scope}", visitor_key(request), limit=limit, window=WINDOW
    )


def _published(model):
    """Published consultations or polls of the tenant being served (another kabupaten's
    are not found on this host)."""
    return model.objects.filter(is_published=True, kabupaten_id=served_code()).select_related(
        "kabupaten", "office"
    )


def _consultation(slug: str) -> Consultation:
    row = _published(Consultation).filter(slug=slug).first()
    if row is None:
        raise Http404(_("Konsultasi tidak ditemukan."))
    return row


def _poll(slug: str) -> Poll:
    row = _published(Poll).filter(slug=slug).first()
    if row is None:
        raise Http404(_("Jajak pendapat tidak ditemukan."))
    return row


def _visible(queryset):
    return queryset.filter(visibility=Visibility.PUBLISHED)


def _verify_url(request: HttpRequest, next_url: str) -> str:
    return f"{reverse('dialogue:verify')}?{urlencode({'next': next_url})}"


def _post_text(request, form, participant, *, create, **messages_and_links):
    """The POST of a comment or a reply: a verified participant first, then the one way
    every public text is posted (core.moderation.submit_public_text). Returns (a redirect
    or None, the status to render the form with)."""
    if request.method != "POST":
        return None, 200
    if participant is None:
        messages.error(request, _("Masuk atau verifikasi nomor HP/email Anda dahulu."))
        return redirect(_verify_url(request, request.path)), 200
    return submit_public_text(
        request,
        form,
        scope="dialogue-post",
        limit=POST_LIMIT,
        window=WINDOW,
        create=lambda data: create(data["body"]),
        **messages_and_links,
    )


# --- Index -------------------------------------------------------------------------------


@require_safe
@cache_public_page
def index(request: HttpRequest) -> HttpResponse:
    hub = served_code()
    now = timezone.now()
    consultations = _published(Consultation).filter(kabupaten_id=hub)
    polls = _published(Poll).filter(kabupaten_id=hub)
    threads = (
        Thread.objects.filter(kabupaten_id=hub)
        .select_related("kim")
        .annotate(reply_count=Count("replies", filter=Q(replies__visibility=Visibility.PUBLISHED)))
    )
    return render(
        request,
        "dialogue/index.html",
        {
            "open_consultations": consultations.filter(opens_at__lte=now, closes_at__gt=now),
            "closed_consultations": consultations.filter(closes_at__lte=now)[:10],
            "open_polls": polls.filter(opens_at__lte=now, closes_at__gt=now),
            "closed_polls": polls.filter(closes_at__lte=now)[:10],
            "upcoming": list(consultations.filter(opens_at__gt=now))
            + list(polls.filter(opens_at__gt=now)),
            "threads": threads[:20],
        },
    )


# --- Verifying a contact -----------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dialogue:index")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step 1: name and phone/email, a code is sent. Step 2: the code. Then back to next."""
    next_url = _safe_next(request)
    pending = request.session.get(PENDING_KEY)
    step = request.POST.get("step") or ("code" if pending else "request")
    posted = request.method == "POST"
    # Unbound on a first visit: no "this field is required" before anything was typed.
    request_form = VerifyRequestForm(
        request.POST if posted and step == "request" else None,
        phones=gateway_enabled(served_code()),
        initial={"name": request.session.get(NAME_KEY, "")},
    )
    code_form = VerifyCodeForm(request.POST if posted and step == "code" else None)
    status = 200
    if request.method == "POST" and step == "request":
        if _too_many(request, "code-attempt", CODE_ATTEMPT_LIMIT) or rate_limit_full(
            "dialogue-code", visitor_key(request), limit=CODE_LIMIT
        ):
            request_form.add_error(
                None, _("Terlalu banyak permintaan kode. Coba lagi beberapa menit lagi.")
            )
            status = 429
        elif request_form.is_valid():
            if request_form.cleaned_data["website"]:
                return redirect(next_url)
            contact = request_form.cleaned_data["contact"]
            with service_errors(request, request_form, field="contact") as call:
                normalized, _kind = otp.normalize_contact(contact)
                hashed = otp.contact_hash(normalized)
                if rate_limit_full("dialogue-code-contact", hashed, limit=CONTACT_LIMIT):
                    raise ValidationError(
                        _("Kode untuk nomor atau email ini sudah sering diminta. Coba lagi nanti."),
                        code="throttled",
                    )
                otp.code_request(
                    contact=normalized,
                    channel=request_form.cleaned_data.get("channel", ""),
                    kabupaten_code=served_code(),
                )
            if not call.ok:
                status = 429 if "throttled" in call.codes else 400
            else:
                # The code went out: now it counts, for the address and the contact.
                rate_limit_exceeded(
                    "dialogue-code", visitor_key(request), limit=CODE_LIMIT, window=WINDOW
                )
                rate_limit_exceeded(
                    "dialogue-code-contact", hashed, limit=CONTACT_LIMIT, window=WINDOW
                )
                # Only the contact's hash waits in the session for the code.
                request.session[PENDING_KEY] = {
                    "hash": hashed,
                    "name": request_form.cleaned_data["name"],
                }
                request.session[NAME_KEY] = request_form.cleaned_data["name"]
                if _kind == "email":
                    sent = _("Kode 6 angka sudah dikirim ke email Anda. Berlaku 10 menit.")
                else:
                    sent = _("Kode 6 angka sudah dikirim ke nomor HP Anda. Berlaku 10 menit.")
                messages.info(request, sent)
                return redirect(_verify_url(request, next_url))
        else:
            status = 400
    elif request.method == "POST" and step == "restart":
        request.session.pop(PENDING_KEY, None)
        return redirect(_verify_url(request, next_url))
    elif request.method == "POST" and step == "code":
        if not pending:
            return redirect(_verify_url(request, next_url))
        if _too_many(request, "check", CHECK_LIMIT):
            code_form.add_error(None, _("Terlalu banyak percobaan. Coba lagi beberapa menit lagi."))
            status = 429
        elif code_form.is_valid():
            with service_errors(request, code_form, field="code") as call:
                hashed = otp.code_verify_hashed(
                    hashed=pending.get("hash", ""), code=code_form.cleaned_data["code"]
                )
            if not call.ok:
                status = 400
            else:
                request.session.pop(PENDING_KEY, None)
                otp.remember_participant(
                    request, name=pending.get("name", ""), hashed_contact=hashed
                )
                messages.success(request, _("Terverifikasi. Sekarang Anda dapat ikut serta."))
                return redirect(next_url)
        else:
            status = 400
    return render(
        request,
        "dialogue/verify.html",
        {
            "request_form": request_form,
            "code_form": code_form,
            "pending": bool(request.session.get(PENDING_KEY)),
            "phones": request_form.phones,
            "next": next_url,
        },
        status=status,
    )


@require_POST
def verify_forget(request: HttpRequest) -> HttpResponse:
    otp.forget_participant(request)
    messages.info(request, _("Nama dan kontak terverifikasi sudah dilupakan di perangkat ini."))
    return redirect(_safe_next(request))


# --- Consultations -----------------------------------------------------------------------


def _sections(consultation: Consultation):
    comments = _visible(Comment.objects.all())
    return consultation.sections.prefetch_related(
        Prefetch(
            "paragraphs",
            queryset=Paragraph.objects.annotate(
                comment_count=Count("comments", filter=Q(comments__visibility=Visibility.PUBLISHED))
            ).prefetch_related(Prefetch("comments", queryset=comments, to_attr="visible_comments")),
        )
    )


@require_safe
@cache_public_page
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    return render(
        request,
        "dialogue/consultation.html",
        {
            "consultation": consultation,
            "sections": _sections(consultation),
            "phase": consultation.phase,
            "participant": otp.participant_for(request),
        },
    )


def _paragraph(consultation: Consultation, pk: int) -> Paragraph:
    paragraph = (
        Paragraph.objects.select_related("section")
        .filter(pk=pk, section__consultation=consultation)
        .first()
    )
    if paragraph is None:
        raise Http404(_("Paragraf tidak ditemukan."))
    paragraph.section.consultation = consultation
    return paragraph


@never_cache
@require_http_methods(["GET", "POST"])
def paragraph_comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    paragraph = _paragraph(consultation, pk)
    participant = otp.participant_for(request)
    form = CommentForm(request.POST or None)
    response, status = _post_text(
        request,
        form,
        participant,
        create=lambda body: services.comment_create(
            paragraph=paragraph, participant=participant, body=body
        ),
        bot_to=consultation.get_absolute_url(),
        shown=_("Tanggapan Anda tampil. Terima kasih."),
        held=_("Tanggapan Anda diterima dan menunggu pemeriksaan moderator."),
        anchor=lambda comment: f"{request.path}#c{comment.pk}",
    )
    if response is not None:
        return response
    my_votes = {}
    if participant is not None:
        my_votes = dict(
            CommentVote.objects.filter(
                comment__paragraph=paragraph, voter_key=participant.key
            ).values_list("comment_id", "value")
        )
    comments = list(_visible(paragraph.comments.all()))
    for comment in comments:
        comment.my_vote = my_votes.get(comment.pk)
        comment.mine = services.is_own(comment, participant)
    return render(
        request,
        "dialogue/paragraph.html",
        {
            "consultation": consultation,
            "paragraph": paragraph,
            "comments": comments,
            "form": form,
            "report_form": ReportForm(),
            "participant": participant,
            "phase": consultation.phase,
        },
        status=status,
    )


@require_POST
def comment_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    comment = (
        _visible(Comment.objects.select_related("paragraph__section"))
        .filter(pk=pk, paragraph__section__consultation=consultation)
        .first()
    )
    if comment is None:
        raise Http404(_("Tanggapan tidak ditemukan."))
    comment.paragraph.section.consultation = consultation
    back = reverse("dialogue:paragraph", args=[slug, comment.paragraph_id]) + f"#c{comment.pk}"
    participant = otp.participant_for(request)
    if participant is None:
        messages.error(request, _("Masuk atau verifikasi nomor HP/email Anda dahulu."))
        return redirect(_verify_url(request, back))
    if _too_many(request, "vote", POST_LIMIT * 3):
        messages.error(request, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
        return redirect(back)
    value = {"setuju": 1, "tidak": -1}.get(request.POST.get("suara", ""), 0)
    with service_errors(request, success=_("Suara Anda dicatat.")):
        services.comment_vote(comment=comment, participant=participant, value=value)
    return redirect(back)


@require_safe
@cache_public_page
def consultation_report(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    if consultation.report_published_at is None:
        return render(
            request,
            "dialogue/report.html",
            {"consultation": consultation, "sections": []},
            status=404,
        )
    sections = consultation.sections.annotate(
        comment_count=Count(
            "paragraphs__comments",
            filter=Q(paragraphs__comments__visibility=Visibility.PUBLISHED),
        )
    )
    return render(
        request, "dialogue/report.html", {"consultation": consultation, "sections": sections}
    )


# --- Reports on texts --------------------------------------------------------------------


@require_POST
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"tanggapan": Comment, "balasan": Reply}.get(kind)
    if model is None:
        raise Http404()
    item = _visible(model.objects.filter(kabupaten_id=served_code())).filter(pk=pk).first()
    if item is None:
        raise Http404(_("Tulisan tidak ditemukan."))
    if isinstance(item, Comment):
        paragraph = Paragraph.objects.select_related("section__consultation").get(
            pk=item.paragraph_id
        )
        back = reverse(
            "dialogue:paragraph", args=[paragraph.section.consultation.slug, paragraph.pk]
        )
    else:
        back = reverse("dialogue:thread", args=[item.thread.slug])
    form = ReportForm(request.POST)
    if _too_many(request, "report", REPORT_LIMIT):
        messages.error(request, _("Terlalu banyak laporan. Coba lagi beberapa menit lagi."))
    elif not form.is_valid():
        messages.error(request, _("Pilih alasan laporan."))
    elif services.is_own(item, otp.participant_for(request)):
        messages.info(request, _("Ini tulisan Anda sendiri; tulisan sendiri tidak dilaporkan."))
    else:
        participant = otp.participant_for(request)
        key = participant.key if participant is not None else f"v:{visitor_key(request)}"
        if contribution_report(item=item, reporter_key=key, reason=form.cleaned_data["reason"]):
            messages.success(request, _("Terima kasih, laporan Anda diterima moderator."))
        else:
            messages.info(request, _("Anda sudah melaporkan tulisan ini."))
    return redirect(back)


# --- Polls -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def poll_detail(request: HttpRequest, slug: str) -> HttpResponse:
    poll = _poll(slug)
    phase = poll.phase
    participant = otp.participant_for(request)
    context = {"poll": poll, "phase": phase, "participant": participant, "form": None}
    if phase != Phase.OPEN:
        if request.method == "POST":
            messages.error(
                request,
                _("Jajak pendapat ini sudah ditutup; jawaban tidak lagi diterima.")
                if phase == Phase.CLOSED
                else _("Jajak pendapat ini belum dibuka."),
            )
            return render(request, "dialogue/poll.html", context, status=409)
        return render(request, "dialogue/poll.html", context)
    answered = participant is not None and services_polls.already_answered(poll, participant)
    context["answered"] = answered
    form = PollAnswerForm(request.POST or None, poll=poll)
    context["form"] = form
    status = 200
    if request.method == "POST":
        if participant is None:
            messages.error(request, _("Masuk atau verifikasi nomor HP/email Anda dahulu."))
            return redirect(_verify_url(request, request.path))
        if _too_many(request, "poll", POST_LIMIT):
            form.add_error(None, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:
                return redirect(poll.get_absolute_url())
            with service_errors(request, form) as call:
                services_polls.poll_respond(
                    poll=poll,
                    region=form.cleaned_data["region"],
                    answers=form.answers(),
                    participant=participant,
                )
            if call.ok:
                messages.success(request, _("Terima kasih, jawaban Anda tercatat."))
                return redirect(poll.get_absolute_url())
            else:
                status = 409 if answered else 400
        else:
            status = 400
    return render(request, "dialogue/poll.html", context, status=status)


@never_cache
@require_safe
def poll_results(request: HttpRequest, slug: str) -> HttpResponse:
    poll = _poll(slug)
    if not poll.results_public:
        return render(request, "dialogue/results.html", {"poll": poll, "results": None})
    return render(
        request,
        "dialogue/results.html",
        {"poll": poll, "results": services_polls.poll_results(poll)},
    )


# --- Discussions -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, slug: str) -> HttpResponse:
    thread = (
        Thread.objects.select_related("kim", "kabupaten")
        .filter(slug=slug, kabupaten_id=served_code())
        .first()
    )
    if thread is None:
        raise Http404(_("Diskusi tidak ditemukan."))
    participant = otp.participant_for(request)
    form = ReplyForm(request.POST or None)
    response, status = _post_text(
        request,
        form,
        participant,
        create=lambda body: services.reply_create(
            thread=thread, participant=participant, body=body
        ),
        bot_to=thread.get_absolute_url(),
        shown=_("Balasan Anda tampil. Terima kasih."),
        held=_("Balasan Anda diterima dan menunggu pemeriksaan moderator."),
        anchor=lambda reply: f"{thread.get_absolute_url()}#r{reply.pk}",
    )
    if response is not None:
        return response
    return render(
        request,
        "dialogue/thread.html",
        {
            "thread": thread,
            "replies": _visible(thread.replies.all()),
            "form": form,
            "report_form": ReportForm(),
            "participant": participant,
        },
        status=status,
    )
