"""Every write of rumour reports and clarifications (keyword-only, audited)."""

from __future__ import annotations

import secrets
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import get_officer_office_ids_for_user
from jembatan.accounts.audit import audit_record, audited_update, snapshot
from jembatan.accounts.contact import clean_phone_and_email
from jembatan.accounts.models import Office, User
from jembatan.clarifications import personal_data
from jembatan.clarifications.access import (
    administers,
    get_clarifications_for_user,
    get_reports_for_user,
)
from jembatan.clarifications.audit_actions import AuditAction
from jembatan.clarifications.models import Clarification, RumourReport, Verdict
from jembatan.clarifications.similarity import normalized_link
from jembatan.core.images import clean_jpeg, removed_on_failure
from jembatan.core.pagecache import content_changed
from jembatan.core.slugs import free_slug
from jembatan.core.storage import private_storage
from jembatan.core.tasks import enqueue_on_commit
from jembatan.core.transitions import Machine, Transition
from jembatan.core.workdays import local_date
from jembatan.dissemination import services as info
from jembatan.dissemination.access import Area, get_publishing_areas_for_user
from jembatan.dissemination.models import InfoItem

CODE_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
CODE_LENGTH = 8
SCREENSHOT_MAX_SIDE = 1600
# Words the answer page's address may not take: the app's own fixed paths.
RESERVED_SLUGS = {"kirim", "lacak", "serupa"}

R = RumourReport.Status
C = Clarification.Status

REPORT_MACHINE = Machine(
    noun=gettext_lazy("laporan isu"),
    transitions={
        "assign": Transition({R.NEW, R.IN_PROGRESS}, None, gettext_lazy("Serahkan ke instansi")),
        "link": Transition({R.NEW, R.IN_PROGRESS}, R.IN_PROGRESS, gettext_lazy("Kaitkan")),
        "answer": Transition({R.NEW, R.IN_PROGRESS}, R.ANSWERED, gettext_lazy("Jawab")),
        "reject": Transition({R.NEW, R.IN_PROGRESS}, R.REJECTED, gettext_lazy("Tolak")),
    },
)
CLARIFICATION_MACHINE = Machine(
    noun=gettext_lazy("klarifikasi"),
    transitions={
        "update": Transition({C.DRAFT, C.PUBLISHED}, None, gettext_lazy("Simpan")),
        "publish": Transition({C.DRAFT}, C.PUBLISHED, gettext_lazy("Terbitkan")),
    },
)
TEXT_FIELDS = ["verdict", "title", "claim", "explanation", "sources"]


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not RumourReport.objects.filter(code=code).exists():
            return code


# --- Reports (the public) ---------------------------------------------------------------


