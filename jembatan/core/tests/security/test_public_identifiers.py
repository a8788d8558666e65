"""A public identifier is not a credential.

Tracking codes, PPID request numbers, certificate codes, share codes and the slugs of
consultations and polls are printed on public pages, in the API and on paper. Every
route keyed by one that changes something or shows something personal must refuse a
visitor who holds only that identifier (no reporter's key, no request token, no verified
participant, no login), and nothing may change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client

from jembatan.aspirations.models import Aspiration

pytestmark = [pytest.mark.django_db]

# Apps whose rows such a request could add or change.
APPS = {"aspirations", "disclosure", "dialogue", "literacy", "dissemination", "accounts"}
# What counts as a refusal: forbidden, not found (a wrong token is an unknown request),
# method not allowed, or a redirect to sign in or to verify first (any other redirect
# may be "done", so it is not one).
REFUSALS = {302, 403, 404, 405}
SENT_TO_PROVE = ("/akun/masuk/", "/dialog/verifikasi/")


@dataclass
class Probe:
    method: str
    url: str
    data: dict = field(default_factory=dict)


def probes(world) -> dict[str, Probe]:
    a = world.args["a"]
    code = a["code:aspiration"]
    consultation = f"/dialog/konsultasi/{a['slug:consultation']}"
    wrong_token = "bukan-token-" + "x" * 20
    return {
        # Aspiration tracking code: public on the list, in Open311 and the API.
        "aspiration follow-up": Probe("post", f"/aspirasi/{code}/tambahan/", {"body": "Halo"}),
        "aspiration accept and rate": Probe(
            "post", f"/aspirasi/{code}/tanggapan/", {"accept": "1", "rating": "1"}
        ),
        "aspiration my data (read)": Probe("get", f"/aspirasi/{code}/data-saya/"),
        "aspiration my data (erase)": Probe(
            "post", f"/aspirasi/{code}/data-saya/", {"confirm": "1"}
        ),
        # PPID request number: public in the register; the token is the secret.
        "PPID request page": Probe("get", f"/ppid/permohonan/{a['number']}/{wrong_token}/"),
        "PPID answer download": Probe(
            "get", f"/ppid/permohonan/{a['number']}/{wrong_token}/jawaban/"
        ),
        "PPID objection": Probe(
            "post",
            f"/ppid/permohonan/{a['number']}/{wrong_token}/keberatan/",
            {"reason": "a", "text": "Keberatan saya"},
        ),
        # Certificate code: public for verification, and only for reading.
        "certificate (write)": Probe("post", f"/literasi/sertifikat/{a['code:certificate']}/"),
        # Share code: a public redirect, and only that.
        "share link (write)": Probe("post", f"/s/{a['code:share']}", {"x": "1"}),
        # Consultation and poll slugs: taking part needs a verified participant.
        "consultation comment": Probe(
            "post",
            f"{consultation}/p/{a['pk:paragraph']}/",
            {"body": "Usul saya tentang paragraf ini.", "name": "Warga"},
        ),
        "consultation vote": Probe(
            "post", f"{consultation}/tanggapan/{a['pk:dialogue_comment']}/suara/", {"value": "1"}
        ),
        "poll vote": Probe(
            "post", f"/dialog/jajak/{a['slug:poll']}/", {f"q{a['question']}": "1", "answer": "1"}
        ),
        "discussion reply": Probe(
            "post", f"/dialog/diskusi/{a['slug:thread']}/", {"body": "Balasan saya di sini."}
        ),
    }


def snapshot(code: str) -> dict:
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS
    }
    case = Aspiration.objects.values(
        "status", "rating", "citizen_confirmed", "reporter_name", "reporter_phone",
        "reporter_email", "visibility",
    ).get(code=code)  # fmt: skip
    return {"counts": counts, "case": case}


def test_no_public_identifier_acts_or_shows_personal_data(world):
    code = world.args["a"]["code:aspiration"]
    failures = []
    for name, probe in probes(world).items():
        client = Client()
        before = snapshot(code)
        response = getattr(client, probe.method)(probe.url, probe.data)
        location = response.get("Location", "")
        if response.status_code not in REFUSALS:
            failures.append(f"{name}: {response.status_code}")
        elif response.status_code == 302 and not location.startswith(SENT_TO_PROVE):
            failures.append(f"{name}: redirected to {location}, not to prove who it is")
        if snapshot(code) != before:
            failures.append(f"{name}: something changed")
    assert not failures, "\n".join(failures)


def test_the_case_page_by_code_alone_offers_no_reporter_action(world):
    code = world.args["a"]["code:aspiration"]
    page = Client().get(f"/aspirasi/{code}/").content.decode()
    for action in ("/tambahan/", "/tanggapan/", "/data-saya/", 'name="accept"'):
        assert action not in page
    case = Aspiration.objects.get(code=code)
    for value in (case.reporter_phone, case.reporter_email):
        assert not value or value not in page
    assert all(p.file.url not in page for p in case.photos.all())
    # The success page shows a key only to the browser that sent the case.
    assert Client().get(f"/aspirasi/{code}/terkirim/").status_code == 302


def test_the_same_probes_pass_with_the_secret(world):
    """The refusals above are about the secret, not a broken route: with the reporter's
    key the same aspiration routes work."""
    from jembatan.aspirations.reporter import reporter_key_issue

    code = world.args["a"]["code:aspiration"]
    case = Aspiration.objects.get(code=code)
    client = Client()
    client.get(f"/aspirasi/{code}/", {"k": reporter_key_issue(case=case)})
    assert client.get(f"/aspirasi/{code}/data-saya/").status_code == 200
    response = client.post(f"/aspirasi/{code}/tambahan/", {"body": "Rumah saya nomor 7"})
    assert response.status_code == 302
    assert case.events.filter(kind="tambahan").exists()
