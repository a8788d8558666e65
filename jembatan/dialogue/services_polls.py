"""Polls and surveys: writing them, answering them once per person, counting the answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, audited_create, audited_update, snapshot
from jembatan.accounts.models import User
from jembatan.communities.models import Kim
from jembatan.core.pagecache import content_changed
from jembatan.core.slugs import free_slug
from jembatan.dialogue.access import get_ballot_kims_for_user, get_polls_for_user
from jembatan.dialogue.audit_actions import AuditAction
from jembatan.dialogue.models import Answer, Option, Phase, Poll, Question, Response
from jembatan.dialogue.moderation import require_not_blocked
from jembatan.dialogue.otp import Participant
from jembatan.dialogue.services import clean_schedule, owner_for
from jembatan.regions.models import Region

POLL_FIELDS = ["title", "slug", "summary", "opens_at", "closes_at", "is_published", "results"]
MAX_OPTIONS = 12


def _require_manage(actor: User, poll: Poll) -> None:
    if not get_polls_for_user(actor).filter(pk=poll.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak mengelola jajak pendapat ini."))


def _results_choice(data: dict[str, Any]) -> str:
    value = data.get("results") or Poll.Results.AFTER_CLOSE
    if value not in Poll.Results.values:
        raise ValidationError({"results": _("Pilihan tidak dikenal.")})
    return value


def poll_create(*, actor: User, owner_key: str, data: dict[str, Any]) -> Poll:
    owner = owner_for(actor, owner_key)
    values = clean_schedule(data) | {"results": _results_choice(data)}
    return audited_create(
        actor=actor,
        model=Poll,
        data={
            "kabupaten": owner.kabupaten,
            "office": owner.office,
            "created_by": actor,
            "slug": free_slug(Poll.objects.all(), values["title"], fallback="jajak-pendapat"),
            **values,
        },
        action=AuditAction.POLL_CREATE,
        recorded=POLL_FIELDS,
    )


def poll_update(*, actor: User, poll: Poll, data: dict[str, Any]) -> Poll:
    _require_manage(actor, poll)
    values = clean_schedule(data) | {"results": _results_choice(data)}
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        locked, _changed = audited_update(
            actor=actor, instance=locked, data=values, action=AuditAction.POLL_UPDATE
        )
        transaction.on_commit(content_changed)
    return locked


def _require_no_responses(poll: Poll) -> None:
    if poll.responses.exists():
        raise ValidationError(_("Pertanyaan tidak dapat diubah: sudah ada yang menjawab."))


def question_add(
    *, actor: User, poll: Poll, text: str, kind: str, required: bool, options: list[str]
) -> Question:
    _require_manage(actor, poll)
    text = " ".join((text or "").split())[:300]
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Tuliskan pertanyaannya.")
    if kind not in Question.Kind.values:
        errors["kind"] = _("Jenis pertanyaan tidak dikenal.")
    labels = [" ".join(o.split())[:200] for o in options if o and o.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if not 2 <= len(labels) <= MAX_OPTIONS:
            errors["options"] = _("Tulis 2 sampai 12 pilihan, satu per baris.")
        elif len({label.lower() for label in labels}) != len(labels):
            errors["options"] = _("Ada pilihan yang sama.")
    else:
        labels = []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Poll.objects.select_for_update().get(pk=poll.pk)
        _require_no_responses(poll)
        last = poll.questions.order_by("-order").values_list("order", flat=True).first() or 0
        question = Question.objects.create(
            poll=poll, order=last + 1, text=text, kind=kind, required=required
        )
        Option.objects.bulk_create(
            Option(question=question, order=i, label=label) for i, label in enumerate(labels, 1)
        )
        audit_record(
            actor=actor,
            action=AuditAction.QUESTION_ADD,
            target=poll,
            after={"question": question.pk, "text": text, "kind": kind, "options": labels},
        )
    return question


def question_delete(*, actor: User, question: Question) -> None:
    poll = question.poll
    _require_manage(actor, poll)
    with transaction.atomic():
        Poll.objects.select_for_update().get(pk=poll.pk)
        _require_no_responses(poll)
        audit_record(
            actor=actor,
            action=AuditAction.QUESTION_DELETE,
            target=poll,
            before={"question": question.pk, "text": question.text},
        )
        question.delete()


def poll_publish(*, actor: User, poll: Poll) -> Poll:
    _require_manage(actor, poll)
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.is_published:
            raise ValidationError(_("Jajak pendapat ini sudah diterbitkan."))
        if not locked.questions.exists():
            raise ValidationError(_("Tambahkan sedikitnya satu pertanyaan sebelum menerbitkan."))
        audited_update(
            actor=actor,
            instance=locked,
            data={"is_published": True},
            action=AuditAction.POLL_PUBLISH,
        )
        transaction.on_commit(content_changed)
    return locked


# --- Answering -------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperBallot:
    """A paper ballot a KIM member types in: which KIM, and the ballot's serial number."""

    recorder: User
    kim: Kim
    serial: str


