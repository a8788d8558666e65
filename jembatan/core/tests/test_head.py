"""Uptime monitors and link checkers ask with HEAD: public pages and files answer it like
GET, without a body (a page that only allowed GET answered them 405)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/ppid/", "/informasi/", "/kim/", "/ppid/laporan/2025.pdf", "/agenda.ics", "/feed/"],
)
def test_head_answers_like_get(client, url):
    head = client.head(url)
    assert head.status_code == client.get(url).status_code == 200
    assert head.content == b""
