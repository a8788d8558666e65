"""The today queues of information: KIM questions answered in place, and items with low
reach with the nudge to the KIMs that have not acted (rate limited, recorded)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from jembatan.accounts.models import AuditLog, Notification
from jembatan.communities.models import Position
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, Feedback, InfoItem
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    UserFactory,
    region_chain,
)
from jembatan.workspace.tests.conftest import HOST_B, client_for, today_counts

pytestmark = pytest.mark.django_db

QUESTIONS = reverse("dissemination:manage_questions")
LOW_REACH = reverse("dissemination:manage_list") + "?jangkauan=rendah"


@pytest.fixture
def published(staff, django_capture_on_commit_callbacks):
    """An item of Bengkayang's Diskominfo in the inboxes of three KIMs (A, Sebalo's, and
    two more, each with a ketua and an anggota), published four days ago."""
    for code, name in (("61.07.04.1011", "Bumi Emas"), ("61.07.04.1012", "Tirta Kencana")):
        kim = KimFactory(name=f"KIM {name}", region=region_chain(code, name))
        KimMembershipFactory(kim=kim, user=UserFactory(), position=Position.KETUA)
        KimMembershipFactory(kim=kim, user=UserFactory(), position=Position.ANGGOTA)
    admin = staff.admin
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Posyandu balita", "summary": "Timbang balita", "body": "<p>Isi</p>"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_publish(actor=admin, item=draft)
    InfoItem.objects.filter(pk=item.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=4)
    )
    item.refresh_from_db()
    assert Delivery.objects.filter(item=item).count() == 3
    return item


def _ask(staff, item, body="Apakah posyandu juga untuk lansia?") -> Feedback:
    a = staff.tenants.a
    delivery = Delivery.objects.select_related("kim", "item").get(item=item, kim=a.kim)
    return services.feedback_send(actor=a.member, delivery=delivery, body=body)


def test_kim_questions_wait_in_one_queue_and_are_answered_in_place(staff, published):
    question = _ask(staff, published)
    assert today_counts(staff.admin)["dissemination.questions"] == 1
    # Mempawah's Diskominfo does not see Bengkayang's questions.
    assert "dissemination.questions" not in today_counts(staff.admin_b, HOST_B)
    on_b = client_for(staff.admin_b, HOST_B).get(QUESTIONS)
    assert on_b.context["page"].paginator.count == 0

    client = client_for(staff.admin)
    page = client.get(QUESTIONS)
    assert list(page.context["page"].object_list) == [question]
    html = page.content.decode()
    answer_url = reverse("dissemination:manage_answer", args=[published.pk, question.pk])
    assert f'action="{answer_url}"' in html
    assert 'name="kembali" value="pertanyaan"' in html

    response = client.post(answer_url, {"answer": "Ya, lansia juga.", "kembali": "pertanyaan"})
    assert response.status_code == 302 and response.url == QUESTIONS
    question.refresh_from_db()
    assert question.answer == "Ya, lansia juga." and question.answered_by == staff.admin
    assert AuditLog.objects.filter(action="info.feedback_answer", actor=staff.admin).exists()
    assert "dissemination.questions" not in today_counts(staff.admin)
    assert client.get(QUESTIONS).context["page"].paginator.count == 0


def test_the_questions_page_is_for_staff(staff):
    assert client_for(staff.tenants.a.owner).get(QUESTIONS).status_code == 403


def test_low_reach_counts_items_that_fewer_than_half_the_kims_spread(staff, published):
    assert today_counts(staff.admin)["dissemination.low_reach"] == 1
    listed = client_for(staff.admin).get(LOW_REACH)
    assert [i.pk for i in listed.context["page"].object_list] == [published.pk]
    # Two of three KIMs shared it: no longer low.
    for delivery in Delivery.objects.filter(item=published)[:2]:
        Delivery.objects.filter(pk=delivery.pk).update(shared_at=timezone.now())
    # A share is an update that marks no kabupaten changed: the Diskominfo's queue (kept
    # per kabupaten) shows it once what was kept expires, SHARED_SECONDS later.
    assert today_counts(staff.admin)["dissemination.low_reach"] == 1
    cache.clear()  # the minute has passed
    assert "dissemination.low_reach" not in today_counts(staff.admin)
    assert list(client_for(staff.admin).get(LOW_REACH).context["page"].object_list) == []


def test_a_fresh_item_is_not_low_reach_yet(staff, published):
    InfoItem.objects.filter(pk=published.pk).update(published_at=timezone.now())
    assert "dissemination.low_reach" not in today_counts(staff.admin)


def test_nudge_tells_the_pengurus_of_idle_kims_once_a_day_and_is_recorded(staff, published):
    acted = Delivery.objects.get(item=published, kim=staff.tenants.a.kim)
    Delivery.objects.filter(pk=acted.pk).update(shared_at=timezone.now())
    client = client_for(staff.admin)
    nudge = reverse("dissemination:manage_nudge", args=[published.pk])

    response = client.post(nudge, {"kembali": "daftar"})
    assert response.status_code == 302 and response.url == LOW_REACH
    told = Notification.objects.filter(kind="info.nudge")
    # The ketua of the two idle KIMs; not their anggota, not KIM A that shared it.
    assert told.count() == 2
    assert staff.tenants.a.owner.pk not in set(told.values_list("recipient_id", flat=True))
    record = AuditLog.objects.get(action="info.nudge")
    assert record.actor == staff.admin and record.after == {"kims": 2, "recipients": 2}

    # Again within 24 hours: refused, nothing sent, nothing recorded.
    again = client.post(nudge, follow=True)
    assert "Pengingat berikutnya dapat dikirim besok" in again.content.decode()
    assert told.count() == 2 and AuditLog.objects.filter(action="info.nudge").count() == 1
    with pytest.raises(ValidationError):
        services.infoitem_nudge(actor=staff.admin, item=published)

    # A day later it may go again; the reach page says how often and when.
    AuditLog.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert services.infoitem_nudge(actor=staff.admin, item=published) == 2
    assert told.count() == 4
    reach = client.get(reverse("dissemination:manage_reach", args=[published.pk]))
    html = reach.content.decode()
    last = AuditLog.objects.filter(action="info.nudge").order_by("-created_at").first()
    with translation.override("id"):
        when = date_filter(timezone.localtime(last.created_at), "j F Y H:i")
    assert f"Diingatkan 2 kali, terakhir {when}." in html


def test_only_who_manages_the_item_may_nudge(staff, published):
    nudge = reverse("dissemination:manage_nudge", args=[published.pk])
    assert client_for(staff.admin_b).post(nudge).status_code == 404
    assert client_for(staff.tenants.a.owner).post(nudge).status_code == 404
    assert not Notification.objects.filter(kind="info.nudge").exists()
