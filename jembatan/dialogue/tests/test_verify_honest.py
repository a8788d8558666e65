"""One-time codes that arrive, or an honest page: without an SMS/WhatsApp gateway only
e-mail is offered; a first visit shows no errors; changing the contact keeps the name."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.utils import translation

from jembatan.dialogue.models import OneTimeCode
from jembatan.dialogue.tasks import send_code
from jembatan.dialogue.tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/dialog/verifikasi/"


@pytest.mark.parametrize(
    ("language", "required"), [("id", "bidang ini harus diisi"), ("en", "this field is required")]
)
def test_a_first_visit_shows_no_errors(world, language, required):
    client = client_for(None)
    client.cookies["django_language"] = language
    with translation.override(language):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert required not in page.lower() and "field-error" not in page


def test_without_a_gateway_only_email_is_offered(world, settings):
    settings.SMS_GATEWAY_URL = ""
    client = client_for(None)
    page = client.get(URL).content.decode()
    assert 'name="channel"' not in page and "Alamat email" in page
    assert "belum tersedia" in page
    response = client.post(
        URL, {"step": "request", "name": "Yohana", "contact": "0812-3456-7890", "next": "/"}
    )
    text = response.content.decode()
    assert response.status_code == 400 and "SMS atau WhatsApp belum tersedia" in text
    assert not OneTimeCode.objects.exists()
    assert "sudah dikirim" not in text


def test_with_a_gateway_phones_are_offered(world, settings):
    settings.SMS_GATEWAY_URL = "https://gateway.example.test/"
    page = client_for(None).get(URL).content.decode()
    assert 'name="channel"' in page and "Nomor HP atau email" in page


def test_changing_the_contact_keeps_the_name(world, django_capture_on_commit_callbacks):
    client = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {"step": "request", "name": "Yohana Atong", "contact": "salah@example.test"},
        )
    assert response.status_code == 302 and "ke email Anda" in str(
        client.get(response["Location"]).content.decode()
    )
    client.post(URL, {"step": "restart"})
    page = client.get(URL).content.decode()
    assert 'value="Yohana Atong"' in page and "field-error" not in page
    assert len(mail.outbox) == 1


def test_a_code_that_cannot_go_out_is_logged_without_the_number(settings, caplog):
    settings.SMS_GATEWAY_URL = ""
    with caplog.at_level(logging.WARNING, logger="jembatan.dialogue.tasks"):
        assert send_code.call_local("sms", "+6281234567890", "123456") is False
    assert "no SMS/WhatsApp gateway" in caplog.text
    assert "6281234567890" not in caplog.text and "123456" not in caplog.text
