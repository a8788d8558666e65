"""The PPID's transition tables: requests and objections. Their states are the models',
the pages offer what the tables allow, and a step from a wrong state says why."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jembatan.disclosure import services
from jembatan.disclosure.models import InformationRequest, Objection, RequestStatus
from jembatan.disclosure.services import OBJECTION_MACHINE, REQUEST_MACHINE
from jembatan.disclosure.tests.conftest import MONDAY, request_data

pytestmark = pytest.mark.django_db


def test_the_tables_use_exactly_the_model_statuses():
    assert REQUEST_MACHINE.states() == set(RequestStatus.values)
    assert OBJECTION_MACHINE.states() == set(Objection.Status.values)


@pytest.mark.parametrize("status", RequestStatus.values)
def test_the_request_page_offers_exactly_the_available_steps(client, ppid, status):
    request = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    if status == RequestStatus.ANSWERED:
        request = services.information_request_answer(
            actor=ppid.officer, request=request, outcome="dikabulkan", text="Terlampir datanya."
        )
    else:
        InformationRequest.objects.filter(pk=request.pk).update(status=status)
    client.force_login(ppid.officer)
    response = client.get(reverse("disclosure:manage_request", kwargs={"number": request.number}))
    offered = {
        action
        for action, key in (("extend", "can_extend"), ("answer", "can_answer"))
        if response.context[key]
    }
    assert offered == set(REQUEST_MACHINE.available(status, ppid.officer, request))


def test_answering_twice_names_the_step_and_the_status(ppid):
    request = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    services.information_request_answer(
        actor=ppid.officer, request=request, outcome="dikabulkan", text="Terlampir datanya."
    )
    with pytest.raises(ValidationError) as err:
        services.information_request_answer(
            actor=ppid.officer, request=request, outcome="dikabulkan", text="Jawaban kedua."
        )
    text = err.value.messages[0]
    assert "Jawab permohonan" in text and "Dijawab" in text
    # An answered request was never extended: the generic message, not "only once".
    with pytest.raises(ValidationError) as err:
        services.information_request_extend(
            actor=ppid.officer, request=request, reason="Masih perlu waktu lagi."
        )
    assert "hanya sekali" not in err.value.messages[0]
    assert "Perpanjang" in err.value.messages[0]
