"""Texts to citizens through the gateway: signed, once per step, retried after a failure.

The gateway is a real HTTP server on localhost, run by the test."""

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import CaseEvent, Category
from jembatan.aspirations.tasks import text_citizen
from jembatan.core.gateway import GatewayError
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain
from jembatan.testing.gateway import Gateway

pytestmark = pytest.mark.django_db
SECRET = "outbound-secret"


@pytest.fixture
def gateway(settings):
    with Gateway(SECRET).as_default(settings) as running:
        yield running


@pytest.fixture
def world():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    return Category.objects.create(kabupaten=kabupaten, name="Jalan"), admin


def _submit(category, **extra):
    data = {
        "region": region_chain("61.07.04.1010", "Sebalo"),
        "category": category,
        "description": "Jalan berlubang di RT 03",
        "reporter_phone": "0812 3456 7890",
    } | extra
    return services.aspiration_submit(data=data)[0]


def test_each_public_step_is_texted_once_and_signed(
    gateway, world, django_capture_on_commit_callbacks
):
    category, admin = world
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(category)
        services.aspiration_transition(actor=admin, case=case, action="verify")
        services.aspiration_comment(actor=admin, case=case, body="internal", public=False)
    assert [m["to"] for m in gateway.received] == ["+6281234567890"] * 2
    assert services.display_code(case.code) in gateway.received[0]["text"]
    assert "Diverifikasi" in gateway.received[1]["text"]
    for event in CaseEvent.objects.filter(aspiration=case):
        assert text_citizen.call_local(event.pk) is False  # never twice
    assert len(gateway.received) == 2


def test_a_gateway_failure_gives_the_claim_back_for_the_retry(gateway, world):
    category, _admin = world
    case = _submit(category)
    event = CaseEvent.objects.get(aspiration=case)
    gateway.fail_next = 1
    with pytest.raises(GatewayError):
        text_citizen.call_local(event.pk)
    assert CaseEvent.objects.get(pk=event.pk).texted_at is None
    assert text_citizen.call_local(event.pk) is True
    assert len(gateway.received) == 1


def test_no_gateway_no_texts(settings, world, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    category, _admin = world
    region_chain("61.07.04.1010", "Sebalo")  # made before: a new region marks its kabupaten
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _submit(category)
    # Nothing enqueued (no email, no gateway). (The workspace's change mark, written after
    # the commit in production, is written at once in a test case's transaction, which
    # never commits: core.registry.)
    assert callbacks == []
