"""The trainings' transition table: its states are the model's, the page offers what it
allows, and a step from a wrong state is refused with the step and the status named."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.literacy import services
from jembatan.literacy.forms import TrainingActionForm
from jembatan.literacy.models import Training
from jembatan.literacy.services import TRAINING_MACHINE
from jembatan.testing.factories import TrainingFactory

pytestmark = pytest.mark.django_db


def test_the_table_uses_exactly_the_model_statuses():
    assert TRAINING_MACHINE.states() == set(Training.Status.values)
    assert {value for value, _ in TrainingActionForm().fields["action"].choices} == set(
        TRAINING_MACHINE.actions()
    )


@pytest.mark.parametrize("status", Training.Status.values)
def test_the_page_offers_exactly_the_available_steps(client, admin, status):
    training = TrainingFactory(organiser=admin)
    Training.objects.filter(pk=training.pk).update(status=status)
    client.force_login(admin)
    response = client.get(reverse("literacy:manage_training", kwargs={"pk": training.pk}))
    assert response.status_code == 200
    offered = response.context["actions"]
    assert [a for a, _label in offered] == TRAINING_MACHINE.available(status)
    assert all(label == TRAINING_MACHINE[a].label for a, label in offered)


def test_cancelling_twice_is_refused_and_changes_nothing(admin):
    training = TrainingFactory(organiser=admin)
    services.training_transition(actor=admin, training=training, action="cancel")
    with pytest.raises(ValidationError) as err:
        services.training_transition(actor=admin, training=training, action="cancel")
    text = err.value.messages[0]
    assert "Batalkan pelatihan" in text and "Dibatalkan" in text
    assert audit_for(training).filter(action="literacy.training_cancel").count() == 1
    with pytest.raises(ValidationError):
        services.training_transition(actor=admin, training=training, action="hapus")
