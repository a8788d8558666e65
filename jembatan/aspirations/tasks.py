"""Background work of aspirations: telling the citizen what happened to their case."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.aspirations.merge import merged_text, send_to_follower
from jembatan.aspirations.models import CaseEvent, ReporterKey, Status
from jembatan.aspirations.reporter import (
    deliver_pending_keys,
    key_of_row,
    private_path,
    reporter_link,
)
from jembatan.aspirations.services import display_code, escalate_overdue
from jembatan.aspirations.services import purge_old_contacts as purge
from jembatan.core.gateway import gateway_enabled, send_text
from jembatan.core.links import absolute_url
from jembatan.core.tasks import RETRIES, RETRY_DELAY, claimed
from jembatan.tenants.current import site_name_for_region


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def mail_citizen(event_id: int) -> bool:
    """Mail the reporter about one public step of their case, at most once.

    The event is claimed on mailed_at before sending (core.tasks.claimed); a failure
    gives the claim back and raises, so Huey retries later.
    """
    event = CaseEvent.objects.select_related("aspiration").filter(pk=event_id).first()
    if event is None or not event.is_public or not event.aspiration.reporter_email:
        return False

    case = event.aspiration
    context = {
        "case": case,
        "event": event,
        "code": display_code(case.code),
        # Only the reporter gets these messages: their private link, not the public page.
        "link": reporter_link(case),
        "site_name": site_name_for_region(case.kabupaten_id),
        # A merged duplicate's step names the case it joined, not a bare "Ditutup".
        "merged": case.merged_into_id is not None and event.to_status == Status.CLOSED,
        # "Bukan wewenang": where to go instead, with nothing left to follow here.
        "not_authority": event.to_status == Status.CLOSED and case.is_not_authority,
    }
    with claimed(CaseEvent.objects.filter(pk=event_id), "mailed_at") as mine:
        if not mine:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=render_to_string("aspirations/email/step_subject.txt", context).strip(),
                message=render_to_string("aspirations/email/step.txt", context),
                from_email=None,
                recipient_list=[case.reporter_email],
            )
    return True


@db_periodic_task(crontab(minute="35", hour="2"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_contacts() -> int:
    """Once a day (Huey's crontabs are in UTC: 02:35 UTC is 09:35 WIB, 10:35 WITA, 11:35
    WIT): the retention rule for reporters' personal data, an age in days, the same in
    every zone."""
    return purge()


@db_periodic_task(crontab(minute="5", hour="*"), retries=RETRIES, retry_delay=RETRY_DELAY)
def escalate_overdue_cases() -> int:
    """Hourly: cases past their working-day deadline go to Diskominfo and the office.

    Hourly, not at one UTC hour, because "past the deadline" is read in each case's own
    kabupaten: the run after midnight WITA escalates Kutai Kartanegara's cases due
    yesterday, the run an hour later Bengkayang's (WIB)."""
    return escalate_overdue()


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def text_citizen(event_id: int) -> bool:
    """Text the reporter about one public step through the gateway, at most once (the
    event is claimed on texted_at; a gateway failure gives the claim back and raises)."""
    event = CaseEvent.objects.select_related("aspiration").filter(pk=event_id).first()
    if event is None or not event.is_public:
        return False
    case = event.aspiration
    if not gateway_enabled(case.kabupaten_id):
        return False
    if not case.reporter_phone:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        step = event.mail_step
        text = _("Aspirasi %(code)s: %(step)s. Lihat %(link)s") % {
            "code": display_code(case.code),
            "step": step,
            "link": reporter_link(case),
        }
        if case.merged_into_id is not None and event.to_status == Status.CLOSED:
            text = merged_text(case)  # the original's code and page, not a bare "Ditutup"
    with claimed(CaseEvent.objects.filter(pk=event_id), "texted_at") as mine:
        if not mine:
            return False
        send_text(case.reporter_phone, text, kabupaten_code=case.kabupaten_id)
    return True


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def tell_follower(event_id: int, follower_id: int) -> bool:
    """Tell the reporter of a duplicate merged into a case about one of its public steps
    (aspirations.merge), by mail and SMS, each at most once."""
    return send_to_follower(event_id, follower_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_reporter_link(key_id: int) -> bool:
    """Send the reporter of a case that existed before reporter keys their private link,
    by e-mail and, through the gateway, by SMS. The key is derived again here (see
    ReporterKey), so it never sits in the queue."""
    row = ReporterKey.objects.select_related("aspiration").filter(pk=key_id).first()
    key = key_of_row(row) if row is not None else ""
    if not key:
        return False
    case = row.aspiration
    params = {
        "code": display_code(case.code),
        "link": absolute_url(private_path(case, key)),
    }
    sent = False
    with translation.override(settings.LANGUAGE_CODE):
        if case.reporter_email:
            send_mail(
                subject=_("Tautan pribadi aspirasi %(code)s") % params,
                message=_(
                    "Kode lacak aspirasi Anda (%(code)s) kini hanya untuk melihat. Untuk "
                    "menambahkan keterangan, menanggapi jawaban, atau melihat dan menghapus "
                    "data Anda, pakai tautan pribadi ini. Jangan bagikan tautan ini.\n\n"
                    "%(link)s"
                )
                % params,
                from_email=None,
                recipient_list=[case.reporter_email],
            )
            sent = True
        if case.reporter_phone and gateway_enabled(case.kabupaten_id):
            send_text(
                case.reporter_phone,
                _("Aspirasi %(code)s: tautan pribadi Anda (jangan dibagikan): %(link)s") % params,
                kabupaten_code=case.kabupaten_id,
            )
            sent = True
    return sent


@db_periodic_task(crontab(minute="50", hour="*"), retries=RETRIES, retry_delay=RETRY_DELAY)
def deliver_reporter_links() -> int:
    """Hourly, in batches: the private links of cases that existed before reporter keys."""
    return deliver_pending_keys()
