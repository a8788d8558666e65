"""/kelola/api/: making a personal token is post/redirect/get, like an aggregator key: a
reload of the answer makes no second token; the secret is shown once, then is gone."""

from __future__ import annotations

import pytest

from jembatan.api.models import ApiToken
from jembatan.api.services import hash_token

pytestmark = pytest.mark.django_db

URL = "/kelola/api/"


def test_creating_a_token_redirects_and_shows_the_secret_exactly_once(client, two_tenants):
    client.force_login(two_tenants.a.member)
    posted = client.post(URL, {"name": "Aplikasi SMS desa", "days": 30})
    assert posted.status_code == 302 and posted["Location"] == URL
    assert b"jbt_" not in posted.content
    shown = client.get(URL)
    secret = shown.context["secret"]
    assert secret.startswith("jbt_") and secret in shown.content.decode()
    assert ApiToken.objects.get().key_hash == hash_token(secret)
    assert "no-store" in shown["Cache-Control"]
    # Reloading the page: the secret is gone, from the page and from the session, and
    # no second token was made.
    again = client.get(URL)
    assert secret not in again.content.decode() and again.context["secret"] is None
    assert not any(value == secret for value in client.session.values())
    assert ApiToken.objects.count() == 1


def test_a_failed_post_still_answers_on_the_spot(client, two_tenants):
    client.force_login(two_tenants.a.member)
    response = client.post(URL, {"name": "   ", "days": 30})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()
