"""Login-variant sweep: every way of writing one account shares one failure counter, in
every place that checks a password or acts on a login.

Places: the sign-in page, the admin sign-in, and password-reset requests (per account).
API tokens are made in the signed-in workspace and the API takes bearer tokens only, so it
checks no password; ``test_the_api_checks_no_password`` keeps that true (a new password
path must join this sweep).
"""

from __future__ import annotations

import itertools

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from jembatan.testing.factories import UserFactory

EMAIL = "siti.aminah@example.test"
EMAIL_SPELLINGS = [
    EMAIL,
    "Siti.Aminah@Example.test",
    "SITI.AMINAH@EXAMPLE.TEST",
    " siti.aminah@example.test",
    "siti.aminah@example.test  ",
    "\tSiti.Aminah@example.TEST ",
]


def phone_spellings(a: str, b: str, c: str) -> list[str]:
    """Ways of writing 0<a><b><c>: 08/+62/62, with spaces, dashes, padding."""
    return [
        f"0{a}{b}{c}",
        f"0{a}-{b}-{c}",
        f"0{a} {b} {c}",
        f"+62{a}{b}{c}",
        f"+62 {a}-{b}-{c}",
        f"62{a}{b}{c}",
        f"62 {a} {b} {c}",
        f" 0{a}{b}{c} ",
    ]


PHONE_SPELLINGS = phone_spellings("812", "3456", "7890")
UNKNOWN_PHONE_SPELLINGS = phone_spellings("813", "9999", "8888")
SPELLINGS = EMAIL_SPELLINGS + PHONE_SPELLINGS
PLACES = {
    "login": reverse("accounts:login"),
    "admin": reverse("admin:login"),
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(password):
    return UserFactory(email=EMAIL, phone="0812-3456-7890", is_staff=True)


def fail(place: str, spelling: str, address: str):
    return Client(REMOTE_ADDR=address).post(
        PLACES[place], {"username": spelling, "password": "bukan-kata-sandinya"}
    )


@pytest.mark.parametrize("place", [*PLACES, "mixed"])
@pytest.mark.parametrize(
    "spellings", [EMAIL_SPELLINGS, PHONE_SPELLINGS, SPELLINGS], ids=["email", "phone", "all"]
)
def test_every_spelling_shares_the_accounts_failure_counter(
    settings, siti, password, place, spellings
):
    """One failure per spelling, each from its own address: the lock comes exactly when
    the account's count reaches the limit, so no spelling was counted on its own."""
    settings.AXES_FAILURE_LIMIT = len(spellings)
    places = itertools.cycle(PLACES) if place == "mixed" else itertools.repeat(place)
    for i, (spelling, where) in enumerate(zip(spellings, places, strict=False)):
        response = fail(where, spelling, f"10.20.{i}.1")
        assert response.status_code == (429 if i == len(spellings) - 1 else 200), spelling
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {f"user:{siti.pk}"}
    for where in PLACES:  # the right password, from an address that never failed
        right = Client(REMOTE_ADDR="10.30.0.1").post(
            PLACES[where], {"username": spellings[0], "password": password}
        )
        assert right.status_code == 429, where


def test_an_unknown_account_counts_under_one_spelling(settings, db):
    settings.AXES_FAILURE_LIMIT = len(UNKNOWN_PHONE_SPELLINGS)
    for i, spelling in enumerate(UNKNOWN_PHONE_SPELLINGS):
        fail("login", spelling, f"10.21.{i}.1")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"+6281399998888"}
    assert fail("admin", "0813 9999 8888", "10.21.99.1").status_code == 429


@pytest.mark.parametrize("spellings", [SPELLINGS, PHONE_SPELLINGS], ids=["all", "phone"])
def test_password_reset_requests_count_per_account(siti, spellings):
    from jembatan.accounts.views import RESET_LIMIT_PER_LOGIN

    mail.outbox.clear()
    statuses = [
        Client(REMOTE_ADDR=f"10.22.{i}.1")
        .post(reverse("accounts:password_reset"), {"email": spelling})
        .status_code
        for i, spelling in enumerate(spellings)
    ]
    assert len(mail.outbox) == RESET_LIMIT_PER_LOGIN
    assert statuses.count(302) == RESET_LIMIT_PER_LOGIN, statuses


def test_password_reset_requests_for_an_unknown_phone_count_together(db):
    from jembatan.accounts.views import RESET_LIMIT_PER_LOGIN

    statuses = [
        Client(REMOTE_ADDR=f"10.23.{i}.1")
        .post(reverse("accounts:password_reset"), {"email": spelling})
        .status_code
        for i, spelling in enumerate(UNKNOWN_PHONE_SPELLINGS)
    ]
    assert statuses.count(302) == RESET_LIMIT_PER_LOGIN, statuses


def test_the_api_checks_no_password():
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "jembatan.api.authentication.BearerTokenAuthentication"
    ]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
