"""/kelola/api/open311/: a kabupaten's Diskominfo lists, creates (key shown once) and
revokes the Open311 keys of aggregators; nobody else sees or touches them."""

from __future__ import annotations

import pytest
from django.test import Client

from jembatan.accounts.models import AuditLog, Role
from jembatan.api.models import AggregatorKey
from jembatan.api.services import aggregator_key_create, hash_token
from jembatan.regions.models import Region
from jembatan.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/kelola/api/open311/"


@pytest.fixture
def admins(two_tenants):
    bengkayang = Region.objects.get(code="61.07")
    mempawah = Region.objects.get(code="61.04")
    admin_a, admin_b = UserFactory(full_name="Admin A"), UserFactory(full_name="Admin B")
    MembershipFactory(user=admin_a, role=Role.KABUPATEN_ADMIN, region=bengkayang)
    MembershipFactory(user=admin_b, role=Role.KABUPATEN_ADMIN, region=mempawah)
    return {"a": admin_a, "b": admin_b, "bengkayang": bengkayang, "mempawah": mempawah}


def form(kabupaten: Region, **extra) -> dict:
    return {
        "name": "Aplikasi Bengkayang Kita",
        "kabupaten": kabupaten.code,
        "per_minute": 30,
        "per_hour": 900,
    } | extra


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_only_kabupaten_admins_may_open_it(client, two_tenants, admins):
    for user in (two_tenants.a.outsider, two_tenants.a.member, two_tenants.a.owner):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, form(admins["bengkayang"])).status_code == 403
        assert URL not in client.get("/kelola/").content.decode()
    assert not AggregatorKey.objects.exists()
    client.force_login(admins["a"])
    assert URL in client.get("/kelola/").content.decode()


def test_create_shows_the_key_once_and_writes_an_audit_row(client, admins):
    client.force_login(admins["a"])
    posted = client.post(URL, form(admins["bengkayang"]))
    assert posted.status_code == 302  # post/redirect/get (test_aggregator_keys_prg.py)
    response = client.get(posted["Location"])
    secret = response.context["secret"]
    assert secret.startswith("jbk_") and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    key = AggregatorKey.objects.get()
    assert (key.name, key.kabupaten, key.per_minute, key.per_hour, key.created_by) == (
        "Aplikasi Bengkayang Kita",
        admins["bengkayang"],
        30,
        900,
        admins["a"],
    )
    assert key.key_hash == hash_token(secret) and secret not in key.key_prefix + key.key_hash
    row = AuditLog.objects.get(action="api_aggregator_key.create")
    assert row.actor == admins["a"] and secret not in str(row.after)
    # Never again: the list shows the prefix only.
    page = client.get(URL).content.decode()
    assert secret not in page and key.key_prefix in page


def test_an_admin_may_not_make_a_key_for_another_kabupaten(client, admins):
    client.force_login(admins["a"])
    response = client.post(URL, form(admins["mempawah"]))
    assert response.status_code == 400  # not among the form's choices
    assert not AggregatorKey.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"per_hour": 10, "per_minute": 20}, "per_hour"), ({"name": "   "}, "name")],
)
def test_bad_limits_or_names_are_refused(client, admins, change, field):
    client.force_login(admins["a"])
    response = client.post(URL, form(admins["bengkayang"], **change))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not AggregatorKey.objects.exists()


def test_each_admin_sees_and_revokes_only_their_kabupatens_keys(client, admins):
    mine, _ = aggregator_key_create(
        actor=admins["a"],
        kabupaten=admins["bengkayang"],
        name="Kota A",
        per_minute=5,
        per_hour=50,
    )
    theirs, _ = aggregator_key_create(
        actor=admins["b"],
        kabupaten=admins["mempawah"],
        name="Kota B",
        per_minute=5,
        per_hour=50,
    )
    client.force_login(admins["a"])
    page = client.get(URL).content.decode()
    assert "Kota A" in page and "Kota B" not in page
    assert client.post(f"{URL}{theirs.pk}/cabut/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/cabut/").status_code == 405
    response = client.post(f"{URL}{mine.pk}/cabut/")
    assert response.status_code == 302 and response["Location"] == URL
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.is_active, theirs.is_active) == (False, True)
    assert mine.revoked_at is not None
    assert AuditLog.objects.filter(action="api_aggregator_key.revoke").count() == 1
    # Revoking twice changes nothing and writes no second row.
    client.post(f"{URL}{mine.pk}/cabut/")
    assert AuditLog.objects.filter(action="api_aggregator_key.revoke").count() == 1


def test_the_revoke_needs_the_csrf_token(admins):
    key, _ = aggregator_key_create(
        actor=admins["a"],
        kabupaten=admins["bengkayang"],
        name="Kota",
        per_minute=5,
        per_hour=50,
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admins["a"])
    assert browser.post(f"{URL}{key.pk}/cabut/").status_code == 403
    key.refresh_from_db()
    assert key.is_active
