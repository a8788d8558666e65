"""Every page renders; the demo-like world is consistent."""

from __future__ import annotations

import pytest

from jembatan.dialogue.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_public_pages_render(world):
    client = client_for(None)
    c, p, t = world.consultation, world.poll, world.thread
    paragraph = c.sections.first().paragraphs.first()
    for url in [
        "/dialog/",
        c.get_absolute_url(),
        f"/dialog/konsultasi/{c.slug}/p/{paragraph.pk}/",
        p.get_absolute_url(),
        f"/dialog/jajak/{p.slug}/hasil/",
        t.get_absolute_url(),
        "/dialog/verifikasi/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert c.title in client.get("/dialog/").content.decode()


def test_manage_pages_render(world):
    client = client_for(world.admin)
    c, p = world.consultation, world.poll
    for url in [
        "/kelola/dialog/",
        "/kelola/dialog/konsultasi/baru/",
        f"/kelola/dialog/konsultasi/{c.pk}/",
        "/kelola/dialog/jajak/baru/",
        f"/kelola/dialog/jajak/{p.pk}/",
        "/kelola/dialog/diskusi/baru/",
        f"/kelola/dialog/sebarkan/konsultasi/{c.pk}/",
        f"/kelola/dialog/sebarkan/jajak/{p.pk}/",
        "/kelola/dialog/moderasi/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
