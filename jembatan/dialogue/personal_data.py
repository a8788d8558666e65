"""A participant of the public dialogue without an account as a data subject (UU 27/2022),
registered with ``core.personal_data``. Participants with an account are the account's
(accounts); this covers those who proved a phone number or e-mail with a one-time code.

What is kept about them: the name they typed (shown with their comments and replies),
their texts, and a keyed hash of their contact (never the contact itself) on their texts,
poll answers, votes and one-time codes. The subject is that hash: it is all that links
their texts together.

- Erasure at their request: on every comment and reply with the hash, the name and the
  text become the marker and the hash is removed; their one-time codes are deleted; their
  name leaves a block's label and the texts' audit rows. The rows stay (the counts of the
  consultation report, replies under them), so do poll answers and votes (a hash, never
  a name or a text: nothing in them says who the person is) and a block (it must keep
  holding).
- Retention (``DIALOGUE_PARTICIPANT_RETENTION_DAYS`` after the consultation closed, or
  after a discussion reply was written): the name and the hash leave the texts; the text
  stays, with the name taken out of it, as part of the public record of the
  consultation.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_records_bulk
from jembatan.accounts.models import AuditLog, User
from jembatan.accounts.processing import audit_scrub
from jembatan.core.personal_data import ERASED, Kind, Touched, personal_data_registry, scrub_text
from jembatan.dialogue.audit_actions import AuditAction
from jembatan.dialogue.models import Block, Comment, OneTimeCode, Reply

KEY = "dialogue.participant"
MODELS: tuple[type[Comment] | type[Reply], ...] = (Comment, Reply)


def retention_days() -> int:
    return settings.DIALOGUE_PARTICIPANT_RETENTION_DAYS


def _theirs(model: type[Comment] | type[Reply], contact_hash: str) -> QuerySet[Any]:
    return model.objects.filter(author=None, contact_hash=contact_hash)


def _subject_hash(subject: Any) -> str:
    """The hash of a participant: given as such, or the one on a comment or reply."""
    if isinstance(subject, Comment | Reply):
        return subject.contact_hash
    return str(subject or "")


def participant_erase(
    *, contact_hash: str, actor: User | None = None, reason: str, keep_text: bool = False
) -> bool:
    """Erase the participant with ``contact_hash`` from their texts (the text too, unless
    ``keep_text``: the retention rule); False when nothing was left."""
    if not contact_hash:
        return False
    with transaction.atomic():
        changed: list[Comment | Reply] = []
        names: set[str] = set()
        for model in MODELS:
            rows = list(_theirs(model, contact_hash).select_for_update())
            names |= {r.author_name for r in rows if r.author_name and r.author_name != ERASED}
            changed += rows
        values = sorted(names)
        for row in changed:
            shown = row.body[:60]
            row.author_name = ERASED
            row.contact_hash = ""
            row.body = scrub_text(row.body, values) if keep_text else ERASED
            type(row).objects.filter(pk=row.pk).update(
                author_name=row.author_name, contact_hash="", body=row.body
            )
            # Audit rows name a text by its first words (its __str__).
            audit_scrub(target=row, values=[*values, shown] if not keep_text else values)
        codes = OneTimeCode.objects.filter(contact_hash=contact_hash).delete()[0]
        for block in Block.objects.filter(contact_hash=contact_hash):
            label = scrub_text(block.label, values)
            if label != block.label:
                Block.objects.filter(pk=block.pk).update(label=label)
        audit_records_bulk(
            actor=actor, action=AuditAction.PARTICIPANT_ERASE, targets=changed, note=reason
        )
    return bool(changed or codes)


def _erase(subject: Any, *, actor: User | None = None, reason: str) -> bool:
    return participant_erase(contact_hash=_subject_hash(subject), actor=actor, reason=reason)


def purge_participants(*, now: datetime.datetime | None = None) -> int:
    """The retention rule: take the name and hash of participants without an account off
    texts older than the retention period. Returns how many participants were cleared."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    hashes = set(
        Comment.objects.filter(author=None, paragraph__section__consultation__closes_at__lt=cutoff)
        .exclude(contact_hash="")
        .values_list("contact_hash", flat=True)
    )
    hashes |= set(
        Reply.objects.filter(author=None, created_at__lt=cutoff)
        .exclude(contact_hash="")
        .values_list("contact_hash", flat=True)
    )
    cleared = 0
    for contact_hash in sorted(hashes):
        cleared += _retain(contact_hash, cutoff)
    return cleared


