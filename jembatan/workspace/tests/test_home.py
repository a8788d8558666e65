"""The home (/kelola/) as each user sees it, and the notifications page beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jembatan.accounts.models import Notification
from jembatan.accounts.notifications import notify
from jembatan.workspace.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_home_keeps_its_address_and_asks_strangers_to_sign_in(client):
    assert reverse("workspace:home") == "/kelola/"
    assert reverse("workspace:notifications") == "/kelola/pemberitahuan/"
    response = client.get("/kelola/")
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


def test_a_user_without_a_role_is_told_whom_to_ask(two_tenants):
    response = client_for(two_tenants.a.outsider).get("/kelola/")
    html = response.content.decode()
    assert "Anda belum memiliki peran" in html
    assert 'id="kims-title"' not in html and 'id="inboxes-title"' not in html
    assert [t.key for t in response.context["tools"]] == [
        "accounts.two_factor",
        "workspace.notifications",
        "literacy.home",
    ]


def test_a_ketua_sees_the_role_the_kim_and_its_inbox(two_tenants):
    a = two_tenants.a
    html = client_for(a.owner).get("/kelola/").content.decode()
    assert f"Ketua — {a.kim.name}" in html
    assert f'href="{reverse("communities:manage", args=[a.kim.slug])}"' in html
    assert f'href="{reverse("dissemination:inbox", args=[a.kim.slug])}"' in html
    assert reverse("communities:create") not in html
    assert two_tenants.b.kim.name not in html


def test_diskominfo_sees_its_tools(staff):
    tools = [t.key for t in client_for(staff.admin).get("/kelola/").context["tools"]]
    assert {"dissemination.manage", "aspirations.queue", "dashboard.home"} <= set(tools)
    assert tools[:2] == ["accounts.two_factor", "workspace.notifications"]


def test_notifications_show_unread_on_the_home_and_are_marked_read(two_tenants):
    user = two_tenants.a.owner
    notify(recipients=[user], kind="info.nudge", key="t:1", params={"item": "Posyandu"})
    client = client_for(user)
    home = client.get("/kelola/")
    (button,) = [t for t in home.context["tools"] if t.key == "workspace.notifications"]
    assert button.count == 1
    page = client.get("/kelola/pemberitahuan/").content.decode()
    assert "Posyandu" in page
    response = client.post("/kelola/pemberitahuan/")
    assert response.status_code == 302 and response.url == "/kelola/pemberitahuan/"
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    (button,) = [
        t for t in client.get("/kelola/").context["tools"] if t.key == "workspace.notifications"
    ]
    assert button.count == 0
