"""The privacy notice names the government as controller, gives a way to reach it, says
plainly who sees an aspiration reporter's data, and keeps the law in a small part."""

from __future__ import annotations

import pytest

from jembatan.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _tenant() -> Tenant:
    return Tenant.objects.get(region_id="61.07")


def test_the_controller_is_the_government_and_its_contact_is_shown(client):
    tenant = _tenant()
    tenant.contact_address = "Jalan Jenderal Sudirman No. 1, Bengkayang"
    tenant.contact_email = "diskominfo@bengkayang.example"
    tenant.save()
    text = client.get("/privasi/").content.decode()
    assert "dikelola oleh Pemerintah Kabupaten Bengkayang, melalui Dinas Komunikasi" in text
    assert "dikelola oleh Jembatan" not in text
    assert "Jalan Jenderal Sudirman No. 1, Bengkayang" in text
    assert 'href="mailto:diskominfo@bengkayang.example"' in text
    assert "alamat di bawah" not in text


def test_without_a_recorded_contact_the_page_is_no_dead_end(client):
    tenant = _tenant()
    tenant.contact_address = tenant.contact_email = tenant.contact_phone = ""
    tenant.save()
    text = client.get("/privasi/").content.decode()
    contact = text.split('id="kontak"', 1)[1]
    assert "Diskominfo) Pemerintah Kabupaten Bengkayang" in contact
    assert 'href="/kim/"' in contact or "Direktori KIM</a>" in contact


def test_the_office_is_not_said_to_see_the_reporter_and_the_law_comes_last(client):
    text = client.get("/privasi/").content.decode()
    assert "Nama dan kontak Anda hanya dilihat Diskominfo dan KIM" in text
    assert "tanpa nama dan kontak Anda" in text
    legal = text.index('id="legal-basis"')
    # Plain words first: article numbers only in the Dasar hukum part.
    assert "Pasal" not in text[:legal]
    assert "Pasal 46" in text[legal:] and "UU 27/2022 Pasal 20" in text[legal:]
