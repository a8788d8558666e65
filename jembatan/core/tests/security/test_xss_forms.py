"""XSS through the forms themselves: payloads submitted in public and staff text inputs
come back on every page that shows them only escaped (or, in rich text, removed)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client

from jembatan.core.tests.security.test_ratelimits import verified_participant

pytestmark = [pytest.mark.django_db]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = "javascript:alert(1)"
PAYLOAD = f"Warga {SCRIPT} {IMG}"
RICH = f'<p>isi</p>{SCRIPT}<img src="x" onerror="alert(1)"><a href="{LINK}">tautan</a>'


class _Parser(HTMLParser):
    """What a browser would run: inline scripts, event handler attributes, js: links."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")
        self._in_script = tag == "script"

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.problems.append("inline script")

    def handle_endtag(self, tag):
        self._in_script = False


def assert_safe(html: str, where: str) -> None:
    assert "<script>alert(1)" not in html, where
    parser = _Parser()
    parser.feed(html)
    assert not parser.problems, (where, parser.problems)


def assert_shown_escaped(html: str, where: str) -> None:
    assert_safe(html, where)
    assert "&lt;script&gt;alert(1)" in html, f"{where}: payload not shown at all"


def test_public_forms(world):
    from jembatan.aspirations.models import Aspiration
    from jembatan.disclosure.models import InformationRequest

    a = world.args["a"]
    anonymous = Client()
    admin = world.client("kab_admin")
    ketua = world.client("ketua")

    response = anonymous.post(
        "/kim/kim-a/berita/berita-kim-a/komentar/", {"name": PAYLOAD, "body": PAYLOAD}
    )
    assert response.status_code == 302
    assert_shown_escaped(ketua.get("/kelola/kim/kim-a/komentar/").content.decode(), "comments")
    assert_safe(anonymous.get("/kim/kim-a/berita/berita-kim-a/").content.decode(), "post page")

    cache.clear()
    response = anonymous.post(
        "/aspirasi/kirim/",
        {
            "description": f"Jalan rusak {PAYLOAD}",
            "location": PAYLOAD,
            "region": "61.07.04.1010",
            "category": a["pk:case_category"],
            "visibility": "publik",
            "reporter_name": PAYLOAD,
            "reporter_phone": "081234567890",
        },
    )
    assert response.status_code == 302, response.content.decode()[:300]
    case = Aspiration.objects.latest("pk")
    assert_shown_escaped(anonymous.get(f"/aspirasi/{case.code}/").content.decode(), "track")
    html = admin.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert_shown_escaped(html, "manage case")
    assert_safe(admin.get("/kelola/aspirasi/").content.decode(), "queue")
    assert_safe(anonymous.get("/aspirasi/").content.decode(), "public list")

    cache.clear()
    response = anonymous.post(
        "/ppid/permohonan/",
        {
            "body": a["pk:body"],
            "requester_kind": "perorangan",
            "requester_name": PAYLOAD,
            "requester_nik": "6107045203900001",
            "requester_address": PAYLOAD,
            "requester_phone": "081234567890",
            "requester_email": "warga@example.test",
            "information": f"Salinan APBDes {PAYLOAD}",
            "purpose": PAYLOAD,
            "obtain_form": "salinan_elektronik",
            "delivery": "email",
        },
    )
    assert response.status_code == 302, response.content.decode()[:300]
    request = InformationRequest.objects.latest("pk")
    html = admin.get(f"/kelola/ppid/permohonan/{request.number}/").content.decode()
    assert_shown_escaped(html, "manage request")
    assert_safe(anonymous.get("/ppid/register/").content.decode(), "register")
    assert_shown_escaped(anonymous.get(response.url).content.decode(), "requester page")

    participant = verified_participant()
    response = participant.post(f"/dialog/diskusi/{a['slug:thread']}/", {"body": PAYLOAD})
    assert response.status_code == 302
    assert_shown_escaped(
        anonymous.get(f"/dialog/diskusi/{a['slug:thread']}/").content.decode(), "thread"
    )


def test_staff_forms(world):
    from jembatan.dissemination.models import InfoItem
    from jembatan.sites.models import Post

    admin = world.client("kab_admin")
    ketua = world.client("ketua")

    response = ketua.post(
        "/kelola/kim/kim-a/berita/baru/",
        {"title": f"Judul {SCRIPT}", "summary": PAYLOAD, "body": RICH, "tags": PAYLOAD},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    post = Post.objects.latest("pk")
    assert "<script" not in post.body and "onerror" not in post.body and LINK not in post.body
    assert_shown_escaped(
        ketua.get(f"/kelola/kim/kim-a/berita/{post.pk}/").content.decode(), "post edit"
    )
    assert_shown_escaped(ketua.get("/kelola/kim/kim-a/berita/").content.decode(), "post list")

    response = admin.post(
        "/kelola/informasi/baru/",
        {
            "title": f"Informasi {SCRIPT}",
            "summary": PAYLOAD,
            "body": RICH,
            "area": "61.07|",
            "scope": "area",
            "category": "kesehatan",
            "priority": "normal",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    item = InfoItem.objects.latest("pk")
    assert "<script" not in item.body and "onerror" not in item.body
    assert_shown_escaped(admin.get(f"/kelola/informasi/{item.pk}/").content.decode(), "info")
    assert_shown_escaped(admin.get("/kelola/informasi/").content.decode(), "info list")
