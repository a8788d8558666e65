import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jembatan.core.transitions import Machine, Transition

MACHINE = Machine(
    noun="berita",
    transitions={
        "submit": Transition({"draft"}, "review", "Ajukan", lambda actor, obj: actor == "penulis"),
        "publish": Transition({"draft", "review"}, "published", "Terbitkan"),
    },
)


def test_available_follows_state_and_actor():
    assert MACHINE.available("draft") == ["submit", "publish"]
    assert MACHINE.available("draft", "penulis", None) == ["submit", "publish"]
    assert MACHINE.available("draft", "tamu", None) == ["publish"]
    assert MACHINE.available("review") == ["publish"]
    assert MACHINE.available("published") == []


def test_unknown_action_is_a_validation_error():
    with pytest.raises(ValidationError):
        MACHINE.step("hapus")
    with pytest.raises(ValidationError):
        MACHINE.step(None)


def test_wrong_state_names_action_noun_and_status():
    with pytest.raises(ValidationError) as err:
        MACHINE.require_state("submit", "published", "Terbit")
    text = err.value.messages[0]
    assert "Ajukan" in text and "berita" in text and "Terbit" in text
    assert MACHINE.require_state("publish", "review").target == "published"


def test_permission_is_checked_separately():
    with pytest.raises(PermissionDenied):
        MACHINE.require_permitted("submit", "tamu", None)
    assert MACHINE.require_permitted("submit", "penulis", None).target == "review"


def test_states_and_labels():
    assert MACHINE.states() == {"draft", "review", "published"}
    assert MACHINE.labels() == {"submit": "Ajukan", "publish": "Terbitkan"}
    assert "submit" in MACHINE and "hapus" not in MACHINE


def test_a_step_without_target_keeps_the_state():
    machine = Machine(
        noun="informasi",
        transitions={
            "update": Transition({"draft", "published"}, None, "Ubah"),
            "withdraw": Transition({"published"}, "withdrawn", "Tarik"),
        },
    )
    assert machine["update"].target is None
    assert machine["update"].leads_to("published") == "published"
    assert machine["withdraw"].leads_to("published") == "withdrawn"
    assert machine.states() == {"draft", "published", "withdrawn"}
    assert machine.targets() == {"withdrawn"}
    assert machine.available("withdrawn") == []
    with pytest.raises(ValidationError):
        machine.require_state("update", "withdrawn", "Ditarik")
