"""What every signed-in request reads of its user (the user, the second step's device,
the roles: one round trip on PostgreSQL, accounts.middleware.OTPMiddleware) is read
afresh on each request: a role revoked, a password changed, a device removed or a user
deactivated takes effect on the very next request, for that user only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from jembatan.accounts.models import Membership, Role
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

AUDIT = "/kelola/audit/"  # Diskominfo's (and operators') only


def _verified(user) -> Client:
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admins():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    return first, second


def test_the_sign_in_reads_are_one_round_trip_on_postgresql(admins):
    client = _verified(admins[0])
    client.get("/kelola/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(AUDIT).status_code == 200
    together = [q for q in queries.captured_queries if "accounts_membership" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(together) == 1
        assert "accounts_user" in together[0]["sql"] and "otp_static" in together[0]["sql"]


def test_a_revoked_role_counts_at_once_and_for_that_user_only(admins):
    revoked, kept = (_verified(user) for user in admins)
    assert revoked.get(AUDIT).status_code == 200
    Membership.objects.filter(user=admins[0]).delete()
    assert revoked.get(AUDIT).status_code == 403
    assert kept.get(AUDIT).status_code == 200


def test_a_removed_device_ends_the_second_step_at_once(admins, settings):
    settings.TWO_FACTOR_REQUIRED = True
    removed, kept = (_verified(user) for user in admins)
    assert removed.get(AUDIT).status_code == 200
    StaticDevice.objects.filter(user=admins[0]).delete()
    response = removed.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert kept.get(AUDIT).status_code == 200


def test_a_changed_password_or_a_deactivated_user_signs_out_at_once(admins):
    changed, deactivated = (_verified(user) for user in admins)
    assert changed.get(AUDIT).status_code == 200
    admins[0].set_password("kata-sandi-baru-yang-panjang")
    admins[0].save()
    assert changed.get(AUDIT).status_code == 302  # to the sign-in page
    assert deactivated.get(AUDIT).status_code == 200
    admins[1].is_active = False
    admins[1].save()
    assert deactivated.get(AUDIT).status_code == 302
