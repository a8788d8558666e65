"""Outside testers' findings on clarifications: stored links, duplicate office, sharing."""

from __future__ import annotations

import json
import re

import pytest

from jembatan.accounts.models import Office
from jembatan.clarifications import services
from jembatan.clarifications.forms import AssignForm
from jembatan.clarifications.models import Clarification, Verdict
from jembatan.clarifications.tests.conftest import client_for

pytestmark = pytest.mark.django_db

ANSWER = {
    "verdict": Verdict.FALSE,
    "title": "Vaksin campak tidak mengandung chip pelacak",
    "claim": "Vaksin campak di posyandu mengandung chip pelacak.",
    "explanation": "Vaksin campak berisi virus yang dilemahkan.",
    "sources": "BPOM",
}


def _published(world) -> Clarification:
    row = services.clarification_create(actor=world.admin, data=ANSWER, kabupaten_code="61.07")
    return services.clarification_publish(actor=world.admin, clarification=row)


def test_the_published_item_links_by_path_not_by_host(world, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    row = _published(world)
    body = row.info_item.body
    links = re.findall(r'href="([^"]*)"', body)
    assert links == [row.get_absolute_url()]
    assert "127.0.0.1" not in body and "://" not in body


def test_the_office_list_has_diskominfo_once(world):
    form = AssignForm(kabupaten_code="61.07")
    labels = [label for _value, label in form.fields["office"].choices]
    assert "Diskominfo Bengkayang" not in [str(label) for label in labels]
    assert any("Diskominfo" in str(label) for label in labels)  # the empty choice
    assert world.office.name in [str(label) for label in labels]
    assert Office.objects.filter(kind=Office.Kind.DISKOMINFO).exists()


def test_claim_review_names_the_government_and_the_claim(world):
    row = _published(world)
    page = client_for(None).get(row.get_absolute_url()).content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(ld.group(1))
    author = data["author"]
    assert author["@type"] == "GovernmentOrganization"
    assert author["name"] == "Diskominfo Kabupaten Bengkayang"
    assert author["parentOrganization"]["name"] == "Pemerintah Kabupaten Bengkayang"
    assert "Jembatan" not in json.dumps(author)
    assert data["itemReviewed"] == {"@type": "Claim", "text": ANSWER["claim"]}


def test_the_whatsapp_text_carries_the_verdict(world):
    row = _published(world)
    page = client_for(None).get(row.get_absolute_url()).content.decode()
    wa = re.search(r'href="(https://wa\.me/\?text=[^"]*)"', page).group(1)
    from urllib.parse import parse_qs, urlsplit

    text = parse_qs(urlsplit(wa.replace("&amp;", "&")).query)["text"][0]
    assert text.startswith("Salah (hoaks): Vaksin campak tidak mengandung chip pelacak")
    assert row.get_absolute_url() in text
