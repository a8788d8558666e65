"""The office's "Minta tambahan waktu" moves the completion deadline only, to a working
day within the rule's limit, and the citizen reads it as an extension notice; the first
response's deadline stays in the LAPOR! export and on the desk once it is met."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jembatan.aspirations import deadlines, desk, services
from jembatan.aspirations.lapor import lapor_export
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.aspirations.tests.case_world import CaseWorld
from jembatan.core import workdays
from jembatan.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _disposed(world: CaseWorld, *, complete_days: int = 30) -> Aspiration:
    """A referred case in a kabupaten promising completion in ``complete_days``: its
    offices may extend up to the rule's 60 days."""
    Tenant.objects.filter(region_id="61.07").update(complete_days=complete_days)
    workdays.clear_cache()
    case, _created = services.aspiration_submit(
        data={
            "region": world.village,
            "category": world.category,
            "description": "Jalan berlubang di depan SD Negeri 2, RT 03.",
            "visibility": Aspiration.Visibility.ANONYMOUS,
            "reporter_email": "warga@example.test",
        }
    )
    admin = world.users["admin"]
    case = services.aspiration_transition(actor=admin, case=case, action="verify")
    return services.aspiration_transition(
        actor=admin, case=case, action="dispose", office=world.office
    )


def _next_day(after: datetime.date, *, working: bool) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    while workdays.is_working_day(day, kabupaten_code="61.07") != working:
        day += datetime.timedelta(days=1)
    return day


def _extend(world: CaseWorld, case: Aspiration, new_due: datetime.date) -> Aspiration:
    return desk.aspiration_extend(
        actor=world.users["officer"],
        case=case,
        new_due=new_due,
        reason="Menunggu alat berat dari provinsi.",
    )


def test_an_extension_moves_completion_and_never_the_first_response(world):
    case = _disposed(world)
    response_due = case.answer_due
    new_due = _next_day(case.complete_due, working=True)
    case = _extend(world, case, new_due)
    case.refresh_from_db()
    assert case.complete_due == new_due
    assert case.answer_due == response_due == case.response_due
    clocks = {c.name: c.due for c in deadlines.running_clocks(case)}
    assert clocks == {"response": response_due, "complete": new_due}
    data = lapor_export(case, with_reporter=False)
    assert data["batas_waktu"]["respons_pertama"] == response_due.isoformat()
    assert data["batas_waktu"]["penyelesaian"] == new_due.isoformat()


def test_after_the_first_response_the_extension_is_the_live_deadline(world):
    case = _disposed(world)
    case = services.aspiration_transition(actor=world.users["officer"], case=case, action="start")
    new_due = _next_day(case.complete_due, working=True)
    case = _extend(world, case, new_due)
    case.refresh_from_db()
    assert case.answer_due == case.complete_due == new_due
    assert case.response_due is not None and case.response_due < new_due


def test_a_weekend_or_holiday_is_refused(world):
    case = _disposed(world)
    weekend = _next_day(case.complete_due, working=False)
    with pytest.raises(ValidationError) as error:
        _extend(world, case, weekend)
    assert "bukan hari kerja" in error.value.message_dict["new_due"][0]
    case.refresh_from_db()
    assert case.complete_due != weekend


def test_the_rules_limit_is_refused(world):
    case = _disposed(world)
    assert case.complete_limit == case.complete_due + datetime.timedelta(days=30)
    too_late = _next_day(case.complete_limit, working=True)
    with pytest.raises(ValidationError) as error:
        _extend(world, case, too_late)
    assert "60 hari" in error.value.message_dict["new_due"][0]


def test_with_the_rules_sixty_days_no_extension_is_possible(world):
    case = _disposed(world, complete_days=60)
    assert case.complete_limit == case.complete_due
    with pytest.raises(ValidationError):
        _extend(world, case, _next_day(case.complete_due, working=True))


def test_the_citizen_reads_an_extension_notice_not_an_answer(world):
    case = _disposed(world)
    case = _extend(world, case, _next_day(case.complete_due, working=True))
    event = case.events.get(kind=CaseEvent.Kind.EXTENSION)
    assert event.body.startswith("Instansi meminta tambahan waktu sampai")
    page = Client().get(case.get_absolute_url()).content.decode()
    assert 'id="jawaban-terbaru"' not in page
    assert "Jawaban terbaru" not in page
    assert "Instansi meminta tambahan waktu sampai" in page
    data = lapor_export(case, with_reporter=False)
    assert [row["jenis"] for row in data["riwayat"]][-1] == "perpanjang"


def test_the_met_first_response_keeps_its_deadline_in_the_export_and_on_the_desk(client, world):
    case = _disposed(world)
    case = services.aspiration_transition(actor=world.users["officer"], case=case, action="start")
    data = lapor_export(case, with_reporter=False)
    assert data["batas_waktu"]["respons_pertama"] == case.response_due.isoformat()
    assert data["respons_pertama_pada"] == case.first_response_at.isoformat()
    assert case.first_response_on_time is True
    client.force_login(world.users["officer"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert 'id="respons-pertama"' in page
    assert "tepat waktu" in page


def test_the_desk_page_has_unique_ids_with_the_extension_form(client, world):
    case = _disposed(world)
    client.force_login(world.users["officer"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert 'id="perpanjang-new_due"' in page
    assert page.count('id="id_version"') <= 1


def test_a_finished_case_still_shows_whether_the_first_response_was_on_time(client, world):
    case = _disposed(world)
    case = services.aspiration_transition(
        actor=world.users["officer"], case=case, action="finish", body="Jalan sudah diperbaiki."
    )
    assert deadlines.running_clocks(case) == []
    client.force_login(world.users["admin"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert 'id="respons-pertama"' in page and "tepat waktu" in page
