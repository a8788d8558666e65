"""The webhook as an interface: each answer's status and ``error`` code for the gateway, and
a ``reply`` a gateway may forward to the citizen as it is (Indonesian, never technical).

docs/webhook.md documents every status and code tested here.
"""

import json
import re
import time
from pathlib import Path

import pytest

from jembatan.aspirations.models import Aspiration, Category
from jembatan.aspirations.webhook import MAX_BODY
from jembatan.core.gateway import signature_for
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret-for-tests"
DOC = Path(__file__).resolve().parents[3] / "docs" / "webhook.md"
# What a citizen must never receive: the words of a programmer.
TECHNICAL = re.compile(
    r"signature|json|payload|channel|webhook|required|configured|error|invalid|"
    r"\bid\b|body|nested|sms or whatsapp",
    re.IGNORECASE,
)
MESSAGE = {"id": "m-1", "channel": "sms", "from": "0812 3456 7890", "text": "Sebalo # Jalan rusak"}


@pytest.fixture(autouse=True)
def configured(settings, served_tenant):
    # The secret is the served tenant's (Bengkayang on testserver), not a setting.
    served_tenant.webhook_secret = SECRET
    served_tenant.save()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    region_chain("61.07.05.2001", "Suka Maju")
    region_chain("61.07.06.2001", "Suka Maju")
    Category.objects.create(kabupaten=kabupaten, name="Lainnya")


def _post(client, payload=None, *, body=None, secret=SECRET, **headers):
    body = body if body is not None else json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    return client.post(
        "/aspirasi/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_JEMBATAN_TIMESTAMP=timestamp,
        HTTP_X_JEMBATAN_SIGNATURE=signature_for(secret, timestamp, body),
        **headers,
    )


def _cases(client, settings):
    """(expected status, expected error, response) for every way a message can end."""
    yield 201, None, _post(client, MESSAGE)
    yield 200, None, _post(client, MESSAGE)
    yield 400, "invalid_json", _post(client, body=b"{not json")
    yield 400, "invalid_json", _post(client, body=b"[" * 5000 + b"]" * 5000)
    yield 400, "missing_id", _post(client, {"channel": "sms", "text": "Sebalo # jalan rusak"})
    yield 400, "invalid_channel", _post(client, MESSAGE | {"id": "m-2", "channel": "fax"})
    yield 403, "bad_signature", _post(client, MESSAGE | {"id": "m-3"}, secret="another")
    big = MESSAGE | {"id": "m-4", "text": "Sebalo # " + "jalan rusak " * (MAX_BODY // 10)}
    yield 413, "body_too_large", _post(client, big)
    yield 422, "unknown_desa", _post(client, MESSAGE | {"id": "m-5", "text": "Jalan rusak"})
    yield (
        422,
        "ambiguous_desa",
        _post(client, MESSAGE | {"id": "m-6", "text": "Suka Maju # jalan rusak parah"}),
    )
    yield 422, "text_too_short", _post(client, MESSAGE | {"id": "m-7", "text": "Sebalo # rusak"})
    long = MESSAGE | {"id": "m-8", "text": "Sebalo # " + "x" * 4001}
    yield 422, "text_too_long", _post(client, long)
    Category.objects.update(is_active=False)
    yield 422, "invalid_message", _post(client, MESSAGE | {"id": "m-9"})
    Category.objects.update(is_active=True)
    # This tenant's gateway is not set up (update() sends no signal: forget the snapshot).
    Tenant.objects.filter(region_id="61.07").update(webhook_secret="")
    resolve.clear()
    yield 503, "not_configured", _post(client, MESSAGE | {"id": "m-10"})


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_answer_has_its_status_code_and_an_indonesian_reply(client, settings, language):
    # A site whose default is English, and a gateway that asks for English: the reply
    # still goes to an Indonesian phone.
    settings.LANGUAGE_CODE = language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = []
    for status, error, response in _cases(client, settings):
        body = response.json()
        assert response.status_code == status, (error, body)
        assert body.get("error") == error, body
        reply = body["reply"]
        assert reply and not TECHNICAL.search(reply), (error, reply)
        assert reply.startswith(("Aspirasi", "Maaf")), (error, reply)
        seen.append(error)
    assert Aspiration.objects.count() == 1  # only the first message became a case
    assert len(seen) == 14


def test_the_gateway_gets_details_the_citizen_does_not_need(client):
    response = _post(client, MESSAGE | {"text": "Suka Maju # jalan rusak parah"})
    assert response.json()["choices"] == ["61.07.05.2001", "61.07.06.2001"]
    Category.objects.update(is_active=False)
    response = _post(client, MESSAGE | {"id": "m-2"})
    assert response.json()["fields"] == ["category"]


def test_limits_are_told_in_indonesian_numbers(client):
    response = _post(client, MESSAGE | {"text": "Sebalo # " + "x" * 4001})
    assert "4.000 huruf" in response.json()["reply"]
    response = _post(client, MESSAGE | {"id": "m-2", "text": "Sebalo # rusak"})
    assert "10 huruf" in response.json()["reply"]
    assert not Aspiration.objects.exists()


def test_the_document_lists_every_status_and_error_code(client, settings):
    text = DOC.read_text(encoding="utf-8")
    for status, error, _response in _cases(client, settings):
        assert f"`{status}`" in text, status
        if error:
            assert f"`{error}`" in text, error
    for limit in ("16 KiB", "4000", "10", "300"):
        assert limit in text, limit
    assert "curl" in text and "/aspirasi/webhook/" in text
