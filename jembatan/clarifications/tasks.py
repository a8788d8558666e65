"""Background work of clarifications: sending the answer to whoever reported the rumour.

Each message goes at most once (claimed on ``mailed_at`` / ``texted_at``); once it went,
the contact it used is erased: it was kept for this alone. Nothing of the contact is
logged. Daily, the retention rule erases what is left (clarifications.personal_data)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.clarifications.models import RumourReport
from jembatan.clarifications.personal_data import contact_forget, purge_submitters
from jembatan.core.gateway import gateway_enabled, send_text
from jembatan.core.links import absolute_url
from jembatan.core.tasks import RETRIES, RETRY_DELAY, claimed
from jembatan.tenants.current import site_name_for_region


def _answered(report_id: int) -> RumourReport | None:
    report = (
        RumourReport.objects.select_related("clarification")
        .filter(pk=report_id, status=RumourReport.Status.ANSWERED)
        .first()
    )
    if report is None or report.clarification is None or not report.clarification.is_published:
        return None
    return report


def _params(report: RumourReport) -> dict[str, str]:
    answer = report.clarification
    assert answer is not None
    return {
        "code": report.code,
        "verdict": answer.get_verdict_display(),
        "title": answer.title,
        "link": absolute_url(answer.get_absolute_url()),
        "site": site_name_for_region(report.kabupaten_id),
    }


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def mail_submitter(report_id: int) -> bool:
    report = _answered(report_id)
    if report is None or not report.contact_email:
        return False
    rows = RumourReport.objects.filter(pk=report_id)
    with claimed(rows, "mailed_at") as mine:
        if not mine:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            params = _params(report)
            send_mail(
                subject=_("Isu yang Anda laporkan sudah dijawab (%(code)s)") % params,
                message=_(
                    "Terima kasih telah melaporkan isu kepada %(site)s.\n\n"
                    "Kesimpulan: %(verdict)s\n%(title)s\n\n"
                    "Baca penjelasan dan sumbernya, lalu sebarkan kepada yang menerima "
                    "isu itu:\n%(link)s\n"
                )
                % params,
                from_email=None,
                recipient_list=[report.contact_email],
            )
    contact_forget(report_id=report_id, field="contact_email")
    return True


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def text_submitter(report_id: int) -> bool:
    report = _answered(report_id)
    if report is None or not report.contact_phone:
        return False
    if not gateway_enabled(report.kabupaten_id):
        return False
    rows = RumourReport.objects.filter(pk=report_id)
    with claimed(rows, "texted_at") as mine:
        if not mine:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Isu %(code)s sudah dijawab: %(verdict)s. Baca: %(link)s") % _params(report)
        send_text(report.contact_phone, text, kabupaten_code=report.kabupaten_id)
    contact_forget(report_id=report_id, field="contact_phone")
    return True


@db_periodic_task(crontab(minute="50", hour="2"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_submitters() -> int:
    """Once a day (02:50 UTC): the retention rule for rumour submitters' contact and
    screenshot (clarifications.personal_data, CLARIFICATION_CONTACT_RETENTION_DAYS)."""
    return purge_submitters()
