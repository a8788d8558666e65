"""The public lookup of a PPID request and the pages behind its private link (o2 S1, M1)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from jembatan.disclosure import services
from jembatan.disclosure.tests.conftest import request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


NEUTRAL = "Bila nomor dan kontak cocok, tautan telah dikirim ke kontak tersebut."


def test_the_lookup_sends_the_link_and_never_shows_it(client, ppid, run_on_commit):
    request = services.information_request_submit(data=request_data(ppid.desa))
    mail.outbox.clear()
    url = reverse("disclosure:track")
    with run_on_commit(execute=True):
        asked = [
            client.post(url, data, follow=True)
            for data in (
                {"number": request.number.lower(), "contact": "MARIA@example.test"},
                {"number": request.number, "contact": "orang@lain.test"},
                {"number": "PPID-2026-999999", "contact": "maria@example.test"},
            )
        ]
    match, wrong, missing = asked
    # Posted, then sent to a notice whose address holds neither the number nor the contact.
    for response in asked:
        assert response.redirect_chain == [(f"{url}?dikirim=1", 302)]
    pages = [  # the form's token is masked afresh on every page: left out of the comparison
        re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"',
            "",
            r.content.decode().split('<main id="main"')[1].split("</main>")[0],
        )
        for r in (match, wrong, missing)
    ]
    for response, page in zip((match, wrong, missing), pages, strict=True):
        assert response.status_code == 200 and NEUTRAL in page
        assert request.token not in page
    # One answer for all three: the page does not tell which numbers go with which contact.
    assert pages[0] == pages[1] == pages[2]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.test"]
    assert request.get_absolute_url() in mail.outbox[0].body


def test_the_lookup_sends_a_few_links_per_request_and_hour(client, ppid, run_on_commit):
    request = services.information_request_submit(data=request_data(ppid.desa))
    mail.outbox.clear()
    with run_on_commit(execute=True):
        _ask_five_times(client, request)
    assert len(mail.outbox) == 3  # capped: the page is no way to flood a mailbox


def _ask_five_times(client, request):
    for _ in range(5):
        client.post(
            reverse("disclosure:track"),
            {"number": request.number, "contact": "maria@example.test"},
        )


def test_a_changed_contact_is_told_to_the_old_one(client, ppid, run_on_commit):
    request = services.information_request_submit(data=request_data(ppid.desa))
    mail.outbox.clear()
    page = reverse("disclosure:my_data", kwargs={"number": request.number, "token": request.token})
    with run_on_commit(execute=True):
        response = client.post(page, {"requester_email": "penyerang@evil.test"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["maria@example.test"]]
    assert "diubah" in mail.outbox[0].body and request.number in mail.outbox[0].body
    assert "penyerang" not in mail.outbox[0].body
    mail.outbox.clear()
    with run_on_commit(execute=True):
        client.post(page, {"requester_address": "Jl. Baru No. 1"})
    assert mail.outbox == []  # no contact changed, nobody to tell


def test_the_copy_and_the_page_mask_the_nik(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))
    kwargs = {"number": request.number, "token": request.token}
    data = client.get(reverse("disclosure:my_data_json", kwargs=kwargs)).json()
    assert data["pemohon"]["nik"] == "************0001"
    page = client.get(reverse("disclosure:my_data", kwargs=kwargs)).content.decode()
    assert "6107045203900001" not in page and "************0001" in page


def test_over_the_lookup_limit_a_private_link_gets_429_not_404(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))
    bad = reverse("disclosure:request_detail", kwargs={"number": request.number, "token": "x"})
    for _ in range(21):
        assert client.get(bad).status_code == 404
    kwargs = {"number": request.number, "token": request.token}
    for url in (
        request.get_absolute_url(),
        reverse("disclosure:my_data", kwargs=kwargs),
        reverse("disclosure:my_data_json", kwargs=kwargs),
        bad,
    ):
        response = client.get(url)
        assert response.status_code == 429, url
        assert response["Retry-After"] == "600"
        assert "Terlalu banyak percobaan, coba lagi dalam 10 menit" in response.content.decode()
    track = client.post(
        reverse("disclosure:track"), {"number": request.number, "contact": "maria@example.test"}
    )
    assert track.status_code == 429
