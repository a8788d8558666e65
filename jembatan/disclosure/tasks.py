"""Background work of the PPID: mail to requesters, deadline reminders and escalation."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core.gateway import gateway_enabled, send_text
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


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_private_link(request_id: int, kind: str) -> bool:
    """The private link of a request, to the e-mail or phone on file that the lookup page
    was given (disclosure.views.track): the page itself never shows it."""
    request = InformationRequest.objects.filter(pk=request_id).first()
    if request is None:
        return False
    to = request.requester_email if kind == "email" else request.requester_phone
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Tautan halaman permohonan informasi %(number)s (jangan dibagikan): %(link)s") % {
            "number": request.number,
            "link": absolute_url(request.get_absolute_url()),
        }
        return _send(request, kind, to, subject=_("Tautan permohonan %(number)s"), text=text)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def tell_old_contact(request_id: int, kind: str, old: str) -> bool:
    """The contact a requester replaced hears of it: a takeover through a leaked link is
    then seen by the one it was taken from."""
    request = InformationRequest.objects.filter(pk=request_id).first()
    if request is None or not old:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Data kontak Anda pada permohonan informasi %(number)s diubah. Bila bukan Anda "
            "yang mengubahnya, hubungi PPID %(body)s."
        ) % {"number": request.number, "body": request.body.name}
        subject = _("Data kontak permohonan %(number)s diubah")
        return _send(request, kind, old, subject=subject, text=text)


def _send(request: InformationRequest, kind: str, to: str, *, subject: str, text: str) -> bool:
    subject = subject % {"number": request.number}
    if kind == "email":
        send_mail(subject=subject, message=text, from_email=None, recipient_list=[to])
        return True
    kabupaten = request.body.kabupaten_id
    if kind == "phone" and gateway_enabled(kabupaten):
        send_text(to, text, kabupaten_code=kabupaten)
        return True
    return False
