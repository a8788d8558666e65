"""Aspiration services: intake, tracking codes, deadlines, the workflow and the citizen's part."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, AspirationPhoto, CaseEvent, Status
from jembatan.aspirations.tests.case_world import CaseWorld
from jembatan.core import workdays
from jembatan.core.models import Holiday
from jembatan.core.workdays import add_working_days

pytestmark = pytest.mark.django_db

DESCRIPTION = "Jalan berlubang di depan SD Negeri 2, RT 03."


@pytest.fixture(autouse=True)
def _fresh_holidays():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def intake(world: CaseWorld, **extra) -> dict:
    return {
        "region": world.village,
        "category": world.category,
        "description": DESCRIPTION,
        "visibility": Aspiration.Visibility.ANONYMOUS,
        "reporter_name": "Budi Santoso",
        "reporter_phone": "0812-3456-7890",
    } | extra


def submit(world: CaseWorld, **extra) -> Aspiration:
    case, created = services.aspiration_submit(data=intake(world, **extra))
    assert created
    return case


def advance(world: CaseWorld, case: Aspiration, to: str) -> Aspiration:
    """Walk a new case along the happy path up to a status."""
    admin, officer = world.users["admin"], world.users["officer"]
    path = [
        (Status.VERIFIED, {"action": "verify", "actor": admin}),
        (Status.DISPOSED, {"action": "dispose", "actor": admin, "office": world.office}),
        (Status.IN_PROGRESS, {"action": "start", "actor": officer}),
        (Status.DONE, {"action": "finish", "actor": officer, "body": "Sudah ditambal."}),
    ]
    if to == Status.RECEIVED:
        return case
    if to == Status.CLOSED:
        return services.aspiration_transition(
            actor=admin, case=case, action="close", reason=Aspiration.CloseReason.DUPLICATE
        )
    for status, step in path:
        case = services.aspiration_transition(case=case, **step)
        if status == to:
            return case
    raise AssertionError(to)


def nothing_submitted() -> bool:
    return (
        not Aspiration.objects.exists()
        and not CaseEvent.objects.exists()
        and not AspirationPhoto.objects.exists()
        and not AuditLog.objects.filter(action__startswith="aspiration.").exists()
    )


def footprint(case: Aspiration) -> tuple:
    """Everything a refused step must leave as it was."""
    case = Aspiration.objects.get(pk=case.pk)
    return (
        case.status,
        case.office_id,
        case.close_reason,
        case.answer_due,
        case.citizen_confirmed,
        case.rating,
        case.events.count(),
        audit_for(case).count(),
    )


# --- Intake -----------------------------------------------------------------------------


def test_a_valid_submission_is_stored_with_a_received_event_and_an_audit_row(world):
    case = submit(world, reporter_email=" Warga@Example.TEST ")
    assert case.status == Status.RECEIVED
    assert case.kabupaten_id == "61.07"
    assert case.channel == Aspiration.Channel.WEB
    assert case.reporter_phone == "+6281234567890"
    assert case.reporter_email == "warga@example.test"
    [event] = case.events.all()
    assert (event.kind, event.from_status, event.to_status) == ("status", "", Status.RECEIVED)
    assert list(audit_for(case).values_list("action", flat=True)) == ["aspiration.submit"]


def test_an_invalid_phone_is_refused_on_the_phone_field_and_nothing_is_created(world):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, reporter_phone="12345"))
    assert "reporter_phone" in exc.value.message_dict
    assert nothing_submitted()


def test_a_web_submission_without_phone_or_email_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, reporter_phone="", reporter_email=""))
    assert "reporter_phone" in exc.value.message_dict
    assert nothing_submitted()


def test_an_email_alone_is_enough_contact(world):
    case = submit(world, reporter_phone="", reporter_email="warga@example.test")
    assert case.reporter_phone == ""
    assert case.reporter_email == "warga@example.test"


def test_a_malformed_email_is_not_accepted_as_contact(world):
    # The service validates the phone itself; an address that cannot receive mail must not
    # count as "phone or email" either (gateways and offline clients call the service directly).
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(
            data=intake(world, reporter_phone="", reporter_email="bukan-email")
        )
    assert "reporter_email" in exc.value.message_dict
    assert nothing_submitted()


def test_a_kim_may_record_without_contact(world):
    kim = world.tenants.a.kim
    case, created = services.aspiration_submit(
        data=intake(world, reporter_phone="", reporter_email="", reporter_name=""),
        channel=Aspiration.Channel.KIM,
        kim=kim,
        actor=world.users["kim_anggota"],
    )
    assert created
    assert case.channel == Aspiration.Channel.KIM
    assert case.kim == kim
    assert case.recorded_by == world.users["kim_anggota"]
    assert audit_for(case).get().actor == world.users["kim_anggota"]


def test_a_category_of_another_kabupaten_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, category=world.category_b))
    assert "category" in exc.value.message_dict
    assert nothing_submitted()


def test_an_inactive_category_is_refused(world):
    world.category.is_active = False
    world.category.save()
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world))
    assert "category" in exc.value.message_dict
    assert nothing_submitted()


def test_a_kabupaten_is_not_a_place(world):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, region=world.kabupaten))
    assert "region" in exc.value.message_dict
    assert nothing_submitted()


@pytest.mark.parametrize("description", ["", "  pendek  ", "x" * 4001])
def test_a_description_too_short_or_too_long_is_refused(world, description):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, description=description))
    assert "description" in exc.value.message_dict
    assert nothing_submitted()


def test_an_unknown_visibility_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(data=intake(world, visibility="semua"))
    assert "visibility" in exc.value.message_dict


def test_a_kim_cannot_record_for_a_village_outside_its_area(world):
    # Same kabupaten, another kecamatan: outside kim-a (Sebalo).
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(
            data=intake(world, region=world.other_village),
            channel=Aspiration.Channel.KIM,
            kim=world.tenants.a.kim,
            actor=world.users["kim_anggota"],
        )
    assert "region" in exc.value.message_dict
    assert nothing_submitted()


# --- Tracking codes ---------------------------------------------------------------------


def test_the_code_alphabet_has_no_look_alike_characters():
    # As documented in services: "without 0/O, 1/I/L, 8/B or 5/S", 27 characters.
    assert len(set(services.CODE_ALPHABET)) == len(services.CODE_ALPHABET)
    assert set(services.CODE_ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert set("01OIL8B5S").isdisjoint(services.CODE_ALPHABET)
    assert len(services.CODE_ALPHABET) == 27
    assert services.CODE_LENGTH == 8


def test_codes_use_the_alphabet_have_eight_characters_and_are_unique(world):
    codes = [submit(world).code for _ in range(200)]
    assert len(set(codes)) == 200
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(services.CODE_ALPHABET), code
    assert Aspiration.objects.count() == 200


@pytest.mark.parametrize(
    "typed",
    ["asp 7k3m-q9xd", "ASP-7K3M-Q9XD", "7k3m-q9xd", " 7K3M Q9XD ", "7k3mq9xd", "asp7k3mq9xd"],
)
def test_normalize_code_accepts_what_citizens_type(typed):
    assert services.normalize_code(typed) == "7K3MQ9XD"


def test_normalize_code_keeps_other_input_recognisably_wrong():
    assert services.normalize_code("") == ""
    assert services.normalize_code(None) == ""
    assert services.normalize_code("7k3m") == "7K3M"
    assert len(services.normalize_code("x" * 100)) <= 32


def test_display_code_splits_the_code_in_two():
    assert services.display_code("7K3MQ9XD") == "7K3M-Q9XD"


# --- Deadlines --------------------------------------------------------------------------


def test_verify_due_counts_working_days_from_submission(world):
    case = submit(world)
    expected = add_working_days(case.created_at, 3, kabupaten_code="61.07")
    assert case.verify_due == expected
    assert case.verify_due.weekday() < 5
    created = timezone.localdate(case.created_at)
    # Three working days are at least three and (without holidays) at most five days later.
    assert timedelta(days=3) <= case.verify_due - created <= timedelta(days=5)
    assert case.due == case.verify_due


def test_verify_due_follows_the_category_and_skips_the_kabupatens_own_holidays(world):
    world.category.verify_days = 1
    world.category.save()
    today = timezone.localdate()
    before = add_working_days(today, 1, kabupaten_code="61.07")
    # A regional holiday of another kabupaten changes nothing here ...
    Holiday.objects.create(
        date=before, name="Hari jadi Mempawah", kind="libur_daerah", kabupaten=world.kabupaten_b
    )
    assert submit(world).verify_due == before
    # ... one of this kabupaten pushes the deadline on.
    Holiday.objects.create(
        date=before, name="Hari jadi Bengkayang", kind="libur_daerah", kabupaten=world.kabupaten
    )
    case = submit(world)
    assert case.verify_due == add_working_days(case.created_at, 1, kabupaten_code="61.07")
    assert case.verify_due > before


def test_dispose_sets_answer_due_in_working_days_from_the_disposition(world):
    world.category.answer_days = 5
    world.category.save()
    case = advance(world, submit(world), Status.DISPOSED)
    event = case.events.get(to_status=Status.DISPOSED)
    assert case.answer_due == add_working_days(event.created_at, 5, kabupaten_code="61.07")
    assert case.answer_due.weekday() < 5
    assert case.due == case.answer_due


# --- Workflow: who may take each step ---------------------------------------------------

# action -> (status it is tried from, extra arguments)
STEPS = {
    "verify": (Status.RECEIVED, {}),
    "close": (Status.RECEIVED, {"reason": Aspiration.CloseReason.SPAM}),
    "dispose": (Status.VERIFIED, {"office": "office"}),
    "start": (Status.DISPOSED, {}),
    "finish": (Status.IN_PROGRESS, {"body": "Jalan sudah ditambal."}),
}
# A KIM pengurus no longer verifies or closes: they flag for Diskominfo
# (test_pengurus_rules.py).
ALLOWED = {
    "verify": ["operator", "admin"],
    "close": ["operator", "admin"],
    "dispose": ["operator", "admin"],
    "start": ["operator", "admin", "officer"],
    "finish": ["operator", "admin", "officer"],
}
FORBIDDEN = {
    "verify": [
        "admin_b",
        "camat",
        "officer",
        "kim_ketua",
        "kim_anggota",
        "kim_b_ketua",
        "outsider",
    ],
    "close": ["admin_b", "camat", "officer", "kim_ketua", "kim_anggota", "kim_b_ketua", "outsider"],
    "dispose": ["admin_b", "camat", "officer", "kim_ketua", "outsider"],
    "start": ["admin_b", "camat", "other_officer", "kim_ketua", "kim_anggota", "outsider"],
    "finish": ["admin_b", "camat", "other_officer", "kim_ketua", "kim_anggota", "outsider"],
}


def _kwargs(world: CaseWorld, extra: dict) -> dict:
    return {k: (world.office if v == "office" else v) for k, v in extra.items()}


@pytest.mark.parametrize(
    ("action", "role"), [(a, r) for a, roles in ALLOWED.items() for r in roles]
)
def test_allowed_roles_take_the_step_with_an_event_and_an_audit_row(world, action, role):
    source, extra = STEPS[action]
    case = advance(world, submit(world), source)
    actor = world.users[role]
    assert action in services.actions_for_user(actor, case)
    events_before = case.events.count()

    case = services.aspiration_transition(
        actor=actor, case=case, action=action, **_kwargs(world, extra)
    )

    target = services.ASPIRATION_MACHINE[action].target
    stored = Aspiration.objects.get(pk=case.pk)
    assert stored.status == target
    assert stored.events.count() == events_before + 1
    event = stored.events.last()
    assert (event.kind, event.from_status, event.to_status) == ("status", source, target)
    assert event.actor == actor
    row = audit_for(stored).filter(action=f"aspiration.{action}").get()
    assert row.actor == actor
    assert row.before["status"] == source
    assert row.after["status"] == target


@pytest.mark.parametrize(
    ("action", "role"), [(a, r) for a, roles in FORBIDDEN.items() for r in roles]
)
def test_other_roles_are_refused_and_nothing_changes(world, action, role):
    source, extra = STEPS[action]
    case = advance(world, submit(world), source)
    actor = world.users[role]
    assert action not in services.actions_for_user(actor, case)
    before = footprint(case)
    with pytest.raises(PermissionDenied):
        services.aspiration_transition(
            actor=actor, case=case, action=action, **_kwargs(world, extra)
        )
    assert footprint(case) == before


# action -> (a status it does not start from, how that status reads)
WRONG_STATE = {
    "verify": (Status.VERIFIED, "Diverifikasi"),
    "close": (Status.DISPOSED, "Didisposisikan"),
    "dispose": (Status.RECEIVED, "Diterima"),
    "start": (Status.IN_PROGRESS, "Ditindaklanjuti"),
    "finish": (Status.DONE, "Selesai"),
}


@pytest.mark.parametrize("action", list(WRONG_STATE))
def test_a_step_from_the_wrong_state_names_the_state_and_changes_nothing(world, action):
    state, label = WRONG_STATE[action]
    case = advance(world, submit(world), state)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        services.aspiration_transition(
            actor=world.users["admin"],
            case=case,
            action=action,
            **_kwargs(world, STEPS[action][1]),
        )
    assert label in " ".join(exc.value.messages)
    assert footprint(case) == before


def test_nothing_can_be_done_to_a_closed_case(world):
    case = advance(world, submit(world), Status.CLOSED)
    assert services.actions_for_user(world.users["admin"], case) == []
    for action, (_source, extra) in STEPS.items():
        with pytest.raises(ValidationError) as exc:
            services.aspiration_transition(
                actor=world.users["admin"], case=case, action=action, **_kwargs(world, extra)
            )
        assert "Ditutup" in " ".join(exc.value.messages)
    assert Aspiration.objects.get(pk=case.pk).status == Status.CLOSED


def test_an_unknown_action_is_refused(world):
    case = submit(world)
    with pytest.raises(ValidationError):
        services.aspiration_transition(actor=world.users["admin"], case=case, action="hapus")
    assert footprint(case)[0] == Status.RECEIVED


def test_the_whole_path_leaves_one_event_and_one_audit_row_per_step(world):
    case = advance(world, submit(world), Status.DONE)
    steps = [(e.from_status, e.to_status) for e in case.events.filter(kind=CaseEvent.Kind.STATUS)]
    assert steps == [
        ("", "diterima"),
        ("diterima", "diverifikasi"),
        ("diverifikasi", "didisposisikan"),
        ("didisposisikan", "ditindaklanjuti"),
        ("ditindaklanjuti", "selesai"),
    ]
    actions = list(audit_for(case).order_by("id").values_list("action", flat=True))
    assert actions == [
        "aspiration.submit",
        "aspiration.verify",
        "aspiration.dispose",
        "aspiration.start",
        "aspiration.finish",
    ]
    finish = case.events.get(to_status=Status.DONE)
    assert finish.body == "Sudah ditambal."
    assert finish.is_public
    assert finish.office == world.office


def test_close_needs_a_reason_and_records_it(world):
    case = submit(world)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        services.aspiration_transition(actor=world.users["admin"], case=case, action="close")
    assert "reason" in exc.value.message_dict
    assert footprint(case) == before

    case = services.aspiration_transition(
        actor=world.users["admin"], case=case, action="close", reason="spam", body="Iklan."
    )
    assert (case.status, case.close_reason) == (Status.CLOSED, "spam")
    row = audit_for(case).get(action="aspiration.close")
    assert row.after["close_reason"] == "spam"
    assert row.note == "Iklan."


def test_dispose_to_an_office_of_another_kabupaten_is_refused(world):
    case = advance(world, submit(world), Status.VERIFIED)
    before = footprint(case)
    for office in (world.office_b, None):
        with pytest.raises(ValidationError) as exc:
            services.aspiration_transition(
                actor=world.users["admin"], case=case, action="dispose", office=office
            )
        assert "office" in exc.value.message_dict
        assert footprint(case) == before
    stored = Aspiration.objects.get(pk=case.pk)
    assert stored.office is None
    assert stored.status == Status.VERIFIED


def test_a_case_can_be_disposed_again_to_another_office(world):
    case = advance(world, submit(world), Status.DISPOSED)
    case = services.aspiration_transition(
        actor=world.users["admin"], case=case, action="dispose", office=world.other_office
    )
    assert case.office == world.other_office
    # The first office no longer handles it; the new one does.
    assert "start" not in services.actions_for_user(world.users["officer"], case)
    assert "start" in services.actions_for_user(world.users["other_officer"], case)


@pytest.mark.parametrize("body", ["", "   \n "])
def test_finish_needs_an_answer_for_the_citizen(world, body):
    case = advance(world, submit(world), Status.IN_PROGRESS)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        services.aspiration_transition(
            actor=world.users["officer"], case=case, action="finish", body=body
        )
    assert "body" in exc.value.message_dict
    assert footprint(case) == before


def test_comments_public_answer_and_internal_note(world):
    case = advance(world, submit(world), Status.DISPOSED)
    answer = services.aspiration_comment(
        actor=world.users["officer"], case=case, body="Dijadwalkan minggu depan.", public=True
    )
    note = services.aspiration_comment(
        actor=world.users["officer"], case=case, body="Anggaran belum ada.", public=False
    )
    assert (answer.kind, answer.is_public) == ("jawaban", True)
    assert (note.kind, note.is_public) == ("catatan", False)
    actions = set(audit_for(case).values_list("action", flat=True))
    assert {"aspiration.jawaban", "aspiration.catatan"} <= actions
    with pytest.raises(PermissionDenied):
        services.aspiration_comment(
            actor=world.users["other_officer"], case=case, body="Bukan urusan saya", public=True
        )
    with pytest.raises(ValidationError):
        services.aspiration_comment(actor=world.users["officer"], case=case, body=" ", public=True)
    assert case.events.filter(kind__in=["jawaban", "catatan"]).count() == 2


# --- The citizen ------------------------------------------------------------------------


def test_the_citizen_confirms_and_rates_an_answer(world):
    case = advance(world, submit(world), Status.DONE)
    case = services.citizen_respond(case=case, accept=True, rating=5, body="Terima kasih")
    stored = Aspiration.objects.get(pk=case.pk)
    assert (stored.status, stored.citizen_confirmed, stored.rating) == ("selesai", True, 5)
    row = audit_for(stored).get(action="aspiration.confirm")
    assert row.actor is None
    assert row.after["rating"] == 5
    # Only once.
    before = footprint(stored)
    with pytest.raises(ValidationError):
        services.citizen_respond(case=stored, accept=False, rating=1)
    assert footprint(stored) == before


def test_a_dispute_reopens_the_case_with_a_new_answer_deadline(world):
    case = advance(world, submit(world), Status.DONE)
    case = services.citizen_respond(case=case, accept=False, rating=2, body="Masih berlubang")
    stored = Aspiration.objects.get(pk=case.pk)
    assert stored.status == Status.IN_PROGRESS
    assert stored.citizen_confirmed is None
    assert stored.answer_due == add_working_days(
        timezone.now(), world.category.answer_days, kabupaten_code="61.07"
    )
    event = stored.events.last()
    assert (event.from_status, event.to_status, event.body) == (
        "selesai",
        "ditindaklanjuti",
        "Masih berlubang",
    )
    assert event.is_public
    assert audit_for(stored).filter(action="aspiration.dispute").count() == 1
    # The officer answers again, and the citizen may respond again.
    stored = services.aspiration_transition(
        actor=world.users["officer"], case=stored, action="finish", body="Ditambal ulang."
    )
    stored = services.citizen_respond(case=stored, accept=True, rating=4)
    assert stored.citizen_confirmed is True


@pytest.mark.parametrize("rating", [0, 6, -1, 10])
def test_a_rating_outside_one_to_five_is_refused(world, rating):
    case = advance(world, submit(world), Status.DONE)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        services.citizen_respond(case=case, accept=True, rating=rating)
    assert "rating" in exc.value.message_dict
    assert footprint(case) == before


@pytest.mark.parametrize("rating", [1, 5, None])
def test_ratings_one_to_five_or_none_are_accepted(world, rating):
    case = advance(world, submit(world), Status.DONE)
    case = services.citizen_respond(case=case, accept=True, rating=rating)
    assert Aspiration.objects.get(pk=case.pk).rating == rating


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.IN_PROGRESS, Status.CLOSED])
def test_the_citizen_cannot_respond_before_an_answer(world, status):
    case = advance(world, submit(world), status)
    before = footprint(case)
    with pytest.raises(ValidationError):
        services.citizen_respond(case=case, accept=False, rating=None)
    assert footprint(case) == before


def test_a_follow_up_is_internal_and_audited(world):
    case = submit(world)
    event = services.citizen_follow_up(case=case, body="Lubangnya makin besar.")
    assert (event.kind, event.is_public, event.actor) == ("tambahan", False, None)
    assert audit_for(case).filter(action="aspiration.follow_up").count() == 1


def test_a_follow_up_on_a_closed_case_is_refused(world):
    case = advance(world, submit(world), Status.CLOSED)
    before = footprint(case)
    with pytest.raises(ValidationError):
        services.citizen_follow_up(case=case, body="Tolong dibuka lagi.")
    assert footprint(case) == before
    assert not case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).exists()


@pytest.mark.parametrize("body", ["", "ok", "x" * 2001])
def test_a_follow_up_too_short_or_too_long_is_refused(world, body):
    case = submit(world)
    with pytest.raises(ValidationError):
        services.citizen_follow_up(case=case, body=body)
    assert not case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).exists()


# --- Idempotency ------------------------------------------------------------------------


def test_a_client_id_seen_before_returns_the_same_case(world):
    first, created = services.aspiration_submit(data=intake(world), client_id="hp-123:1")
    assert created
    again, created_again = services.aspiration_submit(
        data=intake(world, description="Kiriman ulang dari HP yang sama."), client_id="hp-123:1"
    )
    assert created_again is False
    assert again.pk == first.pk
    assert again.description == DESCRIPTION
    assert Aspiration.objects.count() == 1
    assert CaseEvent.objects.count() == 1
    assert AuditLog.objects.filter(action="aspiration.submit").count() == 1
    other, created_other = services.aspiration_submit(data=intake(world), client_id="hp-123:2")
    assert created_other
    assert other.pk != first.pk


def test_without_a_client_id_each_submission_is_a_new_case(world):
    first = submit(world)
    second, created = services.aspiration_submit(data=intake(world), client_id="")
    assert created
    assert second.pk != first.pk
    assert second.client_id is None


def test_a_tracking_code_collision_is_retried_with_another_code(world, monkeypatch):
    first = submit(world)
    codes = iter([first.code, first.code, "K7M3Q9XD"])
    monkeypatch.setattr(services, "new_code", lambda: next(codes))
    second, created = services.aspiration_submit(data=intake(world), client_id="hp-9:1")
    assert created
    assert second.code == "K7M3Q9XD"
    assert Aspiration.objects.count() == 2
    # The failed attempts left nothing behind: one event and one audit row per case.
    assert CaseEvent.objects.filter(aspiration=second).count() == 1
    assert AuditLog.objects.filter(action="aspiration.submit").count() == 2


def test_a_retry_whose_data_no_longer_passes_still_gets_its_case(world):
    first, _ = services.aspiration_submit(data=intake(world), client_id="hp-9:2")
    world.category.is_active = False
    world.category.save(update_fields=["is_active"])
    again, created = services.aspiration_submit(data=intake(world), client_id="hp-9:2")
    assert created is False
    assert again.pk == first.pk
    # Without the client id the same data is refused, and nothing is added.
    with pytest.raises(ValidationError):
        services.aspiration_submit(data=intake(world), client_id="hp-9:3")
    assert Aspiration.objects.count() == 1


def test_a_retry_with_photos_stores_no_second_set(world, media):
    photo = SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")
    first, _ = services.aspiration_submit(data=intake(world), photos=[photo], client_id="hp-9:4")
    again, created = services.aspiration_submit(
        data=intake(world),
        photos=[SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg")],
        client_id="hp-9:4",
    )
    assert (created, again.pk) == (False, first.pk)
    assert AspirationPhoto.objects.count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


# --- Photos -----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def jpeg(size=(320, 240), *, gps: bool = False) -> bytes:
    im = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Xiaomi"
        exif[ExifTags.Base.Model] = "Redmi 9A"
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        ifd[ExifTags.GPS.GPSLatitude] = (0.0, 55.0, 12.5)
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        ifd[ExifTags.GPS.GPSLongitude] = (109.0, 28.0, 1.0)
        im.save(out, "JPEG", exif=exif)
    else:
        im.save(out, "JPEG")
    return out.getvalue()


def upload(content: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_photo_is_stored_without_exif_or_gps(world, media):
    original = jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    case, _ = services.aspiration_submit(
        data=intake(world), photos=[upload(original, "IMG_20240101_rumah.jpg")]
    )
    [photo] = case.photos.all()
    assert (photo.width, photo.height) == (320, 240)
    assert "IMG_20240101" not in photo.file.name
    [path] = stored_files(media)
    data = path.read_bytes()
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG"
    assert not im.getexif()
    assert not im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in im.info
    assert b"Exif\x00\x00" not in data
    assert b"Redmi" not in data and b"Xiaomi" not in data


def test_a_large_photo_is_scaled_down(world, media):
    case, _ = services.aspiration_submit(data=intake(world), photos=[upload(jpeg((2000, 1000)))])
    photo = case.photos.get()
    assert max(photo.width, photo.height) == services.PHOTO_MAX_SIDE
    assert Image.open(stored_files(media)[0]).size == (photo.width, photo.height)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(world, media):
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(
            data=intake(world), photos=[upload(jpeg()), upload(pdf, "x.jpg")]
        )
    assert "photos" in exc.value.message_dict
    assert nothing_submitted()
    assert stored_files(media) == []


def test_more_than_four_photos_are_refused(world, media):
    with pytest.raises(ValidationError) as exc:
        services.aspiration_submit(
            data=intake(world), photos=[upload(jpeg()) for _ in range(services.MAX_PHOTOS + 1)]
        )
    assert "photos" in exc.value.message_dict
    assert nothing_submitted()
    assert stored_files(media) == []


def test_four_photos_are_accepted(world, media):
    case, _ = services.aspiration_submit(
        data=intake(world), photos=[upload(jpeg()) for _ in range(services.MAX_PHOTOS)]
    )
    assert case.photos.count() == 4
    assert len(stored_files(media)) == 4


# --- the transition tables ---------------------------------------------------------------


def test_the_tables_use_exactly_the_model_statuses():
    assert services.ASPIRATION_MACHINE.states() == set(Status.values)
    assert services.CITIZEN_MACHINE.states() <= set(Status.values)


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.VERIFIED, Status.DISPOSED, Status.IN_PROGRESS, Status.DONE]
)
def test_the_case_page_offers_exactly_the_available_steps(client, world, status):
    case = advance(world, submit(world), status)
    for role in ("admin", "officer"):
        user = world.users[role]
        client.force_login(user)
        response = client.get(reverse("aspirations:manage_detail", kwargs={"code": case.code}))
        if response.status_code == 404:  # the office sees the case once it is referred
            assert role == "officer" and status in (Status.RECEIVED, Status.VERIFIED)
            continue
        offered = [action for action, _label in response.context["actions"]]
        offered += ["close"] if response.context["may_close"] else []
        available = services.ASPIRATION_MACHINE.available(case.status, user, case)
        assert sorted(offered) == sorted(available)
        for action, label in response.context["actions"]:
            assert label == services.ASPIRATION_MACHINE[action].label


def test_the_citizen_responds_once_and_only_to_a_finished_case(world):
    case = advance(world, submit(world), Status.IN_PROGRESS)
    assert not services.may_respond(case)
    with pytest.raises(ValidationError):
        services.citizen_respond(case=case, accept=True, rating=5)
    case = services.aspiration_transition(
        actor=world.users["officer"], case=case, action="finish", body="Sudah ditambal."
    )
    assert services.may_respond(case)
    case = services.citizen_respond(case=case, accept=True, rating=5)
    assert (case.status, case.citizen_confirmed) == (Status.DONE, True)
    assert not services.may_respond(case)
    with pytest.raises(ValidationError):
        services.citizen_respond(case=case, accept=False, rating=None)


def test_the_steps_beside_the_workflow_keep_the_status_and_use_model_statuses():
    assert services.CASE_STEPS.states() <= set(Status.values)
    assert services.CASE_STEPS.targets() == set()
    # Nothing is done to a closed case; only the office's stage takes an extension.
    assert services.CASE_STEPS.available(Status.CLOSED) == []
    assert services.CASE_STEPS.available(Status.DONE) == []
    assert services.CASE_STEPS.available(Status.IN_PROGRESS) == [
        "nudge",
        "take",
        "assign",
        "extend",
    ]
    assert services.CASE_STEPS.available(Status.RECEIVED) == ["nudge", "flag", "take", "assign"]
