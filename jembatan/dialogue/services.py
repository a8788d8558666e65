"""Running consultations and discussions, and citizens' comments, votes and replies.

Polls are in services_polls; moderation in moderation; one-time codes in otp.
Every write is a keyword-only function here, in a transaction, with an audit row.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, audited_create, audited_update, snapshot
from jembatan.accounts.models import User
from jembatan.accounts.notifications import notify
from jembatan.communities.models import Kim
from jembatan.core import moderation
from jembatan.core.links import absolute_url
from jembatan.core.pagecache import content_changed
from jembatan.core.slugs import free_slug
from jembatan.core.workdays import format_local, local_date, local_time
from jembatan.dialogue.access import (
    Owner,
    get_consultations_for_user,
    get_openers_for_user,
    get_owners_for_user,
    get_polls_for_user,
    get_threads_for_user,
)
from jembatan.dialogue.audit_actions import AuditAction
from jembatan.dialogue.models import (
    Comment,
    CommentVote,
    Consultation,
    Paragraph,
    Phase,
    Poll,
    Reply,
    Section,
    Thread,
    Visibility,
)
from jembatan.dialogue.moderation import require_not_blocked, tell_moderators
from jembatan.dialogue.otp import Participant
from jembatan.dissemination import services as info
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import InfoItem
from jembatan.regions.models import Region

CONSULTATION_FIELDS = ["title", "slug", "summary", "opens_at", "closes_at", "is_published"]
MAX_BODY = 3000
MIN_BODY = 3


def owner_for(actor: User, owner_key: str) -> Owner:
    owners = get_owners_for_user(actor)
    if not owners:
        raise PermissionDenied(_("Anda tidak berhak menjalankan konsultasi atau jajak pendapat."))
    for owner in owners:
        if owner.key == owner_key:
            return owner
    if not owner_key and len(owners) == 1:
        return owners[0]
    raise ValidationError({"owner": _("Pilih pemilik dari daftar.")})


def clean_schedule(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = " ".join((data.get("title") or "").split())[:200]
    summary = (data.get("summary") or "").strip()[:1000]
    if not title:
        errors["title"] = _("Bagian ini wajib diisi.")
    if not summary:
        errors["summary"] = _("Bagian ini wajib diisi.")
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at is None:
        errors["opens_at"] = _("Isi waktu dibuka.")
    if closes_at is None:
        errors["closes_at"] = _("Isi waktu ditutup.")
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("Waktu ditutup harus sesudah waktu dibuka.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "summary": summary, "opens_at": opens_at, "closes_at": closes_at}


# --- Consultations -----------------------------------------------------------------------

_HEADING = re.compile(r"^#+\s*(.+)$")


def parse_draft(text: str) -> list[tuple[str, list[str]]]:
    """The owner's draft as sections: a line starting with '#' is a heading; paragraphs are
    separated by empty lines. Text before any heading goes to a section named 'Rancangan'."""
    sections: list[tuple[str, list[str]]] = []
    current: list[str] = []
    heading = None
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        while lines:
            match = _HEADING.match(lines[0])
            if match:
                if heading is not None or current:
                    sections.append((heading or str(_("Rancangan")), current))
                heading, current = match.group(1).strip()[:200], []
                lines = lines[1:]
                continue
            current.append(" ".join(lines)[:8000])
            lines = []
    if heading is not None or current:
        sections.append((heading or str(_("Rancangan")), current))
    return [(h, ps) for h, ps in sections if ps]


def draft_text(consultation: Consultation) -> str:
    parts = []
    for section in consultation.sections.prefetch_related("paragraphs"):
        parts.append(f"# {section.heading}")
        parts.extend(p.text for p in section.paragraphs.all())
    return "\n\n".join(parts)


def _store_draft(consultation: Consultation, sections: list[tuple[str, list[str]]]) -> None:
    consultation.sections.all().delete()
    for s_order, (heading, paragraphs) in enumerate(sections, start=1):
        section = Section.objects.create(consultation=consultation, order=s_order, heading=heading)
        Paragraph.objects.bulk_create(
            Paragraph(section=section, order=p_order, text=text)
            for p_order, text in enumerate(paragraphs, start=1)
        )


def _require_manage_consultation(actor: User, consultation: Consultation) -> None:
    if not get_consultations_for_user(actor).filter(pk=consultation.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak mengelola konsultasi ini."))


def consultation_create(*, actor: User, owner_key: str, data: dict[str, Any]) -> Consultation:
    owner = owner_for(actor, owner_key)
    values = clean_schedule(data)
    sections = parse_draft(data.get("text") or "")
    if not sections:
        raise ValidationError({"text": _("Tuliskan teks rancangan, paling sedikit satu paragraf.")})
    with transaction.atomic():
        slug = free_slug(Consultation.objects.all(), values["title"], fallback="konsultasi")
        consultation = audited_create(
            actor=actor,
            model=Consultation,
            data={
                "kabupaten": owner.kabupaten,
                "office": owner.office,
                "created_by": actor,
                "slug": slug,
                **values,
            },
            action=AuditAction.CONSULTATION_CREATE,
            recorded=CONSULTATION_FIELDS,
            extra={"sections": len(sections)},
        )
        _store_draft(consultation, sections)
    return consultation


def consultation_update(
    *, actor: User, consultation: Consultation, data: dict[str, Any]
) -> Consultation:
    """Edit the schedule and text; the text is fixed once anyone commented on it."""
    _require_manage_consultation(actor, consultation)
    values = clean_schedule(data)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        before = snapshot(locked, CONSULTATION_FIELDS)
        text = data.get("text")
        if text is not None and text.replace("\r\n", "\n").strip() != draft_text(locked):
            if Comment.objects.filter(paragraph__section__consultation=locked).exists():
                raise ValidationError(
                    {"text": _("Teks tidak dapat diubah lagi: warga sudah menanggapinya.")}
                )
            sections = parse_draft(text)
            if not sections:
                raise ValidationError(
                    {"text": _("Tuliskan teks rancangan, paling sedikit satu paragraf.")}
                )
            _store_draft(locked, sections)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(values))
        audit_record(
            actor=actor,
            action=AuditAction.CONSULTATION_UPDATE,
            target=locked,
            before=before,
            after=snapshot(locked, CONSULTATION_FIELDS),
        )
        transaction.on_commit(content_changed)
    return locked


def consultation_publish(*, actor: User, consultation: Consultation) -> Consultation:
    _require_manage_consultation(actor, consultation)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.is_published:
            raise ValidationError(_("Konsultasi ini sudah diterbitkan."))
        if not Paragraph.objects.filter(section__consultation=locked).exists():
            raise ValidationError(_("Konsultasi tanpa teks tidak dapat diterbitkan."))
        audited_update(
            actor=actor,
            instance=locked,
            data={"is_published": True},
            action=AuditAction.CONSULTATION_PUBLISH,
        )
        transaction.on_commit(content_changed)
    return locked


def section_respond(*, actor: User, section: Section, heard: str, changed: str) -> Section:
    """The owner's response for one section, once the consultation has closed."""
    consultation = section.consultation
    _require_manage_consultation(actor, consultation)
    if consultation.phase != Phase.CLOSED:
        raise ValidationError(_("Tanggapan pemilik ditulis setelah konsultasi ditutup."))
    heard, changed = (heard or "").strip()[:4000], (changed or "").strip()[:4000]
    if not heard:
        raise ValidationError({"heard": _("Tuliskan apa yang Anda dengar dari warga.")})
    with transaction.atomic():
        locked = Section.objects.select_for_update().get(pk=section.pk)
        audited_update(
            actor=actor,
            instance=locked,
            data={"heard": heard, "changed": changed},
            action=AuditAction.SECTION_RESPOND,
        )
        transaction.on_commit(content_changed)
    return locked


