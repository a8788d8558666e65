"""Notifications: notify() writes one row per recipient and key, rows render in the
reader's language, and /kelola/pemberitahuan/ lists and marks a user's own."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from jembatan.accounts.models import Notification
from jembatan.accounts.notifications import (
    KINDS,
    absolute_url,
    notification_mark_read,
    notification_text,
    notification_title,
    notify,
)
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

REMINDER = {"item": "Vaksinasi ternak", "days": 3}
URL = "/kelola/pemberitahuan/"


@pytest.fixture
def people():
    return [UserFactory(full_name="Ani"), UserFactory(full_name="Budi")]


def test_an_unknown_kind_is_refused(people):
    assert "tidak.ada" not in KINDS
    with pytest.raises(ValueError, match=r"tidak\.ada"):
        notify(recipients=people, kind="tidak.ada", key="k:1")
    assert Notification.objects.count() == 0


def test_a_key_notifies_each_recipient_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            recipients=people, kind="info.reminder", key="info.reminder:1", params=REMINDER
        )
        again = notify(
            recipients=[*people, people[0]],
            kind="info.reminder",
            key="info.reminder:1",
            params=REMINDER,
        )
    assert (first, again) == (2, 0)
    rows = Notification.objects.filter(key="info.reminder:1")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(u.pk for u in people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)

    # A new recipient under the same key is added; the others are not notified again.
    late = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            notify(
                recipients=[*people, late],
                kind="info.reminder",
                key="info.reminder:1",
                params=REMINDER,
            )
            == 1
        )
    assert rows.count() == 3
    assert [m.to[0] for m in mail.outbox].count(people[0].email) == 1
    assert len(mail.outbox) == 3

    # Another key is another event.
    assert notify(recipients=people, kind="info.reminder", key="info.reminder:2") == 2


def test_inactive_users_are_skipped(people, django_capture_on_commit_callbacks):
    people[1].is_active = False
    people[1].save()
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=people, kind="info.answer", key="a:1", params={"item": "X"})
    assert made == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [people[0].pk]
    assert [m.to for m in mail.outbox] == [[people[0].email]]
    assert notify(recipients=[people[1]], kind="info.answer", key="a:2") == 0
    assert Notification.objects.count() == 1


def test_the_email_can_be_left_out(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people, kind="info.answer", key="a:1", email=False)
    assert Notification.objects.count() == 2
    assert mail.outbox == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_the_email_says_what_the_notification_says(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=people[:1],
            kind="info.reminder",
            key="info.reminder:7",
            params=REMINDER,
            url="/kelola/",
        )
    [message] = mail.outbox
    assert message.subject.endswith("Pengingat: “Vaksinasi ternak” belum disebarkan")
    assert "sudah 3 hari di kotak masuk KIM Anda" in message.body
    assert absolute_url("/kelola/") in message.body
    assert Notification.objects.get().emailed_at is not None


def test_users_without_an_email_address_get_the_notification_only(
    django_capture_on_commit_callbacks,
):
    phone_only = UserFactory(email=None, phone="081234567890")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipients=[phone_only], kind="info.answer", key="a:1") == 1
    assert Notification.objects.filter(recipient=phone_only).exists()
    assert mail.outbox == []


def test_title_and_text_are_rendered_in_the_readers_language(people):
    row = Notification.objects.create(
        recipient=people[0], kind="info.reminder", key="info.reminder:1", params=REMINDER
    )
    with translation.override("id"):
        assert notification_title(row) == "Pengingat: “Vaksinasi ternak” belum disebarkan"
        assert notification_text(row) == (
            "Informasi “Vaksinasi ternak” sudah 3 hari di kotak masuk KIM Anda dan belum "
            "diterbitkan ulang atau dibagikan. Buka kotak masuk untuk menyebarkannya."
        )
    with translation.override("en"):
        title, text = notification_title(row), notification_text(row)
    assert isinstance(title, str)
    assert title.strip()
    assert isinstance(text, str)
    assert text.strip()


def test_rows_of_unknown_kinds_or_with_missing_params_still_render(people):
    unknown = Notification.objects.create(recipient=people[0], kind="dihapus", key="x:1")
    broken = Notification.objects.create(recipient=people[0], kind="info.corrected", key="x:2")
    with translation.override("id"):
        assert notification_title(unknown) == "Pemberitahuan"
        assert notification_text(unknown) == ""
        assert notification_title(broken) == "Diperbaiki: “%(item)s”"


def test_mark_read_marks_only_the_users_own_notifications(people):
    mine = [
        Notification.objects.create(recipient=people[0], kind="info.answer", key=f"m:{n}")
        for n in range(3)
    ]
    theirs = Notification.objects.create(recipient=people[1], kind="info.answer", key="t:1")

    assert notification_mark_read(user=people[0], ids=[mine[0].pk, theirs.pk]) == 1
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {
        mine[0].pk
    }
    # Already read: not counted again.
    assert notification_mark_read(user=people[0], ids=[mine[0].pk]) == 0
    assert notification_mark_read(user=people[0]) == 2
    assert not Notification.objects.filter(recipient=people[0], read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_lists_the_users_own_notifications(client, people):
    Notification.objects.create(
        recipient=people[0],
        kind="info.reminder",
        key="r:1",
        params={"item": "Vaksinasi ternak", "days": 3},
        url="/kelola/",
    )
    Notification.objects.create(
        recipient=people[1],
        kind="info.reminder",
        key="r:1",
        params={"item": "Rahasia orang lain", "days": 3},
    )
    client.force_login(people[0])
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pengingat: “Vaksinasi ternak” belum disebarkan" in page
    assert 'href="/kelola/"' in page
    assert "Rahasia orang lain" not in page


def test_posting_marks_the_users_notifications_read(client, people):
    mine = Notification.objects.create(recipient=people[0], kind="info.answer", key="a:1")
    theirs = Notification.objects.create(recipient=people[1], kind="info.answer", key="a:1")
    client.force_login(people[0])
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == URL
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_the_page_needs_a_signed_in_user(client, people):
    Notification.objects.create(recipient=people[0], kind="info.answer", key="a:1")
    assert client.get(URL).status_code == 302
    assert client.post(URL).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=False).exists()