def _retain(contact_hash: str, cutoff: datetime.datetime) -> bool:
    """Only the participant's old texts lose their name: a newer comment keeps it (and
    the hash that lets them vote once) until its own time comes."""
    old_comments = _theirs(Comment, contact_hash).filter(
        paragraph__section__consultation__closes_at__lt=cutoff
    )
    old_replies = _theirs(Reply, contact_hash).filter(created_at__lt=cutoff)
    with transaction.atomic():
        rows: list[Comment | Reply] = [*old_comments.select_for_update()]
        rows += [*old_replies.select_for_update()]
        values = sorted({r.author_name for r in rows if r.author_name != ERASED})
        for row in rows:
            type(row).objects.filter(pk=row.pk).update(
                author_name=ERASED, contact_hash="", body=scrub_text(row.body, values)
            )
            audit_scrub(target=row, values=values)
        audit_records_bulk(
            actor=None, action=AuditAction.PARTICIPANT_ERASE, targets=rows, note="retention"
        )
    return bool(rows)


def touched(since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
    """Participants whose texts changed in the window, by a short form of their hash:
    their contact is not kept, so they are told through the public notice."""
    types = ContentType.objects.get_for_models(*MODELS)
    found: dict[str, str] = {}
    for model in MODELS:
        audited = AuditLog.objects.filter(
            target_type=types[model], created_at__gte=since, created_at__lt=until
        ).values_list("target_id", flat=True)
        rows = (
            model.objects.filter(author=None)
            .exclude(contact_hash="")
            .filter(
                Q(pk__in=[int(i) for i in audited if i.isdecimal()])
                | Q(created_at__gte=since, created_at__lt=until)
            )
            .order_by("created_at", "id")
        )
        for row in rows:
            found.setdefault(row.contact_hash, row.author_name)
    return [
        Touched(
            kind=KEY,
            reference=contact_hash[:12],
            channels=(),
            contact={"nama": name} if name and name != ERASED else {},
        )
        for contact_hash, name in found.items()
    ]


personal_data_registry.register(
    Kind(
        key=KEY,
        order=40,
        title=gettext_lazy("Peserta dialog publik tanpa akun"),
        collected=gettext_lazy(
            "Nama yang Anda tulis, tanggapan dan balasan Anda, jawaban jajak pendapat, dan "
            "sidik acak (hash) nomor HP atau email yang Anda verifikasi. Nomor HP dan email "
            "itu sendiri tidak disimpan."
        ),
        purpose=gettext_lazy(
            "Menampilkan tanggapan Anda dalam konsultasi publik dan diskusi, memastikan "
            "satu orang satu suara, dan menyusun laporan hasil konsultasi."
        ),
        basis=gettext_lazy(
            "Persetujuan Anda saat ikut serta (UU 27/2022 Pasal 20 ayat 2 huruf a) dan "
            "pelaksanaan tugas pemerintah daerah melibatkan masyarakat (UU 23/2014 Pasal "
            "354)."
        ),
        who_sees=gettext_lazy(
            "Nama dan tanggapan Anda tampil untuk umum di halaman konsultasi atau diskusi. "
            "Sidik acak kontak Anda hanya dipakai sistem untuk mengenali Anda kembali; "
            "nomor atau email Anda sendiri tidak tersimpan."
        ),
        retention_text=gettext_lazy(
            "Nama Anda dan sidik acak kontak Anda dilepas dari tanggapan Anda %(days)s hari "
            "setelah konsultasi ditutup (balasan diskusi: setelah ditulis); isi tanggapan "
            "tetap sebagai catatan konsultasi."
        ),
        erase=_erase,
        touched=touched,
        retention_days=retention_days,
    )
)
