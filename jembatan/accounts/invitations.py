"""Invite a person whose account someone else created to choose a password."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jembatan.accounts.models import User
from jembatan.tenants.current import current_site_name


def account_invite_send(*, user: User, base_url: str, invited_to: str) -> bool:
    """Mail a link to set a password; False when the account has no email address."""
    if not user.email:
        return False
    link = base_url.rstrip("/") + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": link,
        "invited_to": invited_to,
        "site_name": current_site_name(),
    }
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True