def consultation_report_publish(*, actor: User, consultation: Consultation) -> Consultation:
    _require_manage_consultation(actor, consultation)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.phase != Phase.CLOSED:
            raise ValidationError(_("Laporan diterbitkan setelah konsultasi ditutup."))
        if locked.report_published_at is not None:
            raise ValidationError(_("Laporan sudah diterbitkan."))
        # Only sections that citizens commented on (as the public sees it) need an answer.
        unanswered = locked.sections.filter(
            heard="", paragraphs__comments__visibility=Visibility.PUBLISHED
        )
        if unanswered.exists():
            raise ValidationError(
                _("Tulis tanggapan untuk setiap bagian yang dikomentari warga terlebih dahulu.")
            )
        audited_update(
            actor=actor,
            instance=locked,
            data={"report_published_at": timezone.now()},
            action=AuditAction.REPORT_PUBLISH,
        )
        transaction.on_commit(content_changed)
        _tell_participants_report(locked)
    return locked


def _tell_participants_report(consultation: Consultation) -> int:
    """Participants with an account hear that the response report is out. Those who took
    part with a verified contact left only its hash: the consultation page told them the
    report appears there."""
    authors = User.objects.filter(
        pk__in=Comment.objects.filter(
            paragraph__section__consultation=consultation, author__isnull=False
        ).values("author_id")
    )
    return notify(
        recipients=authors,
        kind="dialogue.report_published",
        key=f"dialogue.report_published:{consultation.pk}",
        params={"what": consultation.title},
        url=reverse("dialogue:report_page", args=[consultation.slug]),
    )


# --- Citizens' texts ---------------------------------------------------------------------


