import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jembatan.accounts.models import Membership, Role, User
from jembatan.accounts.phone import normalize_phone
from jembatan.testing.factories import OfficeFactory, UserFactory, region_chain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("(0561) 123456", "+62561123456"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "+1 202 555 0100", "0812abc4567", "08" + "1" * 20])
def test_normalize_phone_rejects_non_indonesian_numbers(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_user_needs_email_or_phone(db):
    with pytest.raises(ValueError):
        User.objects.create_user(password="x" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(full_name="Tanpa kontak")


def test_user_with_phone_only(db):
    user = User.objects.create_user(phone="0812 0000 1111", password="x" * 12, full_name="A")
    assert user.email is None
    assert user.phone == "+6281200001111"


def test_email_unique_ignoring_case(db):
    UserFactory(email="a@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="A@EXAMPLE.TEST", full_name="B")


def test_create_superuser(db):
    admin = User.objects.create_superuser("root@example.test", "x" * 12, full_name="Root")
    assert admin.is_staff and admin.is_superuser


def test_membership_scope_must_match_role(db):
    user = UserFactory()
    kabupaten = region_chain("61.07")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.KABUPATEN_ADMIN)  # no kabupaten
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.OPD_OFFICER, region=kabupaten)  # no office
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.OPERATOR, region=kabupaten)
    Membership.objects.create(user=user, role=Role.KABUPATEN_ADMIN, region=kabupaten)


@pytest.mark.parametrize("scope", ["platform", "region", "office"])
def test_membership_is_unique_per_scope(db, scope):
    user = UserFactory()
    kabupaten = region_chain("61.07")
    office = OfficeFactory(kabupaten=kabupaten)
    kwargs = {
        "platform": {"role": Role.OPERATOR},
        "region": {"role": Role.KABUPATEN_ADMIN, "region": kabupaten},
        "office": {"role": Role.OPD_OFFICER, "region": kabupaten, "office": office},
    }[scope]
    Membership.objects.create(user=user, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, **kwargs)
