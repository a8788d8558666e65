import pytest
from django.test import override_settings
from django.urls import reverse

from jembatan.accounts.models import User
from jembatan.testing.factories import UserFactory

LOGIN = reverse("accounts:login")


@pytest.fixture
def person(db, password) -> User:
    return UserFactory(email="Siti@Example.test", phone="0812-3456-7890", full_name="Siti Aminah")


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_user_email_is_stored_lowercase_and_phone_canonical(person):
    person.refresh_from_db()
    assert person.email == "siti@example.test"
    assert person.phone == "+6281234567890"


@pytest.mark.parametrize(
    "username",
    [
        "siti@example.test",
        "SITI@example.TEST",
        "081234567890",
        "+62 812 3456 7890",
        "62812-3456-7890",
    ],
)
def test_login_by_email_or_phone(client, person, password, username):
    response = login(client, username, password)
    assert response.status_code == 302
    assert response.url == reverse("workspace:home")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_wrong_password_shows_clear_error_and_does_not_log_in(client, person):
    response = login(client, "siti@example.test", "salah-sekali")
    assert response.status_code == 200
    assert "Email/nomor HP atau kata sandi salah." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_login_gives_the_same_error(client, db):
    response = login(client, "nobody@example.test", "whatever-password")
    assert "Email/nomor HP atau kata sandi salah." in response.content.decode()


def test_inactive_user_cannot_log_in(client, person, password):
    person.is_active = False
    person.save(update_fields=["is_active"])
    login(client, "siti@example.test", password)
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(client, person, password):
    for _ in range(3):
        login(client, "siti@example.test", "salah-sekali")
    response = login(client, "siti@example.test", password)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_account_not_global(client, person, password):
    other = UserFactory(email="budi@example.test")
    for _ in range(3):
        login(client, "siti@example.test", "salah-sekali")
    response = login(client, other.email, password)
    assert response.status_code == 302


def test_demo_account_logs_in_only_when_debug_is_on(client, person, password):
    person.is_demo = True
    person.save(update_fields=["is_demo"])
    with override_settings(DEBUG=False):
        login(client, "siti@example.test", password)
        assert "_auth_user_id" not in client.session
    with override_settings(DEBUG=True):
        assert login(client, "siti@example.test", password).status_code == 302


def test_demo_session_dies_when_debug_is_off(client, person, password):
    person.is_demo = True
    person.save(update_fields=["is_demo"])
    with override_settings(DEBUG=True):
        login(client, "siti@example.test", password)
    with override_settings(DEBUG=False):
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_logout_requires_post(client, person, password):
    login(client, "siti@example.test", password)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_workspace_requires_login(client, db):
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
