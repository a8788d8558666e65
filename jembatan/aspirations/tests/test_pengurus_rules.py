"""KIM pengurus and cases (issue 23, item 10): a pengurus records for a neighbour, adds
local context (internal notes) and flags a likely duplicate or spam; they no longer
verify or close. Diskominfo is notified of each flag, sees a marker and a count, and
confirms it (the case is closed, the citizen told) or dismisses it; the pengurus hears
the outcome."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification
from jembatan.aspirations import services
from jembatan.aspirations.access import get_open_flags_for_user
from jembatan.aspirations.models import Aspiration, CaseEvent, CaseFlag, Status
from jembatan.aspirations.tests.roles_world import build_place, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(two_tenants):
    return build_place(two_tenants)


def _page(case) -> str:
    return f"/kelola/aspirasi/{case.code}/"


def test_a_ketua_can_no_longer_verify_or_close(place):
    case = place.submit()
    assert services.actions_for_user(place.ketua, case) == []
    client = signed_in(place.ketua)
    page = client.get(_page(case)).content.decode()
    assert 'name="action"' not in page and "Tutup aspirasi" not in page
    for data in ({"action": "verify"}, {"action": "close", "reason": "spam"}):
        assert client.post(f"{_page(case)}tindakan/", data).status_code == 403
    for action, extra in (("verify", {}), ("close", {"reason": "spam"})):
        with pytest.raises(PermissionDenied):
            services.aspiration_transition(actor=place.ketua, case=case, action=action, **extra)
    assert Aspiration.objects.get(pk=case.pk).status == Status.RECEIVED
    assert not audit_for(case).filter(action__in=["aspiration.verify", "aspiration.close"])


def test_a_ketua_adds_local_context_as_an_internal_note_only(place):
    case = place.submit()
    client = signed_in(place.ketua)
    response = client.post(
        f"{_page(case)}tulis/", {"body": "Lubangnya sudah ada sejak Juni.", "public": "on"}
    )
    assert response.status_code == 302
    note = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert (note.is_public, note.actor) == (False, place.ketua)
    with pytest.raises(PermissionDenied):
        services.aspiration_comment(actor=place.ketua, case=case, body="Jawaban", public=True)
    # Staff read it on the case.
    assert "sejak Juni" in signed_in(place.admin).get(_page(case)).content.decode()


def test_a_ketua_flags_and_diskominfo_is_told_and_sees_it(place):
    case = place.submit()
    client = signed_in(place.ketua)
    assert "Tandai untuk Diskominfo" in client.get(_page(case)).content.decode()
    response = client.post(
        f"{_page(case)}tandai/",
        {"tanda-reason": "duplikat", "tanda-note": "Sama dengan laporan Pak RT minggu lalu."},
    )
    assert response.status_code == 302
    flag = CaseFlag.objects.get()
    assert (flag.aspiration, flag.reason, flag.flagged_by, flag.outcome) == (
        case,
        "duplikat",
        place.ketua,
        "",
    )
    # The case itself has not moved: a flag is not a closure.
    assert Aspiration.objects.get(pk=case.pk).status == Status.RECEIVED
    event = case.events.get(kind=CaseEvent.Kind.FLAG)
    assert not event.is_public
    assert audit_for(case).filter(action="aspiration.flag", actor=place.ketua).exists()
    told = Notification.objects.get(kind="aspiration.flagged")
    assert (told.recipient, told.url) == (place.admin, _page(case))
    # A second flag waits for the first to be decided.
    with pytest.raises(ValidationError):
        services.aspiration_flag(actor=place.ketua, case=case, reason="spam")
    assert CaseFlag.objects.count() == 1

    admin = signed_in(place.admin)
    queue = admin.get("/kelola/aspirasi/").content.decode()
    assert "1 tanda dari KIM" in queue
    flags = admin.get("/kelola/aspirasi/tanda-kim/")
    assert flags.status_code == 200
    assert services.display_code(case.code) in flags.content.decode()
    detail = admin.get(_page(case)).content.decode()
    assert "Konfirmasi dan tutup aspirasi" in detail and "Pak RT" in detail


def test_diskominfo_confirms_a_flag_and_the_case_is_closed(place):
    case = place.submit()
    services.aspiration_flag(actor=place.ketua, case=case, reason="spam")
    response = signed_in(place.admin).post(
        f"{_page(case)}tanda/", {"decision": "konfirmasi", "body": "Isinya iklan."}
    )
    assert response.status_code == 302
    stored = Aspiration.objects.get(pk=case.pk)
    assert (stored.status, stored.close_reason) == (Status.CLOSED, "spam")
    flag = CaseFlag.objects.get()
    assert (flag.outcome, flag.resolved_by) == (CaseFlag.Outcome.CONFIRMED, place.admin)
    closing = stored.events.get(kind=CaseEvent.Kind.STATUS, to_status=Status.CLOSED)
    assert (closing.actor, closing.is_public, closing.body) == (place.admin, True, "Isinya iklan.")
    assert audit_for(case).filter(action="aspiration.close", actor=place.admin).exists()
    assert audit_for(case).filter(action="aspiration.flag_confirm").exists()
    told = Notification.objects.get(kind="aspiration.flag_resolved")
    assert told.recipient == place.ketua
    assert not get_open_flags_for_user(place.admin).exists()


def test_diskominfo_dismisses_a_flag_and_the_case_goes_on(place):
    case = place.submit()
    services.aspiration_flag(actor=place.ketua, case=case, reason="duplikat")
    signed_in(place.admin).post(f"{_page(case)}tanda/", {"decision": "tolak", "body": "Beda RT."})
    assert Aspiration.objects.get(pk=case.pk).status == Status.RECEIVED
    assert CaseFlag.objects.get().outcome == CaseFlag.Outcome.DISMISSED
    assert audit_for(case).filter(action="aspiration.flag_dismiss").exists()
    assert Notification.objects.get(kind="aspiration.flag_resolved").recipient == place.ketua
    assert "tanda dari KIM" not in signed_in(place.admin).get("/kelola/aspirasi/").content.decode()
    # Decided: the pengurus may flag it again if something new turns up.
    assert services.may_flag(place.ketua, case)


def test_only_pengurus_flag_and_only_diskominfo_decide(place):
    case = place.submit()
    with pytest.raises(PermissionDenied):
        services.aspiration_flag(actor=place.member, case=case, reason="spam")  # anggota
    assert (
        signed_in(place.camat).post(f"{_page(case)}tandai/", {"tanda-reason": "spam"}).status_code
        == 403
    )
    services.aspiration_flag(actor=place.ketua, case=case, reason="spam")
    for who in (place.ketua, place.camat, place.officer):
        with pytest.raises(PermissionDenied):
            services.aspiration_flag_resolve(actor=who, case=case, confirm=True)
    assert (
        signed_in(place.ketua).post(f"{_page(case)}tanda/", {"decision": "konfirmasi"}).status_code
        == 403
    )
    assert signed_in(place.ketua).get("/kelola/aspirasi/tanda-kim/").status_code == 403
    assert CaseFlag.objects.get().outcome == ""
    assert Aspiration.objects.get(pk=case.pk).status == Status.RECEIVED
    # A case already with an office is past flagging.
    referred = place.referred()
    assert not services.may_flag(place.ketua, referred)
    with pytest.raises(ValidationError):
        services.aspiration_flag(actor=place.ketua, case=referred, reason="spam")
