"""Password reset over real SMTP: a local aiosmtpd server receives the message."""

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse

from jembatan.testing.factories import UserFactory


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield inbox
    controller.stop()


def _body(message) -> str:
    part = (
        message.get_payload(decode=True)
        if not message.is_multipart()
        else (message.get_payload(0).get_payload(decode=True))
    )
    return part.decode()


@pytest.mark.parametrize("login", ["rina@example.test", "0813 1111 2222"])
def test_reset_by_email_or_phone_sends_a_working_link(client, smtp, db, login):
    user = UserFactory(email="rina@example.test", phone="081311112222")
    response = client.post(reverse("accounts:password_reset"), {"email": login})
    assert response.status_code == 302
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["rina@example.test"]
    link = re.search(r"https?://[^/]+(/akun/lupa-sandi/\S+/)", _body(message)).group(1)

    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(
        form_url, {"new_password1": "kata-sandi-baru-123", "new_password2": "kata-sandi-baru-123"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kata-sandi-baru-123")


def test_reset_for_unknown_account_sends_nothing_and_reveals_nothing(client, smtp, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302  # same answer as for a real account
    assert smtp.messages == []


def test_demo_accounts_get_no_reset_mail(client, smtp, db):
    user = UserFactory(email="demo@example.test")
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    client.post(reverse("accounts:password_reset"), {"email": "demo@example.test"})
    assert smtp.messages == []


def test_used_link_is_refused_with_a_clear_message(client, db):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert "Tautan ini tidak berlaku lagi" in response.content.decode()
