"""A KIM registered after an item was published still receives it when it is targeted."""

import datetime

import pytest
from django.utils import timezone

from jembatan.accounts.models import Role
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.testing.factories import KimFactory, MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


def _published(staff, django_capture_on_commit_callbacks, **data) -> InfoItem:
    area = get_publishing_areas_for_user(staff)[0]
    values = {"title": "Vaksinasi", "summary": "Ringkas", "body": "Isi"} | data
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_create(actor=staff, area_key=area.key, data=values)
        services.item_publish(actor=staff, item=item)
    return item


@pytest.fixture
def staff(two_tenants):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user


def test_a_new_kim_in_the_area_gets_current_items(staff, django_capture_on_commit_callbacks):
    item = _published(staff, django_capture_on_commit_callbacks)
    assert InfoItem.objects.get(pk=item.pk).targeted_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        late = KimFactory(name="KIM Baru", region=region_chain("61.07.04.2003", "Tirta Kencana"))
    assert Delivery.objects.filter(item=item, kim=late).exists()
    assert InfoItem.objects.get(pk=item.pk).targeted_count == 2


def test_a_new_kim_elsewhere_or_after_expiry_gets_nothing(
    staff, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    expired = _published(
        staff,
        django_capture_on_commit_callbacks,
        valid_from=yesterday - datetime.timedelta(days=5),
        valid_until=yesterday,
    )
    current = _published(staff, django_capture_on_commit_callbacks, title="Lain")
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = KimFactory(name="KIM Jauh", region=region_chain("61.04.05.2002", "Jauh"))
        inside = KimFactory(name="KIM Dekat", region=region_chain("61.07.04.2003", "Dekat"))
    assert not Delivery.objects.filter(kim=elsewhere).exists()
    assert not Delivery.objects.filter(item=expired, kim=inside).exists()
    assert Delivery.objects.filter(item=current, kim=inside).exists()


def test_a_beacon_from_another_site_is_not_counted(
    client, staff, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    item = _published(staff, django_capture_on_commit_callbacks)
    phone = "Mozilla/5.0 (Linux; Android 10) Chrome/120 Mobile"
    client.post(
        "/s/lihat", {"item": item.pk}, HTTP_USER_AGENT=phone, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert InfoItem.objects.get(pk=item.pk).view_count == 0
    client.post(
        "/s/lihat", {"item": item.pk}, HTTP_USER_AGENT=phone, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert InfoItem.objects.get(pk=item.pk).view_count == 1
