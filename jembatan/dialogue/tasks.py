"""Background work of the dialogue app: sending one-time codes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core import gateway
from jembatan.core.tasks import RETRIES, RETRY_DELAY
from jembatan.dialogue.personal_data import purge_participants
from jembatan.tenants.resolve import tenant_for_region

logger = logging.getLogger(__name__)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_code(channel: str, contact: str, code: str, kabupaten_code: str | None = None) -> bool:
    """Send a one-time code by email, or by SMS/WhatsApp through the gateway of the tenant
    of ``kabupaten_code`` (the consultation's kabupaten; the settings' gateway by default).

    A failure raises and Huey retries; a retry sends the same code again, which is
    harmless (it is the same code, and it expires 10 minutes after it was made)."""
    # The code is sent in the name of the tenant the citizen is on (else SITE_NAME).
    tenant = tenant_for_region(kabupaten_code)
    site = tenant.name if tenant is not None and tenant.name else settings.SITE_NAME
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Kode verifikasi %(site)s: %(code)s. Berlaku 10 menit. Jangan berikan kode ini "
            "kepada siapa pun."
        ) % {"site": site, "code": code}
        if channel == "email":
            send_mail(
                subject=_("Kode verifikasi %(site)s") % {"site": site},
                message=text,
                from_email=None,
                recipient_list=[contact],
            )
            return True
    if not gateway.gateway_enabled(kabupaten_code):
        # The form offers phones only with a gateway; a code queued before the gateway was
        # switched off is dropped, and the operator sees why (no number in the log).
        logger.warning("One-time code by %s not sent: no SMS/WhatsApp gateway configured", channel)
        return False
    # The gateway takes {"to", "text"} for SMS and WhatsApp alike (its operator routes).
    gateway.send_text(contact, text, kabupaten_code=kabupaten_code)
    return True


@db_periodic_task(crontab(minute="55", hour="2"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_participants() -> int:
    """Once a day (02:55 UTC): the retention rule for participants without an account
    (dialogue.personal_data, DIALOGUE_PARTICIPANT_RETENTION_DAYS)."""
    return purge_participants()