def _clean_answers(poll: Poll, answers: dict[int, Any]) -> list[Answer]:
    rows: list[Answer] = []
    errors: dict[str, str] = {}
    for question in poll.questions.prefetch_related("options"):
        value: Any = answers.get(question.pk)
        name = f"q{question.pk}"
        options = {str(o.pk): o for o in question.options.all()}
        if question.kind == Question.Kind.SINGLE:
            if value in (None, ""):
                if question.required:
                    errors[name] = _("Pilih satu jawaban.")
                continue
            option = options.get(str(value))
            if option is None:
                errors[name] = _("Pilihan tidak dikenal.")
                continue
            rows.append(Answer(question=question, option=option))
        elif question.kind == Question.Kind.MULTIPLE:
            values = [str(v) for v in (value or [])]
            if not values:
                if question.required:
                    errors[name] = _("Pilih sedikitnya satu jawaban.")
                continue
            if any(v not in options for v in values):
                errors[name] = _("Pilihan tidak dikenal.")
                continue
            rows.extend(Answer(question=question, option=options[v]) for v in dict.fromkeys(values))
        elif question.kind == Question.Kind.SCALE:
            if value in (None, ""):
                if question.required:
                    errors[name] = _("Pilih angka 1 sampai 5.")
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                errors[name] = _("Pilih angka 1 sampai 5.")
                continue
            rows.append(Answer(question=question, scale=number))
        else:
            text = (value or "").replace("\r\n", "\n").strip()[:2000]
            if not text:
                if question.required:
                    errors[name] = _("Tuliskan jawaban Anda.")
                continue
            rows.append(Answer(question=question, text=text))
    if errors:
        raise ValidationError(errors)
    return rows


def already_answered(poll: Poll, participant: Participant) -> bool:
    if participant.user_id is not None:
        return poll.responses.filter(
            channel=Response.Channel.ACCOUNT, user_id=participant.user_id
        ).exists()
    return poll.responses.filter(contact_hash=participant.contact_hash).exists()


