"""The signed-in home (/kelola/) and the notifications page.

The home knows no app: it shows what the apps registered in ``core.registry`` (each in
its ``workspace.py``), for the user: the tool buttons, the "today" queues (what needs
doing now, with counts) and the panels (the user's roles and KIMs, the KIM inboxes).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jembatan.accounts.notifications import (
    notification_mark_read,
    notification_text,
    notification_title,
    notifications_for_user,
)
from jembatan.core.params import get_page
from jembatan.core.registry import PANELS, TODAY, TOOLS, workspace_registry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "workspace/home.html",
        {
            "tools": workspace_registry.for_user(user, TOOLS),
            "today": workspace_registry.for_user(user, TODAY),
            "panels": workspace_registry.for_user(user, PANELS),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications; POST marks them all read."""
    if request.method == "POST":
        notification_mark_read(user=request.user)
        messages.success(request, _("Semua pemberitahuan ditandai sudah dibaca."))
        return redirect("workspace:notifications")
    page = get_page(Paginator(notifications_for_user(request.user), 30), request.GET.get("halaman"))
    for n in page.object_list:
        n.title = notification_title(n)
        n.text = notification_text(n)
    return render(request, "workspace/notifications.html", {"page": page})