def comment_create(*, paragraph: Paragraph, participant: Participant, body: str) -> Comment:
    consultation = paragraph.section.consultation
    phase = consultation.phase
    if phase == Phase.CLOSED:
        raise ValidationError(_("Konsultasi ini sudah ditutup; tanggapan tidak lagi diterima."))
    if phase != Phase.OPEN:
        raise ValidationError(_("Konsultasi ini belum dibuka."))
    require_not_blocked(consultation.kabupaten_id, participant)
    body = moderation.clean_text(body, min_length=MIN_BODY, max_length=MAX_BODY)
    visibility, reason = moderation.screen(consultation.kabupaten_id, body)
    with transaction.atomic():
        comment = Comment.objects.create(
            kabupaten_id=consultation.kabupaten_id,
            paragraph=paragraph,
            author_id=participant.user_id,
            author_name=participant.name,
            contact_hash=participant.contact_hash,
            body=body,
            visibility=visibility,
            held_reason=reason,
        )
        audit_record(
            actor=User.objects.filter(pk=participant.user_id).first()
            if participant.user_id
            else None,
            action=AuditAction.COMMENT,
            target=comment,
            after=snapshot(comment, ["paragraph", "visibility"]),
        )
        if visibility == Visibility.HELD:
            tell_moderators(comment)
        else:
            transaction.on_commit(content_changed)
    return comment


def is_own(comment: Comment | Reply, participant: Participant | None) -> bool:
    """Whether the participant wrote the comment (by account, or by the proven contact)."""
    if participant is None:
        return False
    if participant.user_id is not None:
        return comment.author_id == participant.user_id
    return bool(comment.contact_hash) and comment.contact_hash == participant.contact_hash


def comment_vote(*, comment: Comment, participant: Participant, value: int) -> int | None:
    """Agree (+1) or disagree (-1); the same vote again takes it back. Returns the vote now
    standing (None when taken back)."""
    if value not in (1, -1):
        raise ValidationError(_("Pilihan suara tidak dikenal."))
    consultation = comment.paragraph.section.consultation
    if consultation.phase != Phase.OPEN:
        raise ValidationError(_("Konsultasi ini sudah ditutup; suara tidak lagi diterima."))
    if comment.visibility != Visibility.PUBLISHED:
        raise ValidationError(_("Tanggapan ini tidak tampil."))
    if is_own(comment, participant):
        raise ValidationError(
            _("Ini tanggapan Anda sendiri: setuju atau tidak setuju diberikan orang lain.")
        )
    require_not_blocked(consultation.kabupaten_id, participant)
    column = {1: "agree_count", -1: "disagree_count"}
    with transaction.atomic():
        Comment.objects.select_for_update().filter(pk=comment.pk).first()
        vote = CommentVote.objects.filter(comment=comment, voter_key=participant.key).first()
        if vote is None:
            CommentVote.objects.create(comment=comment, voter_key=participant.key, value=value)
            Comment.objects.filter(pk=comment.pk).update(**{column[value]: F(column[value]) + 1})
            standing: int | None = value
        elif vote.value == value:
            vote.delete()
            Comment.objects.filter(pk=comment.pk).update(**{column[value]: F(column[value]) - 1})
            standing = None
        else:
            old = vote.value
            vote.value = value
            vote.save(update_fields=["value"])
            Comment.objects.filter(pk=comment.pk).update(
                **{column[value]: F(column[value]) + 1, column[old]: F(column[old]) - 1}
            )
            standing = value
    return standing


# --- Discussions -------------------------------------------------------------------------


def thread_create(*, actor: User, opener_key: str, title: str, body: str) -> Thread:
    openers = get_openers_for_user(actor)
    opener = next((o for o in openers if o.key == opener_key), None)
    if opener is None and not opener_key and len(openers) == 1:
        opener = openers[0]
    if not openers:
        raise PermissionDenied(_("Anda tidak berhak membuka diskusi."))
    if opener is None:
        raise ValidationError({"opener": _("Pilih atas nama siapa diskusi dibuka.")})
    title = " ".join((title or "").split())[:200]
    body = (body or "").replace("\r\n", "\n").strip()[:4000]
    errors = {}
    if not title:
        errors["title"] = _("Bagian ini wajib diisi.")
    if len(body) < 10:
        errors["body"] = _("Tuliskan pengantar diskusi, paling sedikit 10 huruf.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        thread = audited_create(
            actor=actor,
            model=Thread,
            data={
                "kabupaten": opener.kabupaten,
                "kim": opener.kim,
                "title": title,
                "body": body,
                "opened_by": actor,
                "slug": free_slug(Thread.objects.all(), title, fallback="diskusi"),
            },
            action=AuditAction.THREAD_CREATE,
            recorded=["kabupaten", "kim", "title", "slug"],
        )
        transaction.on_commit(content_changed)
    return thread


