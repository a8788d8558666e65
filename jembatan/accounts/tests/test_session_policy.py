"""Session and password policies: idle and absolute expiry, key rotation, invalidation on a
password change, password validators, and the login lockout."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jembatan.accounts.middleware import LAST_ACTIVITY_KEY
from jembatan.testing.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def test_absolute_session_age_is_twelve_hours_and_not_renewed():
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_idle_timeout_defaults_to_two_hours():
    assert settings.SESSION_IDLE_TIMEOUT == 2 * 60 * 60


def test_activity_is_recorded_and_an_idle_session_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/kelola/").status_code == 200
    assert isinstance(client.session[LAST_ACTIVITY_KEY], int)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/kelola/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_recently_active_session_stays(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/kelola/")
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 120
    session.save()
    assert client.get("/kelola/").status_code == 200
    # ... and the request refreshed the activity time.
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


@override_settings(SESSION_IDLE_TIMEOUT=300)
def test_idle_timeout_follows_the_setting(client):
    client.force_login(UserFactory())
    client.get("/kelola/")
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 301
    session.save()
    assert client.get("/kelola/").status_code == 302


def test_session_key_changes_on_login(client, password):
    user = UserFactory(email="rotasi@example.test")
    client.get(reverse("accounts:login"))
    session = client.session
    session["pre"] = "x"
    session.save()
    before = client.session.session_key
    client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_signs_out_every_other_session(client, password):
    from django.test import Client

    user = UserFactory(email="ganti@example.test")
    other = Client()
    other.force_login(user)
    assert other.get("/kelola/").status_code == 200
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password_reset_confirm", args=[uid, token])
    response = client.get(url)
    response = client.post(
        response.url,
        {"new_password1": "Sungai-Kapuas-2026!", "new_password2": "Sungai-Kapuas-2026!"},
    )
    assert response.status_code == 302
    response = other.get("/kelola/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_setting_a_password_invalidates_existing_sessions(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/kelola/").status_code == 200
    user.set_password("kata-sandi-baru-yang-panjang")
    user.save()
    assert client.get("/kelola/").status_code == 302


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("pendek1!", "terlalu pendek"),  # under 10 characters
        ("password123", "common"),
        ("1234567890123", "numeric"),
        ("sitiaminah99", "similar"),
    ],
)
def test_weak_passwords_are_refused(candidate, reason):
    user = UserFactory.build(email="sitiaminah99@example.test", full_name="Siti Aminah")
    with pytest.raises(ValidationError):
        validate_password(candidate, user=user)


def test_minimum_length_is_ten():
    lengths = [
        v["OPTIONS"]["min_length"]
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert lengths == [10]
    validate_password("Bengkayang-Ledo-7")  # a good one passes


def test_reset_form_refuses_a_weak_password_and_changes_nothing(client):
    user = UserFactory(email="lemah@example.test")
    old_hash = user.password
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    response = client.post(response.url, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old_hash


@override_settings(AXES_FAILURE_LIMIT=2)
def test_login_locks_after_repeated_failures(client, password):
    user = UserFactory(email="kunci@example.test")
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "salah"})
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_limit_counts_the_account_however_it_is_written(db):
    from django.core import mail
    from django.test import Client

    user = UserFactory(email="budi@example.test", phone="081234567891")
    mail.outbox.clear()
    ways = ["budi@example.test", "BUDI@example.test", "081234567891", "+62 812 3456 7891"]
    for i, login in enumerate(ways):
        Client(REMOTE_ADDR=f"10.1.0.{i}").post(reverse("accounts:password_reset"), {"email": login})
    assert len(mail.outbox) == 3
    assert all(m.to == [user.email] for m in mail.outbox)
