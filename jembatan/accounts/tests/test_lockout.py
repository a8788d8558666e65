"""The login lockout (jembatan.accounts.lockout): per account however it is typed, per
address behind the proxy, and an owner who still gets in while an attacker is slowed."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from jembatan.accounts.audit import audit_for
from jembatan.accounts.lockout import login_key, normalise_login
from jembatan.testing.factories import UserFactory

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_limits"),
]


@pytest.fixture
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.PROXY_COUNT = 0


@pytest.fixture
def siti(db):
    return UserFactory(email="siti@example.test", phone="0812-3456-7890")


def attempt(username: str, password: str, *, address: str = "10.0.0.1", **extra):
    return Client(REMOTE_ADDR=address, **extra).post(
        LOGIN, {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url != LOGIN


def test_normalised_login_and_account_key(siti):
    assert normalise_login("  Budi@Example.TEST ") == "budi@example.test"
    assert normalise_login("0813-1111-2222") == normalise_login("+62 813 1111 2222")
    assert normalise_login("0813-1111-2222") == "+6281311112222"
    for spelling in ["SITI@example.test", " siti@example.test ", "62 812-3456-7890"]:
        assert login_key(spelling) == f"user:{siti.pk}"


def test_each_spelling_counts_towards_one_lock(siti, password):
    for spelling in ["Siti@Example.test", "SITI@example.test ", "  081234567890"]:
        attempt(spelling, "salah-sekali")
    response = attempt("+62 812 3456 7890", password)
    assert response.status_code == 429
    assert "15 menit" in response.content.decode()
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {f"user:{siti.pk}"}


def test_an_unknown_login_counts_under_its_normalised_form(db):
    for spelling in ["0813-1111-2222", "+62 813 1111 2222", " 6281311112222"]:
        attempt(spelling, "apa-saja-boleh")
    assert attempt("081311112222", "apa-saja-boleh").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"+6281311112222"}


def test_the_account_count_spans_addresses(siti, password):
    for i in range(3):
        attempt("siti@example.test", "salah-sekali", address=f"10.0.1.{i}")
    # A fourth address, no second factor: the owner waits or resets the password.
    assert attempt("siti@example.test", password, address="10.0.1.9").status_code == 429


def test_one_address_is_refused_after_failures_on_many_accounts(db, password):
    people = [UserFactory(email=f"orang{i}@example.test") for i in range(7)]
    for person in people[:6]:
        attempt(person.email, "salah-sekali", address="10.0.2.1")
    assert attempt(people[6].email, password, address="10.0.2.1").status_code == 429
    assert signed_in(attempt(people[6].email, password, address="10.0.2.2"))


def test_signing_in_to_ones_own_account_does_not_clear_failures_on_others(db, password):
    me, others = UserFactory(email="saya@example.test"), UserFactory(email="lain@example.test")
    for _ in range(2):
        attempt(others.email, "salah-sekali", address="10.0.3.1")
    assert signed_in(attempt(me.email, password, address="10.0.3.1"))
    assert attempt(others.email, "salah-sekali", address="10.0.3.1").status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_the_owner_with_a_second_factor_still_signs_in(siti, password):
    """Everyone reaches the app from nginx's address; the forwarded one tells them apart."""
    TOTPDevice.objects.create(user=siti, name="default", confirmed=True)
    proxy = {"address": "127.0.0.1"}
    for spoofed in ["1.1.1.1", "2.2.2.2", "3.3.3.3"]:  # a forged hop in front: ignored
        attempt(
            "siti@example.test",
            "salah-sekali",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.7",
            **proxy,
        )
    # The attacker's address is refused, even with the right password...
    attacker = attempt("siti@example.test", password, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert attacker.status_code == 429
    # ...while the owner elsewhere signs in with the password and goes on to the code.
    owner = attempt("SITI@example.test", password, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert owner.status_code == 302 and owner.url.startswith(VERIFY)
    # One wrong password from a new address during the lock, and that address is out too.
    attempt("siti@example.test", "salah-lagi", HTTP_X_FORWARDED_FOR="198.51.100.5", **proxy)
    assert (
        attempt(
            "siti@example.test", password, HTTP_X_FORWARDED_FOR="198.51.100.5", **proxy
        ).status_code
        == 429
    )


def test_the_account_lock_caps_even_an_account_with_a_second_factor(siti, password):
    TOTPDevice.objects.create(user=siti, name="default", confirmed=True)
    for i in range(6):
        attempt("siti@example.test", "salah-sekali", address=f"10.0.4.{i}")
    assert attempt("siti@example.test", password, address="10.0.4.99").status_code == 429


def test_a_password_reset_lifts_the_account_lock(siti, password):
    for i in range(3):
        attempt("siti@example.test", "salah-sekali", address=f"10.0.5.{i}")
    owner = Client(REMOTE_ADDR="10.0.5.9")
    uid = urlsafe_base64_encode(force_bytes(siti.pk))
    token = default_token_generator.make_token(siti)
    page = owner.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    new = "kata-sandi-baru-yang-panjang"
    done = owner.post(page.url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert audit_for(siti).filter(action="account.lock_cleared").count() == 1
    assert signed_in(owner.post(LOGIN, {"username": "siti@example.test", "password": new}))