def thread_set_locked(*, actor: User, thread: Thread, locked: bool) -> Thread:
    if not get_threads_for_user(actor).filter(pk=thread.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak mengelola diskusi ini."))
    with transaction.atomic():
        row = Thread.objects.select_for_update().get(pk=thread.pk)
        row, changed = audited_update(
            actor=actor,
            instance=row,
            data={"is_locked": locked},
            action=AuditAction.THREAD_LOCK if locked else AuditAction.THREAD_UNLOCK,
        )
        if changed:
            transaction.on_commit(content_changed)
    return row


def reply_create(*, thread: Thread, participant: Participant, body: str) -> Reply:
    if thread.is_locked:
        raise ValidationError(_("Diskusi ini sudah dikunci; balasan tidak lagi diterima."))
    require_not_blocked(thread.kabupaten_id, participant)
    body = moderation.clean_text(body, min_length=MIN_BODY, max_length=MAX_BODY)
    visibility, reason = moderation.screen(thread.kabupaten_id, body)
    with transaction.atomic():
        reply = Reply.objects.create(
            kabupaten_id=thread.kabupaten_id,
            thread=thread,
            author_id=participant.user_id,
            author_name=participant.name,
            contact_hash=participant.contact_hash,
            body=body,
            visibility=visibility,
            held_reason=reason,
        )
        audit_record(
            actor=User.objects.filter(pk=participant.user_id).first()
            if participant.user_id
            else None,
            action=AuditAction.REPLY,
            target=reply,
            after=snapshot(reply, ["thread", "visibility"]),
        )
        if visibility == Visibility.HELD:
            tell_moderators(reply)
        else:
            transaction.on_commit(content_changed)
    return reply


# --- Dissemination to KIMs ---------------------------------------------------------------


def disseminate(
    *,
    actor: User,
    target: Consultation | Poll,
    scope: str,
    kecamatan: list[Region] | None = None,
    kims: list[Kim] | None = None,
) -> Any:
    """Send a consultation or a poll to KIMs as a development-information item, through
    the dissemination app's own services (targets, inboxes, tracked links and reach)."""
    owned = (
        get_consultations_for_user(actor)
        if isinstance(target, Consultation)
        else get_polls_for_user(actor)
    )
    if not owned.filter(pk=target.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak menyebarkan ini."))
    if not target.is_published or target.phase == Phase.CLOSED:
        raise ValidationError(_("Hanya yang sudah diterbitkan dan belum ditutup dapat disebarkan."))
    if target.info_item_id is not None:
        raise ValidationError(_("Ini sudah disebarkan ke KIM."))
    area = next(
        (
            a
            for a in get_publishing_areas_for_user(actor)
            if a.contains(target.kabupaten)
            and (target.office_id is None or a.office is None or a.office.pk == target.office_id)
        ),
        None,
    )
    if area is None:
        raise PermissionDenied(_("Anda tidak berhak menerbitkan informasi untuk kabupaten ini."))
    link = absolute_url(target.get_absolute_url())  # the host the officer is on
    if isinstance(target, Consultation):
        invitation = _(
            "Baca rancangannya dan sampaikan tanggapan Anda per paragraf sampai %(date)s."
        )
        label = _("Ikuti konsultasi publik")
    else:
        invitation = _("Isi jajak pendapat ini sampai %(date)s.")
        label = _("Isi jajak pendapat")
    # The kabupaten's own date and hour, its zone named: the item travels to KIM sites.
    closes = local_time(target.closes_at, target.kabupaten_id)
    closing = format_local(target.closes_at, target.kabupaten_id, "d-m-Y H:i")
    body = (
        f"<p>{escape(target.summary)}</p>"
        f"<p>{escape(invitation % {'date': closing})}</p>"
        f'<p><a href="{escape(link)}">{escape(label)}</a></p>'
    )
    with transaction.atomic():
        item = info.item_create(
            actor=actor,
            area_key=area.key,
            data={
                "title": target.title,
                "summary": target.summary[:300],
                "body": body,
                "category": InfoItem.Category.PARTICIPATION,
                "priority": InfoItem.Priority.NORMAL,
                "valid_from": local_date(None, target.kabupaten_id),
                "valid_until": closes.date(),
                "scope": scope,
            },
            kecamatan=kecamatan or [],
            kims=kims or [],
        )
        item = info.item_publish(actor=actor, item=item)
        model = type(target)
        row = model.objects.select_for_update().get(pk=target.pk)
        row.info_item = item
        row.save(update_fields=["info_item"])
        audit_record(
            actor=actor,
            action=AuditAction.DISSEMINATE,
            target=row,
            after={"info_item": item.pk, "scope": scope},
        )
    return item
