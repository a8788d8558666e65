"""/kelola/api/: a user lists, creates (secret shown once) and revokes their tokens."""

from __future__ import annotations

import pytest

from jembatan.accounts.models import AuditLog
from jembatan.api.models import ApiToken
from jembatan.api.services import MAX_ACTIVE_TOKENS, hash_token
from jembatan.api.tests.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

URL = "/kelola/api/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_user_without_role_is_refused(client, two_tenants):
    client.force_login(two_tenants.a.outsider)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "x", "days": 30}).status_code == 403
    assert not ApiToken.objects.exists()


def test_workspace_links_to_tokens_for_members_only(client, two_tenants):
    client.force_login(two_tenants.a.member)
    assert URL in client.get("/kelola/").content.decode()
    client.force_login(two_tenants.a.outsider)
    assert URL not in client.get("/kelola/").content.decode()


def test_create_shows_the_secret_once_and_it_works(client, client_api, two_tenants):
    client.force_login(two_tenants.a.member)
    response = client.post(URL, {"name": "Aplikasi SMS desa", "days": 30}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    secret = response.context["secret"]
    assert secret.startswith("jbt_") and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_hash) == (
        two_tenants.a.member,
        "Aplikasi SMS desa",
        hash_token(secret),
    )
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert AuditLog.objects.filter(action="api_token.create", actor=two_tenants.a.member).exists()
    listing = client.get(URL).content.decode()
    assert "Aplikasi SMS desa" in listing and token.key_prefix in listing
    assert secret not in listing  # never shown again
    assert client_api.get("/api/v1/kim/", **bearer(secret)).status_code == 200


@pytest.mark.parametrize("days", [0, 366, "x"])
def test_expiry_is_required_and_at_most_a_year(client, two_tenants, days):
    client.force_login(two_tenants.a.member)
    response = client.post(URL, {"name": "Aplikasi", "days": days})
    assert response.status_code == 400
    assert "days" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_at_most_ten_active_tokens(client, two_tenants):
    for _ in range(MAX_ACTIVE_TOKENS):
        make_token(two_tenants.a.member)
    client.force_login(two_tenants.a.member)
    response = client.post(URL, {"name": "Satu lagi", "days": 30})
    assert response.status_code == 400
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_revoke_own_token_only(client, client_api, two_tenants):
    token, secret = make_token(two_tenants.a.member)
    client.force_login(two_tenants.a.owner)
    assert client.post(f"{URL}{token.pk}/cabut/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(two_tenants.a.member)
    assert client.get(f"{URL}{token.pk}/cabut/").status_code == 405
    response = client.post(f"{URL}{token.pk}/cabut/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="api_token.revoke", actor=two_tenants.a.member).exists()
    assert "dicabut" in client.get(URL).content.decode()
    assert client_api.get("/api/v1/kim/", **bearer(secret)).status_code == 401
