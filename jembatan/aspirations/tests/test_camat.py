"""The camat takes part (issue 23, item 9): sees the kecamatan's cases on the desk
(never a confidential one, never the reporter's identity), is told of overdue cases
(one digest mail when there are many), adds internal notes and nudges the office once a
day per case, and changes nothing else: status, office and deadlines stay staff's."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, CaseEvent, Status
from jembatan.aspirations.tests.roles_world import build_place, signed_in
from jembatan.core import workdays

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holidays():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def place(two_tenants):
    return build_place(two_tenants)


def _page(case) -> str:
    return f"/kelola/aspirasi/{case.code}/"


def test_the_camat_sees_the_kecamatans_desk_without_the_reporter_or_secrets(place):
    case = place.submit()
    secret = place.submit(visibility=Aspiration.Visibility.CONFIDENTIAL)
    client = signed_in(place.camat)
    queue = client.get("/kelola/aspirasi/").content.decode()
    assert services.display_code(case.code)[:4] in queue
    assert secret.code[:4] not in queue
    page = client.get(_page(case))
    assert page.status_code == 200
    assert "Budi Santoso" not in page.content.decode()
    assert "+6281234567890" not in page.content.decode()
    assert client.get(_page(secret)).status_code == 404
    # The camat of another kecamatan sees neither.
    assert signed_in(place.other_camat).get(_page(case)).status_code == 404


def test_the_camat_is_told_of_overdue_cases_of_the_kecamatan_only(place):
    case = place.referred()
    secret = place.referred(visibility=Aspiration.Visibility.CONFIDENTIAL)
    later = case.answer_due + datetime.timedelta(days=1)
    assert services.escalate_overdue(today=later) == 2
    told = Notification.objects.filter(kind="aspiration.overdue", recipient=place.camat)
    assert list(told.values_list("params__code", flat=True)) == [services.display_code(case.code)]
    assert told.get().url == _page(case)
    assert not Notification.objects.filter(recipient=place.other_camat).exists()
    # The confidential case still reaches Diskominfo and the office.
    codes = Notification.objects.filter(recipient=place.admin).values_list(
        "params__code", flat=True
    )
    assert services.display_code(secret.code) in set(codes)


def test_many_overdue_cases_reach_the_camat_as_one_digest_mail(
    place, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DIGEST_AFTER = 2
    cases = [place.submit() for _ in range(3)]
    later = cases[0].verify_due + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_overdue(today=later)
    to_camat = [m for m in mail.outbox if m.to == [place.camat.email]]
    assert len(to_camat) == 1
    for case in cases:
        assert _page(case) in to_camat[0].body


def test_the_camat_adds_an_internal_note_never_a_public_answer(place):
    case = place.referred()
    client = signed_in(place.camat)
    # Even with the "public" box forged into the form, a camat's words stay internal.
    response = client.post(
        f"{_page(case)}tulis/", {"body": "Warga sekitar mengeluh lagi kemarin.", "public": "on"}
    )
    assert response.status_code == 302
    note = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert (note.is_public, note.actor, note.body) == (
        False,
        place.camat,
        "Warga sekitar mengeluh lagi kemarin.",
    )
    assert audit_for(case).filter(action="aspiration.catatan", actor=place.camat).exists()
    with pytest.raises(PermissionDenied):
        services.aspiration_comment(actor=place.camat, case=case, body="Jawaban", public=True)
    assert not case.events.filter(kind=CaseEvent.Kind.ANSWER).exists()
    # The citizen's page shows nothing of it.
    assert (
        "mengeluh lagi" not in signed_in(place.member).get(case.get_absolute_url()).content.decode()
    )


def test_a_nudge_tells_the_office_once_a_day(place):
    case = place.referred()
    client = signed_in(place.camat)
    assert "Dorong instansi" in client.get(_page(case)).content.decode()
    response = client.post(f"{_page(case)}dorong/", {"dorong-body": "Mohon dipercepat."})
    assert response.status_code == 302
    nudged = Notification.objects.filter(kind="aspiration.nudged")
    assert list(nudged.values_list("recipient", flat=True)) == [place.officer.pk]
    assert "Mohon dipercepat." in nudged.get().params["note"]
    event = case.events.get(kind=CaseEvent.Kind.NUDGE)
    assert (event.is_public, event.actor, event.office) == (False, place.camat, place.office)
    assert audit_for(case).filter(action="aspiration.nudge", actor=place.camat).count() == 1

    # The same day: refused, nothing more sent or recorded, and the camat is told why.
    again = client.post(f"{_page(case)}dorong/", {"dorong-body": "Lagi."}, follow=True)
    assert "24 jam" in again.content.decode()
    assert nudged.count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.NUDGE).count() == 1
    assert audit_for(case).filter(action="aspiration.nudge").count() == 1

    # A day later it may go again.
    CaseEvent.objects.filter(pk=event.pk).update(
        created_at=event.created_at - datetime.timedelta(hours=25)
    )
    services.aspiration_nudge(actor=place.camat, case=case)
    assert nudged.count() == 2


def test_before_referral_a_nudge_goes_to_diskominfo(place):
    case = place.submit()
    services.aspiration_nudge(actor=place.camat, case=case, body="")
    assert list(
        Notification.objects.filter(kind="aspiration.nudged").values_list("recipient", flat=True)
    ) == [place.admin.pk]


def test_only_the_camat_of_the_kecamatan_nudges_an_open_case(place):
    case = place.referred()
    with pytest.raises(PermissionDenied):
        services.aspiration_nudge(actor=place.ketua, case=case)
    assert signed_in(place.other_camat).post(f"{_page(case)}dorong/").status_code == 404
    closed = services.aspiration_transition(
        actor=place.admin, case=place.submit(), action="close", reason=Aspiration.CloseReason.SPAM
    )
    assert not services.may_nudge(place.camat, closed)
    with pytest.raises(ValidationError):
        services.aspiration_nudge(actor=place.camat, case=closed)
    assert not Notification.objects.filter(kind="aspiration.nudged").exists()


def test_the_camat_cannot_change_status_office_or_deadline(place):
    case = place.submit()
    assert services.actions_for_user(place.camat, case) == []
    client = signed_in(place.camat)
    page = client.get(_page(case)).content.decode()
    assert 'name="action"' not in page
    for data in (
        {"action": "verify"},
        {"action": "close", "reason": Aspiration.CloseReason.SPAM},
    ):
        assert client.post(f"{_page(case)}tindakan/", data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.aspiration_transition(actor=place.camat, case=case, action="verify")
    referred = place.referred()
    response = client.post(
        f"{_page(referred)}perpanjang/",
        {
            "new_due": (referred.answer_due + datetime.timedelta(days=5)).isoformat(),
            "reason": "x" * 10,
        },
    )
    assert response.status_code == 403
    assert client.post(f"{_page(referred)}ambil/").status_code == 403
    fresh = Aspiration.objects.get(pk=referred.pk)
    assert (fresh.status, fresh.office, fresh.answer_due, fresh.assignee) == (
        Status.DISPOSED,
        place.office,
        referred.answer_due,
        None,
    )
    assert Aspiration.objects.get(pk=case.pk).status == Status.RECEIVED
