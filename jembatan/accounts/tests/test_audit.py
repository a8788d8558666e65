import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from jembatan.accounts.audit import audit_for, audit_record, snapshot
from jembatan.accounts.models import AuditLog
from jembatan.testing.factories import KimFactory, UserFactory


@pytest.mark.django_db
def test_audit_record_keeps_who_what_when_before_after():
    actor = UserFactory()
    kim = KimFactory()
    before = snapshot(kim, ["name", "region", "is_active"])
    kim.name = "KIM Baru"
    kim.is_active = False
    kim.save(update_fields=["name", "is_active"])
    row = audit_record(
        actor=actor,
        action="kim.update",
        target=kim,
        before=before,
        after=snapshot(kim, ["name", "region", "is_active"]),
    )
    row.refresh_from_db()
    assert row.actor == actor
    assert row.action == "kim.update"
    assert row.before == {"name": before["name"], "region": kim.region_id, "is_active": True}
    assert row.after == {"name": "KIM Baru", "region": kim.region_id, "is_active": False}
    assert row.target_repr == "KIM Baru"
    assert list(audit_for(kim)) == [row]


@pytest.mark.django_db
def test_audit_record_serialises_dates_and_accepts_anonymous_actor():
    kim = KimFactory()
    row = audit_record(
        actor=AnonymousUser(),
        action="kim.verify",
        target=kim,
        after={"verified_at": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)},
    )
    row.refresh_from_db()
    assert row.actor is None
    assert row.after == {"verified_at": "2026-01-02T03:04:00+00:00"}


@pytest.mark.django_db
def test_audit_rows_of_other_objects_are_not_mixed():
    a, b = KimFactory(), KimFactory()
    audit_record(actor=None, action="x", target=a)
    assert audit_for(b).count() == 0
    assert AuditLog.objects.count() == 1


def test_a_snapshot_takes_file_fields_empty_or_not():
    from jembatan.aspirations.models import AspirationPhoto

    photo = AspirationPhoto(width=1, height=1)
    assert snapshot(photo, ["file", "width"]) == {"file": None, "width": 1}
    photo.file.name = "aspirasi/2026/11/a.jpg"
    assert snapshot(photo, ["file"]) == {"file": "aspirasi/2026/11/a.jpg"}
