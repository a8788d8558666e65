"""The SMS/WhatsApp gateway webhook: signed, replay-safe, idempotent, answers with a code."""

import json
import time

import pytest

from jembatan.aspirations import reporter
from jembatan.aspirations.models import Aspiration, Category
from jembatan.core.gateway import signature_for
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret-for-tests"


@pytest.fixture(autouse=True)
def configured(settings, served_tenant):
    # The secret is the served tenant's (Bengkayang on testserver), not a setting.
    served_tenant.webhook_secret = SECRET
    served_tenant.save()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    Category.objects.create(kabupaten=kabupaten, name="Jalan")
    return Category.objects.create(kabupaten=kabupaten, name="Lainnya")


def _post(client, payload, *, secret=SECRET, timestamp=None, body=None, **extra):
    body = body if body is not None else json.dumps(payload).encode()
    timestamp = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(
        "/aspirasi/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_JEMBATAN_TIMESTAMP=timestamp,
        HTTP_X_JEMBATAN_SIGNATURE=signature_for(secret, timestamp, body),
        **extra,
    )


MESSAGE = {
    "id": "m-1",
    "channel": "sms",
    "from": "0812 3456 7890",
    "text": "Sebalo # Jalan RT 04 rusak parah",
}


def test_a_signed_message_becomes_a_case_and_the_reply_has_its_code(client, configured):
    response = _post(client, MESSAGE)
    assert response.status_code == 201
    case = Aspiration.objects.get()
    assert case.channel == "sms" and case.region_id == "61.07.04.1010"
    assert case.category == configured  # no kategori given: "Lainnya"
    assert case.description == "Jalan RT 04 rusak parah"
    assert case.reporter_phone == "+6281234567890"
    body = response.json()
    assert body["code"] == f"{case.code[:4]}-{case.code[4:]}"
    assert body["code"] in body["reply"] and case.get_absolute_url() in body["reply"]
    # The reply is the sender's own: it carries their private link.
    assert reporter.key_matches(case, body["reply"].split("?k=")[1].split()[0])


def test_the_reply_link_is_on_the_host_the_gateway_called(client, settings, served_tenant):
    settings.ALLOWED_HOSTS = ["testserver", "bengkayang.example"]
    served_tenant.hosts.create(host="bengkayang.example")
    settings.SITE_URL = "http://127.0.0.1:8000"  # a default on another port: never used
    reply = _post(client, MESSAGE, HTTP_HOST="bengkayang.example", secure=True).json()["reply"]
    case = Aspiration.objects.get()
    assert f"https://bengkayang.example{case.get_absolute_url()}?k=" in reply
    assert "127.0.0.1" not in reply


def test_a_retried_message_gives_the_same_case(client):
    first = _post(client, MESSAGE).json()
    again = _post(client, MESSAGE)
    assert again.status_code == 200 and again.json()["code"] == first["code"]
    assert Aspiration.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "forged"},
        {"timestamp": int(time.time()) - 3600},  # a replay of an old request
        {"timestamp": "abc"},
    ],
)
def test_forged_or_stale_signatures_are_refused(client, change):
    response = _post(client, MESSAGE, **change)
    assert response.status_code == 403
    assert not Aspiration.objects.exists()


def test_a_body_changed_after_signing_is_refused(client):
    timestamp = str(int(time.time()))
    signed = json.dumps(MESSAGE).encode()
    tampered = json.dumps(MESSAGE | {"text": "Sebalo # lain"}).encode()
    response = client.post(
        "/aspirasi/webhook/",
        data=tampered,
        content_type="application/json",
        HTTP_X_JEMBATAN_TIMESTAMP=timestamp,
        HTTP_X_JEMBATAN_SIGNATURE=signature_for(SECRET, timestamp, signed),
    )
    assert response.status_code == 403 and not Aspiration.objects.exists()


def test_unknown_desa_gets_instructions_and_nothing_is_stored(client):
    response = _post(client, MESSAGE | {"text": "jalan rusak tanpa desa"})
    assert response.status_code == 422
    assert "nama desa # isi aspirasi" in response.json()["reply"]
    assert not Aspiration.objects.exists()


def test_bad_payloads(client, settings):
    assert _post(client, None, body=b"not json").status_code == 400
    assert _post(client, {"channel": "sms"}).status_code == 400  # no id
    assert _post(client, MESSAGE | {"channel": "fax"}).status_code == 400
    # This tenant's gateway is not set up (update() sends no signal: forget the snapshot).
    Tenant.objects.filter(region_id="61.07").update(webhook_secret="")
    resolve.clear()
    assert _post(client, MESSAGE).status_code == 503
    assert not Aspiration.objects.exists()


def test_an_odd_sender_id_does_not_lose_the_message(client):
    response = _post(client, MESSAGE | {"id": "m-2", "from": "TELKOMSEL"})
    assert response.status_code == 201
    assert Aspiration.objects.get().reporter_phone == ""


@pytest.mark.parametrize("text", ["Desa Sebalo # Jalan rusak", "kel seballo # Jalan rusak"])
def test_the_desa_is_read_as_people_write_it(client, text):
    response = _post(client, MESSAGE | {"text": text})
    assert response.status_code == 201
    assert Aspiration.objects.get().region_id == "61.07.04.1010"


def test_a_desa_name_in_two_kecamatan_is_answered_with_both(client):
    region_chain("61.07.10", "Suti Semarang")
    region_chain("61.07.14", "Sungai Betung")
    region_chain("61.07.10.2003", "Suka Maju")
    region_chain("61.07.14.2004", "Suka Maju")

    response = _post(client, MESSAGE | {"text": "Suka Maju # Jembatan putus"})

    assert response.status_code == 422
    reply = response.json()["reply"]
    assert "Suka Maju, Kecamatan Suti Semarang; Suka Maju, Kecamatan Sungai Betung" in reply
    assert not Aspiration.objects.exists()
    again = MESSAGE | {"id": "m-2", "text": "Suka Maju, Sungai Betung # Jembatan putus"}
    assert _post(client, again).status_code == 201
    assert Aspiration.objects.get().region_id == "61.07.14.2004"
