"""Reminders to KIMs that did not act on an item, and the retry of notification emails.

send_reminders() reminds, once, the pengurus of every KIM that neither re-published nor
shared an item N days (settings.INFO_REMINDER_DAYS) after it was published.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from jembatan.accounts.models import Notification, Role
from jembatan.accounts.tasks import send_notification_emails
from jembatan.communities.models import Position
from jembatan.dissemination import services, tasks
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def scene(two_tenants):
    """Four KIMs of Kabupaten Bengkayang receive an item: kim-a (ketua, sekretaris,
    bendahara, anggota) and kim-e do nothing, kim-c re-publishes, kim-d shares."""
    a = two_tenants.a
    sekretaris, bendahara = UserFactory(), UserFactory()
    KimMembershipFactory(kim=a.kim, user=sekretaris, position=Position.SEKRETARIS)
    KimMembershipFactory(kim=a.kim, user=bendahara, position=Position.BENDAHARA)
    former = UserFactory()
    KimMembershipFactory(kim=a.kim, user=former, position=Position.SEKRETARIS, is_active=False)
    kims, ketua = {}, {}
    for label, code in (("c", "61.07.05.2001"), ("d", "61.07.05.2002"), ("e", "61.07.06.2001")):
        kims[label] = KimFactory(
            name=f"KIM {label.upper()}", slug=f"kim-{label}", region=region_chain(code)
        )
        ketua[label] = UserFactory()
        KimMembershipFactory(kim=kims[label], user=ketua[label], position=Position.KETUA)
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return SimpleNamespace(
        a=a,
        sekretaris=sekretaris,
        bendahara=bendahara,
        former=former,
        kims=kims,
        ketua=ketua,
        admin=admin,
        b=two_tenants.b,
    )


def publish_item(scene, capture, **data) -> InfoItem:
    item = services.item_create(
        actor=scene.admin,
        area_key="",
        data={"title": "Vaksinasi ternak", "summary": "Ringkas.", "body": "Isi."} | data,
    )
    with capture(execute=True):
        services.item_publish(actor=scene.admin, item=item)
    item.refresh_from_db()
    return item


@pytest.fixture
def item(scene, django_capture_on_commit_callbacks):
    item = publish_item(scene, django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(item=item).count() == 4
    services.delivery_republish(actor=scene.ketua["c"], kim=scene.kims["c"], item=item)
    services.delivery_share(
        actor=scene.ketua["d"],
        delivery=Delivery.objects.get(item=item, kim=scene.kims["d"]),
        channel="whatsapp",
    )
    mail.outbox.clear()
    return item


def remind(capture, now) -> int:
    with capture(execute=True):
        return services.send_reminders(now=now)


def reminders():
    return Notification.objects.filter(kind="info.reminder")


def test_nothing_is_due_before_the_days_have_passed(item, django_capture_on_commit_callbacks):
    now = item.published_at + 3 * DAY - datetime.timedelta(minutes=1)
    assert remind(django_capture_on_commit_callbacks, now) == 0
    assert not reminders().exists()
    assert mail.outbox == []
    assert not Delivery.objects.filter(reminded_at__isnull=False).exists()
    # The periodic task, running now, finds nothing either.
    assert tasks.remind_inactive_kims.call_local() == 0


def test_kims_that_did_not_act_are_reminded_once_after_the_days(
    scene, item, django_capture_on_commit_callbacks
):
    now = item.published_at + 3 * DAY + datetime.timedelta(minutes=1)
    assert remind(django_capture_on_commit_callbacks, now) == 2

    reminded = Delivery.objects.filter(item=item, reminded_at__isnull=False)
    assert set(reminded.values_list("kim__slug", flat=True)) == {"kim-a", "kim-e"}
    assert set(reminded.values_list("reminded_at", flat=True)) == {now}
    pengurus = [scene.a.owner, scene.sekretaris, scene.bendahara, scene.ketua["e"]]
    assert sorted(reminders().values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in pengurus
    )
    note = reminders().first()
    assert note.params == {"item": "Vaksinasi ternak", "days": 3}
    # One email each, to the pengurus only (no anggota, no former member, no KIM that acted).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in pengurus)
    assert all("Vaksinasi ternak" in m.subject for m in mail.outbox)
    for user in (scene.a.member, scene.former, scene.ketua["c"], scene.ketua["d"]):
        assert not Notification.objects.filter(recipient=user).exists()

    # A second run, and a much later one, send nothing more.
    outbox = len(mail.outbox)
    assert remind(django_capture_on_commit_callbacks, now + datetime.timedelta(minutes=15)) == 0
    assert remind(django_capture_on_commit_callbacks, now + 10 * DAY) == 0
    assert reminders().count() == 4
    assert len(mail.outbox) == outbox
    assert set(reminded.values_list("reminded_at", flat=True)) == {now}


def test_the_number_of_days_is_a_setting(item, settings, django_capture_on_commit_callbacks):
    settings.INFO_REMINDER_DAYS = 5
    assert remind(django_capture_on_commit_callbacks, item.published_at + 4 * DAY) == 0
    assert not reminders().exists()
    assert remind(django_capture_on_commit_callbacks, item.published_at + 5 * DAY) == 2
    assert reminders().first().params["days"] == 5


def test_a_kim_that_acts_after_a_reminder_is_not_reminded_again(
    scene, item, django_capture_on_commit_callbacks
):
    now = item.published_at + 4 * DAY
    remind(django_capture_on_commit_callbacks, now)
    services.delivery_republish(actor=scene.a.owner, kim=scene.a.kim, item=item)
    count = reminders().count()
    assert remind(django_capture_on_commit_callbacks, now + DAY) == 0
    assert reminders().count() == count


def test_withdrawn_items_are_not_reminded(scene, item, django_capture_on_commit_callbacks):
    services.item_withdraw(actor=scene.admin, item=item, reason="dibatalkan")
    mail.outbox.clear()
    assert remind(django_capture_on_commit_callbacks, item.published_at + 4 * DAY) == 0
    assert not reminders().exists()
    assert mail.outbox == []
    assert not Delivery.objects.filter(reminded_at__isnull=False).exists()


def test_expired_items_are_not_reminded(scene, django_capture_on_commit_callbacks):
    item = publish_item(scene, django_capture_on_commit_callbacks, valid_until=timezone.localdate())
    assert remind(django_capture_on_commit_callbacks, item.published_at + 4 * DAY) == 0
    assert not reminders().exists()
    assert mail.outbox == []


def test_an_item_expired_by_the_local_date_is_not_reminded(
    scene, django_capture_on_commit_callbacks
):
    """Validity dates are local dates (InfoItem.is_expired uses timezone.localdate()).
    The periodic task passes timezone.now(), an aware UTC datetime: shortly after local
    midnight an item that expired yesterday must not be reminded."""
    local = timezone.get_current_timezone()  # settings.TIME_ZONE, Asia/Jakarta by default
    today = timezone.localdate()
    last_day = today + 3 * DAY
    item = publish_item(scene, django_capture_on_commit_callbacks, valid_until=last_day)
    # 02:00 local time the day after the last valid day, written as timezone.now() gives it.
    now = datetime.datetime.combine(last_day + DAY, datetime.time(2, 0), tzinfo=local)
    now = now.astimezone(datetime.UTC)
    assert timezone.localdate(now) > item.valid_until  # expired where the users are
    assert now >= item.published_at + 3 * DAY
    assert remind(django_capture_on_commit_callbacks, now) == 0
    assert not reminders().exists()


def test_inactive_kims_are_not_reminded(scene, item, django_capture_on_commit_callbacks):
    kim_e = scene.kims["e"]
    kim_e.is_active = False
    kim_e.save()
    assert remind(django_capture_on_commit_callbacks, item.published_at + 4 * DAY) == 1
    assert not Notification.objects.filter(recipient=scene.ketua["e"]).exists()
    assert Delivery.objects.get(item=item, kim=kim_e).reminded_at is None


def test_each_item_is_reminded_on_its_own(scene, item, django_capture_on_commit_callbacks):
    second = publish_item(scene, django_capture_on_commit_callbacks, title="Pasar murah")
    now = second.published_at + 4 * DAY
    # item: kim-a and kim-e; second: all four KIMs.
    assert remind(django_capture_on_commit_callbacks, now) == 6
    titles = sorted(
        Notification.objects.filter(recipient=scene.a.owner).values_list("params__item", flat=True)
    )
    assert titles == ["Pasar murah", "Vaksinasi ternak"]
    assert Notification.objects.filter(recipient=scene.ketua["c"]).count() == 1


# --- Email retry --------------------------------------------------------------------


class FailOnceBackend(locmem.EmailBackend):
    """The locmem backend, but the mail server refuses the next ``failures`` sends."""

    failures = 0

    def send_messages(self, messages):
        if FailOnceBackend.failures > 0:
            FailOnceBackend.failures -= 1
            raise ConnectionRefusedError("mail server unavailable")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailOnceBackend"
    FailOnceBackend.failures = 1
    yield
    FailOnceBackend.failures = 0


def test_a_failed_email_releases_its_claim_and_is_sent_once_on_retry(scene, item, flaky_mail):
    # Reminders are written; their emails are enqueued on commit, which never comes here.
    assert services.send_reminders(now=item.published_at + 4 * DAY) == 2
    key = f"info.reminder:{item.pk}"
    assert reminders().filter(key=key).count() == 4
    assert mail.outbox == []

    with pytest.raises(ConnectionRefusedError):
        send_notification_emails.call_local(key)
    # The other three went out; the failed one was given back for the retry.
    unsent = reminders().filter(emailed_at__isnull=True)
    assert unsent.count() == 1
    assert len(mail.outbox) == 3
    assert unsent.get().recipient.email not in [m.to[0] for m in mail.outbox]

    assert send_notification_emails.call_local(key) == 1
    assert not reminders().filter(emailed_at__isnull=True).exists()
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 4
    assert len(set(recipients)) == 4  # nobody mailed twice

    assert send_notification_emails.call_local(key) == 0
    assert len(mail.outbox) == 4
