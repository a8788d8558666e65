"""Demo data of the API: one token for the ketua of KIM Sebalo, with a known secret.

Like the demo passwords, it only works while DEBUG is on (the token authentication
refuses demo accounts otherwise)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jembatan.accounts.models import User
from jembatan.api.models import ApiToken
from jembatan.api.services import hash_token

DEMO_API_TOKEN = "jbt_demo-sebalo-hanya-untuk-demo"  # noqa: S105 (public on purpose)


def load(report, *, ketua: User) -> None:
    if ApiToken.objects.filter(key_hash=hash_token(DEMO_API_TOKEN)).exists():
        return
    now = timezone.now()
    ApiToken.objects.create(
        user=ketua,
        name="Contoh integrasi (demo)",
        key_prefix=DEMO_API_TOKEN[:12],
        key_hash=hash_token(DEMO_API_TOKEN),
        created_at=now,
        expires_at=now + datetime.timedelta(days=365),
    )
    report.count("api_tokens")
