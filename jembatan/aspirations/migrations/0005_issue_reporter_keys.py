"""Every case that existed before reporter keys gets one, so that its reporter can still
act on it. The key is derived (see ReporterKey), never stored; cases whose reporter left
an e-mail or phone number are marked ``deliver``: the ``send_reporter_links`` command
(and the hourly task) send them their private link."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import migrations

BATCH = 1000


def _key(salt: str) -> str:
    # The same as jembatan.aspirations.reporter.derive_key, frozen here.
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"aspiration-reporter:{salt}".encode(), hashlib.sha256
    )
    return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


def issue(apps, schema_editor):
    Aspiration = apps.get_model("aspirations", "Aspiration")
    ReporterKey = apps.get_model("aspirations", "ReporterKey")
    cases = Aspiration.objects.filter(reporter_keys__isnull=True).values_list(
        "pk", "reporter_email", "reporter_phone"
    )
    rows = []
    for pk, email, phone in cases.iterator(chunk_size=BATCH):
        salt = secrets.token_hex(16)
        digest = hashlib.sha256(_key(salt).encode()).hexdigest()
        rows.append(
            ReporterKey(aspiration_id=pk, key_hash=digest, salt=salt, deliver=bool(email or phone))
        )
        if len(rows) >= BATCH:
            ReporterKey.objects.bulk_create(rows)
            rows = []
    ReporterKey.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("aspirations", "0004_reporter_keys")]

    operations = [migrations.RunPython(issue, migrations.RunPython.noop)]
