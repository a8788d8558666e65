"""Background work of aspirations: telling the citizen what happened to their case."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY, claimed


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def mail_citizen(event_id: int) -> bool:
    """Mail the reporter about one public step of their case, at most once.

    The event is claimed on mailed_at before sending (core.tasks.claimed); a failure
    gives the claim back and raises, so Huey retries later.
    """
    from jembatan.aspirations.models import CaseEvent
    from jembatan.aspirations.services import display_code

    event = CaseEvent.objects.select_related("aspiration").filter(pk=event_id).first()
    if event is None or not event.is_public or not event.aspiration.reporter_email:
        return False
    case = event.aspiration
    context = {
        "case": case,
        "event": event,
        "code": display_code(case.code),
        "link": settings.SITE_URL.rstrip("/") + case.get_absolute_url(),
        "site_name": settings.SITE_NAME,
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
    """Nightly: the retention rule for reporters' personal data."""
    from jembatan.aspirations.services import purge_old_contacts as purge

    return purge()


@db_periodic_task(crontab(minute="5", hour="*"), retries=RETRIES, retry_delay=RETRY_DELAY)
def escalate_overdue_cases() -> int:
    """Hourly: cases past their working-day deadline go to Diskominfo and the office."""
    from jembatan.aspirations.services import escalate_overdue

    return escalate_overdue()


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def text_citizen(event_id: int) -> bool:
    """Text the reporter about one public step through the gateway, at most once (the
    event is claimed on texted_at; a gateway failure gives the claim back and raises)."""
    from jembatan.aspirations.gateway import gateway_enabled, send_text
    from jembatan.aspirations.models import CaseEvent
    from jembatan.aspirations.services import display_code

    event = CaseEvent.objects.select_related("aspiration").filter(pk=event_id).first()
    if event is None or not event.is_public or not gateway_enabled():
        return False
    case = event.aspiration
    if not case.reporter_phone:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        step = event.get_to_status_display() if event.to_status else _("jawaban baru")
        text = _("Aspirasi %(code)s: %(step)s. Lihat %(link)s") % {
            "code": display_code(case.code),
            "step": step,
            "link": settings.SITE_URL.rstrip("/") + case.get_absolute_url(),
        }
    with claimed(CaseEvent.objects.filter(pk=event_id), "texted_at") as mine:
        if not mine:
            return False
        send_text(case.reporter_phone, text)
    return True
