"""Background work of the PPID: mail to requesters, deadline reminders and escalation."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core.links import absolute_url
from jembatan.core.tasks import RETRIES, RETRY_DELAY
from jembatan.disclosure.access import decided_by_named_superior
from jembatan.disclosure.models import InformationRequest, Objection, RequesterMail
from jembatan.disclosure.personal_data import purge_requesters
from jembatan.disclosure.rules import settings_for
from jembatan.disclosure.services import dispute_route, objection_window, remind_and_escalate
from jembatan.disclosure.services_report import remind_annual_reports

STEPS = {"received", "extended", "answered", "objection", "objection_decided", "objection_lapsed"}


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def mail_requester(request_id: int, step: str) -> bool:
    """Mail the requester about one step of their request (a link, never the identity)."""
    request = (
        InformationRequest.objects.select_related("body", "body__region", "body__office")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not request.requester_email or step not in STEPS:
        return False
    objection = Objection.objects.filter(request=request).first()
    context = {
        "request": request,
        "objection": objection,
        "route": dispute_route(objection) if objection is not None else None,
        "by_named_superior": objection is not None and decided_by_named_superior(objection),
        "rules": settings_for(request.body.kabupaten_id),
        # The answer mail carries the right to object and its last day, as the page does.
        "window": objection_window(request) if step == "answered" else None,
        "step": step,
        "link": absolute_url(request.get_absolute_url()),
        "site_name": settings.SITE_NAME,
    }
    try:  # claim the step first: a duplicate or retried task finds it taken
        with transaction.atomic():
            claim = RequesterMail.objects.create(request=request, step=step)
    except IntegrityError:
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=render_to_string("disclosure/email/step_subject.txt", context).strip(),
                message=render_to_string("disclosure/email/step.txt", context),
                from_email=None,
                recipient_list=[request.requester_email],
            )
    except BaseException:
        claim.delete()  # not sent: the retry may send it
        raise
    return True


@db_periodic_task(crontab(minute="20", hour="*"), retries=RETRIES, retry_delay=RETRY_DELAY)
def remind_deadlines() -> tuple[int, int]:
    """Hourly: reminders 2 working days before a request is due; escalation when late.

    Each request's "today" is its body's kabupaten's date (WIB, WITA or WIT), so a zone's
    reminders and escalations go out in the first run after its own midnight."""
    return remind_and_escalate()


@db_periodic_task(crontab(minute="40", hour="2"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_requesters() -> int:
    """Once a day (02:40 UTC): the retention rule for requesters' identity
    (disclosure.personal_data, PPID_REQUESTER_RETENTION_DAYS)."""
    return purge_requesters()


@db_periodic_task(crontab(minute="40", hour="1"), retries=RETRIES, retry_delay=RETRY_DELAY)
def remind_annual_report() -> int:
    """Daily: Diskominfo is told (once a year) that the annual report is due by 31 March."""
    return remind_annual_reports()