def poll_respond(
    *,
    poll: Poll,
    region: Region | None,
    answers: dict[int, Any],
    participant: Participant | None = None,
    paper: PaperBallot | None = None,
) -> Response:
    """One response per person: by account, by verified contact, or by ballot serial."""
    phase = poll.phase
    if phase == Phase.CLOSED:
        raise ValidationError(_("Jajak pendapat ini sudah ditutup; jawaban tidak lagi diterima."))
    if phase != Phase.OPEN:
        raise ValidationError(_("Jajak pendapat ini belum dibuka."))
    if (
        region is None
        or region.level != Region.Level.DESA
        or region.kabupaten_code != poll.kabupaten_id
    ):
        raise ValidationError({"region": _("Pilih desa atau kelurahan di kabupaten ini.")})
    if (participant is None) == (paper is None):
        raise ValueError("exactly one of participant and paper")
    identity: dict[str, Any]
    if paper is not None:
        if not get_ballot_kims_for_user(paper.recorder, poll).filter(pk=paper.kim.pk).exists():
            raise PermissionDenied(_("Anda tidak berhak mencatat kertas suara untuk KIM ini."))
        serial = " ".join((paper.serial or "").split()).upper()[:40]
        if not serial:
            raise ValidationError({"serial": _("Tulis nomor seri kertas suara.")})
        if poll.responses.filter(ballot_serial=serial).exists():
            raise ValidationError(
                {"serial": _("Kertas suara dengan nomor seri ini sudah dicatat.")}
            )
        identity = {
            "channel": Response.Channel.PAPER,
            "kim": paper.kim,
            "recorded_by": paper.recorder,
            "ballot_serial": serial,
        }
    else:
        assert participant is not None
        require_not_blocked(poll.kabupaten_id, participant)
        if already_answered(poll, participant):
            raise ValidationError(
                _("Anda sudah mengisi jajak pendapat ini; satu orang satu jawaban.")
            )
        if participant.user_id is not None:
            identity = {"channel": Response.Channel.ACCOUNT, "user_id": participant.user_id}
        else:
            identity = {"channel": Response.Channel.CODE, "contact_hash": participant.contact_hash}
    rows = _clean_answers(poll, answers)
    if not rows:
        raise ValidationError(_("Jawablah sedikitnya satu pertanyaan."))
    try:
        with transaction.atomic():
            response = Response.objects.create(poll=poll, region=region, **identity)
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            audit_record(
                actor=paper.recorder if paper is not None else None,
                action=AuditAction.POLL_RESPOND,
                target=response,
                after=snapshot(response, ["poll", "channel", "region", "kim", "ballot_serial"]),
            )
    except IntegrityError:
        # Two submissions racing: the unique constraints decided.
        raise ValidationError(
            _("Anda sudah mengisi jajak pendapat ini; satu orang satu jawaban.")
        ) from None
    if poll.results == Poll.Results.LIVE:
        transaction.on_commit(content_changed)
    return response


# --- Results ---------------------------------------------------------------------------


@dataclass
class OptionResult:
    label: str
    count: int = 0
    by_kecamatan: dict[str, int] = field(default_factory=dict)

    def percent(self, total: int) -> int:
        return round(100 * self.count / total) if total else 0


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionResult] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class PollResults:
    poll: Poll
    total: int
    kecamatan: list[str]
    by_kecamatan: dict[str, int]
    by_channel: dict[str, int]
    questions: list[QuestionResult]


def poll_results(poll: Poll, *, with_texts: bool = False) -> PollResults:
    """Counts per option, and per kecamatan (from the respondent's desa)."""
    responses = list(
        poll.responses.select_related("region__parent").values_list(
            "pk", "channel", "region__parent__name"
        )
    )
    kecamatan_of = {pk: name or "-" for pk, _channel, name in responses}
    by_kecamatan = Counter(kecamatan_of.values())
    by_channel = Counter(channel for _pk, channel, _name in responses)
    kecamatan = sorted(by_kecamatan)
    answers: defaultdict[int, list[Any]] = defaultdict(list)
    for a in Answer.objects.filter(response__poll=poll).values(
        "question_id", "response_id", "option_id", "scale", "text"
    ):
        answers[a["question_id"]].append(a)
    results = []
    for question in poll.questions.prefetch_related("options"):
        rows = answers.get(question.pk, [])
        result = QuestionResult(question=question, answered=len({r["response_id"] for r in rows}))
        if question.has_options:
            by_option = {o.pk: OptionResult(label=o.label) for o in question.options.all()}
            for r in rows:
                item = by_option.get(r["option_id"])
                if item is not None:
                    item.count += 1
                    place = kecamatan_of.get(r["response_id"], "-")
                    item.by_kecamatan[place] = item.by_kecamatan.get(place, 0) + 1
            result.options = list(by_option.values())
        elif question.kind == Question.Kind.SCALE:
            points = {n: OptionResult(label=str(n)) for n in range(1, 6)}
            for r in rows:
                item = points[r["scale"]]
                item.count += 1
                place = kecamatan_of.get(r["response_id"], "-")
                item.by_kecamatan[place] = item.by_kecamatan.get(place, 0) + 1
            result.options = list(points.values())
            if rows:
                result.average = round(sum(r["scale"] for r in rows) / len(rows), 2)
        elif with_texts:
            result.texts = [r["text"] for r in rows]
        results.append(result)
    return PollResults(
        poll=poll,
        total=len(responses),
        kecamatan=kecamatan,
        by_kecamatan=dict(by_kecamatan),
        by_channel=dict(by_channel),
        questions=results,
    )
