"""The invitation mail as a Huey task: sent once, retried when the mail server fails."""

import socket

import pytest
from django.core import mail
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from jembatan.accounts.models import User
from jembatan.accounts.tasks import send_invitation
from jembatan.core.tasks import RETRIES
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee():
    return UserFactory(email="maria@example.test", password=None)


@pytest.fixture(autouse=True)
def empty_queue():
    assert HUEY.immediate  # settings_test: tasks run in-process, on an in-memory queue
    HUEY.flush()
    yield
    HUEY.flush()


def test_the_invitation_is_sent_once_and_recorded(invitee):
    assert send_invitation(invitee.pk, "http://testserver/", "KIM Sebalo")() is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.test"]
    assert "/akun/lupa-sandi/" in mail.outbox[0].body
    invitee.refresh_from_db()
    assert invitee.invited_at is not None

    # The same invitation again (a retry or a duplicate message) sends nothing.
    assert send_invitation(invitee.pk, "http://testserver/", "KIM Sebalo")() is False
    assert len(mail.outbox) == 1


def test_a_later_invitation_is_sent_again(invitee):
    send_invitation(invitee.pk, "http://testserver/", "KIM Sebalo")
    first = User.objects.get(pk=invitee.pk).invited_at
    send_invitation(invitee.pk, "http://testserver/", "KIM Lain", last_invited_at=first)
    assert len(mail.outbox) == 2
    assert User.objects.get(pk=invitee.pk).invited_at > first


def test_no_invitation_for_an_account_that_has_a_password(db):
    user = UserFactory()
    assert send_invitation(user.pk, "http://testserver/", "KIM Sebalo")() is False
    assert mail.outbox == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failing_mail_server_records_nothing_and_huey_retries(invitee):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=2,
    ):
        with pytest.raises(ConnectionRefusedError):
            send_invitation.call_local(invitee.pk, "http://testserver/", "KIM Sebalo")
        send_invitation(invitee.pk, "http://testserver/", "KIM Sebalo")

    invitee.refresh_from_db()
    assert invitee.invited_at is None
    # Huey caught the error and scheduled the task again, with one retry fewer.
    [retry] = HUEY.scheduled()
    assert retry.name == "send_invitation"
    assert retry.retries == RETRIES - 1
    assert retry.args == (invitee.pk, "http://testserver/", "KIM Sebalo")

    # Once the mail server works the retry sends it.
    HUEY.execute(retry, timestamp=retry.eta)
    assert len(mail.outbox) == 1
    invitee.refresh_from_db()
    assert invitee.invited_at is not None
