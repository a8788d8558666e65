"""Diskominfo's aspiration categories are written by services, each with its audit row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog, Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Category
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory()
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=office)
    return {"kabupaten": kabupaten, "office": office, "admin": admin, "officer": officer}


DATA = {"name": "Sampah", "verify_days": 2, "answer_days": 7, "is_active": True}


def test_create_writes_the_category_and_its_audit_row(world):
    category = services.category_create(
        actor=world["admin"], kabupaten=world["kabupaten"], data=DATA | {"office": world["office"]}
    )
    assert (category.kabupaten_id, category.office_id, category.answer_days) == (
        "61.07",
        world["office"].pk,
        7,
    )
    row = audit_for(category).get()
    assert row.action == "aspiration_category.create" and row.actor == world["admin"]
    assert row.after["office"] == world["office"].pk and row.before is None


def test_update_records_the_stored_values_before_and_only_what_changed(world):
    category = services.category_create(
        actor=world["admin"], kabupaten=world["kabupaten"], data=DATA
    )
    # The caller's copy already carries the new values (as a bound ModelForm leaves it).
    category.answer_days = 10
    services.category_update(
        actor=world["admin"], category=category, data=DATA | {"answer_days": 10}
    )
    row = audit_for(category).filter(action="aspiration_category.update").get()
    assert row.before == {"answer_days": 7} and row.after == {"answer_days": 10}
    assert Category.objects.get(pk=category.pk).answer_days == 10
    # Saving the same values again changes nothing and writes nothing.
    services.category_update(
        actor=world["admin"], category=category, data=DATA | {"answer_days": 10}
    )
    assert audit_for(category).filter(action="aspiration_category.update").count() == 1


def test_only_the_kabupatens_diskominfo_may_write_categories(world):
    with pytest.raises(PermissionDenied):
        services.category_create(actor=world["officer"], kabupaten=world["kabupaten"], data=DATA)
    other = region_chain("61.04")
    with pytest.raises(PermissionDenied):
        services.category_create(actor=world["admin"], kabupaten=other, data=DATA)
    assert not Category.objects.exists() and not AuditLog.objects.exists()


def test_a_taken_name_or_another_kabupatens_office_is_refused(world):
    services.category_create(actor=world["admin"], kabupaten=world["kabupaten"], data=DATA)
    with pytest.raises(ValidationError) as taken:
        services.category_create(
            actor=world["admin"], kabupaten=world["kabupaten"], data=DATA | {"name": "sampah"}
        )
    assert "name" in taken.value.message_dict
    foreign = OfficeFactory(kabupaten=region_chain("61.04"), name="Dinas Lain")
    with pytest.raises(ValidationError) as office:
        services.category_create(
            actor=world["admin"],
            kabupaten=world["kabupaten"],
            data=DATA | {"name": "Air", "office": foreign},
        )
    assert "office" in office.value.message_dict
    assert Category.objects.count() == 1
