"""The Django admin never shows a tenant's secrets (they are set in the workspace only)."""

import pytest
from django.test import Client

from jembatan.tenants.models import Tenant
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_change_page_shows_no_secret():
    tenant = Tenant.objects.get(region_id="61.07")
    tenant.webhook_secret = "rahasia-webhook-jangan-tampil"
    tenant.sms_gateway_secret = "rahasia-sms-jangan-tampil"
    tenant.save()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/tenants/tenant/{tenant.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Jembatan Kabupaten Bengkayang" in body
    assert "rahasia-webhook-jangan-tampil" not in body
    assert "rahasia-sms-jangan-tampil" not in body
