"""/kelola/api/open311/: making a key is post/redirect/get, so a reload makes no second
key; the secret is shown once on the page the POST redirects to, then is gone."""

from __future__ import annotations

import pytest

from jembatan.accounts.models import Role
from jembatan.api.models import AggregatorKey
from jembatan.api.services import hash_token
from jembatan.api.views_manage import NEW_AGGREGATOR_KEY
from jembatan.regions.models import Region
from jembatan.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/kelola/api/open311/"


@pytest.fixture
def admin(two_tenants):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=Region.objects.get(code="61.07"))
    return user


def form() -> dict:
    return {"name": "Aplikasi Kota", "kabupaten": "61.07", "per_minute": 30, "per_hour": 900}


def test_creating_a_key_redirects_and_shows_the_secret_exactly_once(client, admin):
    client.force_login(admin)
    posted = client.post(URL, form())
    assert posted.status_code == 302 and posted["Location"] == URL
    assert b"jbk_" not in posted.content
    shown = client.get(URL)
    secret = shown.context["secret"]
    assert secret.startswith("jbk_") and secret in shown.content.decode()
    assert AggregatorKey.objects.get().key_hash == hash_token(secret)
    assert "no-store" in shown["Cache-Control"]
    # Reloading the page: the secret is gone, from the page and from the session.
    again = client.get(URL)
    assert secret not in again.content.decode() and again.context["secret"] is None
    assert NEW_AGGREGATOR_KEY not in client.session
    assert AggregatorKey.objects.count() == 1


def test_a_failed_post_still_answers_on_the_spot(client, admin):
    client.force_login(admin)
    response = client.post(URL, form() | {"name": "   "})
    assert response.status_code == 400
    assert not AggregatorKey.objects.exists()