def report_submit(
    *, kabupaten_code: str, data: dict[str, Any], screenshot: IO[bytes] | None = None
) -> RumourReport:
    """Store a rumour someone saw. No account: the contact, if given, is only for
    sending the answer (and erased once it went out, see tasks)."""
    text = (data.get("text") or "").strip()
    errors: dict[str, str] = {}
    if len(text) > 4000:
        errors["text"] = _("Paling panjang 4000 huruf.")
    elif len(text) < 10:
        errors["text"] = _("Tuliskan isu yang Anda lihat, sedikitnya 10 huruf.")
    link = (data.get("link") or "").strip()
    if link and not normalized_link(link):
        errors["link"] = _("Tautan tidak valid.")
    phone, email = clean_phone_and_email(
        data, phone_field="contact_phone", email_field="contact_email", errors=errors
    )
    checked = None
    if screenshot:
        try:
            checked = clean_jpeg(screenshot, max_side=SCREENSHOT_MAX_SIDE)
        except ValidationError as exc:
            errors["screenshot"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with removed_on_failure(private_storage()) as stored, transaction.atomic():
        report = RumourReport(
            kabupaten_id=kabupaten_code,
            code=_new_code(),
            text=text,
            link=link,
            contact_email=email,
            contact_phone=phone,
        )
        if checked is not None:
            report.screenshot.save(
                f"{secrets.token_hex(16)}.jpg", ContentFile(checked[0]), save=False
            )
            stored.append(report.screenshot.name)
        report.save()
        # No text or contact in the audit trail: the report itself holds them.
        audit_record(actor=None, action=AuditAction.REPORT_SUBMIT, target=report)
    return report


# --- Reports (staff) --------------------------------------------------------------------


def _lock_report(actor: User, report: RumourReport, action: str) -> RumourReport:
    if not get_reports_for_user(actor).filter(pk=report.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak menangani laporan ini."))
    locked = RumourReport.objects.select_for_update().get(pk=report.pk)
    REPORT_MACHINE.require_state(action, locked.status, locked.get_status_display())
    return locked


def report_assign(*, actor: User, report: RumourReport, office: Office | None) -> RumourReport:
    """Diskominfo asks the office concerned to answer (None: takes it back)."""
    if not administers(actor, report.kabupaten_id):
        raise PermissionDenied(_("Hanya Diskominfo yang dapat menyerahkan laporan."))
    if office is not None and office.kabupaten_id != report.kabupaten_id:
        raise ValidationError({"office": _("Instansi itu bukan dari kabupaten ini.")})
    with transaction.atomic():
        locked = _lock_report(actor, report, "assign")
        audited_update(
            actor=actor,
            instance=locked,
            data={"office": office},
            action=AuditAction.REPORT_ASSIGN,
        )
    return locked


def report_reject(*, actor: User, report: RumourReport, reason: str) -> RumourReport:
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasannya.")})
    with transaction.atomic():
        locked = _lock_report(actor, report, "reject")
        step = REPORT_MACHINE.step("reject")
        audited_update(
            actor=actor,
            instance=locked,
            # No answer will come: the contact kept for it goes now.
            data={
                "status": step.leads_to(locked.status),
                "reject_reason": reason,
                "contact_email": "",
                "contact_phone": "",
            }
            | personal_data.scrubbed(locked, personal_data.contact_values(locked)),
            action=AuditAction.REPORT_REJECT,
            note=reason,
            # Neither the contact nor the rumour's text (scrubbed of the contact) in the row.
            omit=["contact_email", "contact_phone", *personal_data.TEXT_FIELDS],
        )
    return locked


def _tell_submitter(report: RumourReport) -> None:
    if report.contact_email:
        enqueue_on_commit("jembatan.clarifications.tasks.mail_submitter", report.pk)
    if report.contact_phone:
        enqueue_on_commit("jembatan.clarifications.tasks.text_submitter", report.pk)


def report_link(*, actor: User, report: RumourReport, clarification: Clarification) -> RumourReport:
    """Point a report to a clarification: a duplicate of an answered rumour is answered
    at once (and its submitter told); one of a draft waits for its publication."""
    if clarification.kabupaten_id != report.kabupaten_id:
        raise ValidationError(_("Klarifikasi itu dari kabupaten lain."))
    # A published answer may answer any report of its kabupaten; a draft only its owner's.
    if (
        not clarification.is_published
        and not get_clarifications_for_user(actor).filter(pk=clarification.pk).exists()
    ):
        raise PermissionDenied(_("Anda tidak berhak menjawab dengan klarifikasi ini."))
    action = "answer" if clarification.is_published else "link"
    with transaction.atomic():
        locked = _lock_report(actor, report, action)
        audited_update(
            actor=actor,
            instance=locked,
            data={
                "clarification": clarification,
                "status": REPORT_MACHINE.step(action).leads_to(locked.status),
            },
            action=AuditAction.REPORT_ANSWER if action == "answer" else AuditAction.REPORT_LINK,
        )
        if action == "answer":
            _tell_submitter(locked)
    return locked


# --- Clarifications ---------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: (data.get(k) or "").strip() for k in TEXT_FIELDS}
    values["title"] = " ".join(values["title"].split())
    values["sources"] = "\n".join(
        line.strip() for line in values["sources"].splitlines() if line.strip()
    )
    errors = {}
    if values["verdict"] not in Verdict.values:
        errors["verdict"] = _("Pilih kesimpulan dari daftar.")
    for name in ("title", "claim", "explanation"):
        if not values[name]:
            errors[name] = _("Bagian ini wajib diisi.")
    if errors:
        raise ValidationError(errors)
    return values


def clarification_create(
    *,
    actor: User,
    data: dict[str, Any],
    kabupaten_code: str,
    report: RumourReport | None = None,
) -> Clarification:
    """A draft answer, for the kabupaten's Diskominfo or the office a report was given
    to (the answer is then that office's); the report waits for its publication."""
    values = _clean(data)
    office = None
    if report is not None:
        if report.kabupaten_id != kabupaten_code:
            raise ValidationError(_("Laporan itu dari kabupaten lain."))
        found = get_reports_for_user(actor).filter(pk=report.pk).first()
        if found is None:
            raise PermissionDenied(_("Anda tidak berhak menangani laporan ini."))
        report = found
        if report.office_id and report.office_id in get_officer_office_ids_for_user(actor):
            office = report.office
    if office is None and not administers(actor, kabupaten_code):
        raise PermissionDenied(_("Anda tidak berhak menulis klarifikasi untuk kabupaten ini."))
    with transaction.atomic():
        row = Clarification.objects.create(
            kabupaten_id=kabupaten_code,
            office=office,
            created_by=actor,
            slug=free_slug(Clarification.objects.all(), values["title"], fallback="klarifikasi"),
            **values,
        )
        if row.slug in RESERVED_SLUGS:
            row.slug = f"{row.slug}-{row.pk}"
            row.save(update_fields=["slug"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=row,
            after=snapshot(row, ["verdict", "title", "office"]),
        )
        if report is not None:
            report_link(actor=actor, report=report, clarification=row)
    return row


def clarification_update(
    *, actor: User, clarification: Clarification, data: dict[str, Any]
) -> Clarification:
    values = _clean(data)
    with transaction.atomic():
        if not get_clarifications_for_user(actor).filter(pk=clarification.pk).exists():
            raise PermissionDenied(_("Anda tidak berhak mengubah klarifikasi ini."))
        locked = Clarification.objects.select_for_update().get(pk=clarification.pk)
        CLARIFICATION_MACHINE.require_state("update", locked.status, locked.get_status_display())
        audited_update(
            actor=actor,
            instance=locked,
            data=values,
            action=AuditAction.UPDATE,
            omit=["explanation", "claim"],
        )
        if locked.is_published:
            transaction.on_commit(content_changed)  # the cached answer page and list
    return locked


def _info_body(row: Clarification, link: str) -> str:
    return (
        f"<p><strong>{escape(_('Kesimpulan'))}: {escape(row.get_verdict_display())}</strong></p>"
        f"<p>{escape(_('Isu yang beredar'))}: {escape(Truncator(row.claim).chars(500))}</p>"
        f"<p>{escape(Truncator(row.explanation).chars(1500))}</p>"
        f'<p><a href="{escape(link)}">{escape(_("Baca klarifikasi lengkap"))}</a></p>'
    )


def _publishing_area(actor: User, row: Clarification) -> Area:
    """The actor's area for the clarification's kabupaten itself (never a national one:
    the answer goes to that kabupaten's KIMs), as its office or as Diskominfo."""
    for area in get_publishing_areas_for_user(actor):
        if area.region is None or area.region.code != row.kabupaten_id:
            continue
        office_id = area.office.pk if area.office is not None else None
        if row.office_id is not None and office_id == row.office_id:
            return area
        if row.office_id is None and (
            area.office is None or area.office.kind == Office.Kind.DISKOMINFO
        ):
            return area
    raise PermissionDenied(
        _(
            "Anda tidak berhak menerbitkan informasi untuk kabupaten ini. Operator: pilih "
            "kabupatennya dahulu di ruang kerja."
        )
    )


def clarification_publish(*, actor: User, clarification: Clarification) -> Clarification:
    """Publish the answer: its own public page, an information item for the KIMs of
    the kabupaten (their inboxes, tracked share links and reach), and every report
    pointed to it answered, its submitter told."""
    owned = get_clarifications_for_user(actor)
    if not owned.filter(pk=clarification.pk).exists():
        raise PermissionDenied(_("Anda tidak berhak menerbitkan klarifikasi ini."))
    area = _publishing_area(actor, clarification)
    with transaction.atomic():
        locked = Clarification.objects.select_for_update().get(pk=clarification.pk)
        step = CLARIFICATION_MACHINE.require_state(
            "publish", locked.status, locked.get_status_display()
        )
        before = snapshot(locked, ["status", "published_at"])
        locked.status = step.leads_to(locked.status)
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        # A path, not an absolute URL: the stored body is shown on whatever host serves
        # it, and a publish from a command or task would otherwise bake in SITE_URL.
        link = locked.get_absolute_url()
        item = info.item_create(
            actor=actor,
            area_key=area.key,
            data={
                "title": Truncator(_("Klarifikasi: %(title)s") % {"title": locked.title}).chars(
                    200
                ),
                "summary": Truncator(f"{locked.get_verdict_display()}. {locked.claim}").chars(300),
                "body": _info_body(locked, link),
                "category": InfoItem.Category.ANNOUNCEMENT,
                "priority": InfoItem.Priority.HIGH
                if locked.verdict in (Verdict.FALSE, Verdict.MISLEADING)
                else InfoItem.Priority.NORMAL,
                "valid_from": local_date(None, locked.kabupaten_id),
                "valid_until": None,
                "scope": InfoItem.Scope.AREA,
            },
        )
        item = info.item_publish(actor=actor, item=item)
        locked.info_item = item
        locked.save(update_fields=["info_item"])
        audit_record(
            actor=actor,
            action=AuditAction.PUBLISH,
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "published_at"]) | {"info_item": item.pk},
        )
        waiting = list(
            RumourReport.objects.select_for_update().filter(
                clarification=locked, status__in=[R.NEW, R.IN_PROGRESS]
            )
        )
        step = REPORT_MACHINE.step("answer")
        for report in waiting:
            audited_update(
                actor=actor,
                instance=report,
                data={"status": step.leads_to(report.status)},
                action=AuditAction.REPORT_ANSWER,
            )
            _tell_submitter(report)
        transaction.on_commit(content_changed)
    return locked
