from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jembatan.accounts.access import administers_any_kabupaten, get_memberships_for_user
from jembatan.accounts.models import Notification
from jembatan.api.access import can_use_api
from jembatan.communities.access import get_kim_positions_for_user, get_kims_for_user
from jembatan.communities.models import Position
from jembatan.core.params import BadParameter, get_page
from jembatan.dashboard.access import can_read_dashboard, can_read_office_report
from jembatan.dialogue.access import can_use_dialogue
from jembatan.disclosure.access import can_manage_ppid
from jembatan.dissemination.access import can_publish_information
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.literacy.access import can_manage_literacy

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a round trip to the database; 503 when the database is unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The signed-in home (/kelola/): the user's roles and the KIMs they work in."""
    user = request.user
    positions = get_kim_positions_for_user(user)
    kims = list(get_kims_for_user(user).select_related("region", "kabupaten")[:200])
    # Unread information per KIM the user is a member of (their inboxes).
    unread = dict(
        Delivery.objects.filter(
            kim_id__in=list(positions),
            read_at__isnull=True,
            item__status=InfoItem.Status.PUBLISHED,
        )
        .values("kim_id")
        .annotate(n=Count("id"))
        .values_list("kim_id", "n")
    )
    for kim in kims:
        position = positions.get(kim.pk)
        kim.my_position = Position(position).label if position else None
        kim.unread_info = unread.get(kim.pk, 0)
    return render(
        request,
        "core/workspace.html",
        {
            "memberships": get_memberships_for_user(user),
            "kims": kims,
            "can_register_kim": administers_any_kabupaten(user),
            "can_publish_information": can_publish_information(user),
            "can_manage_literacy": can_manage_literacy(user),
            "can_manage_ppid": can_manage_ppid(user),
            "can_use_dialogue": can_use_dialogue(user),
            "can_use_api": can_use_api(user),
            "can_read_dashboard": can_read_dashboard(user),
            "can_read_office_report": can_read_office_report(user),
            "unread_notifications": Notification.objects.filter(
                recipient=user, read_at__isnull=True
            ).count(),
        },
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, DisallowedHost):
        # The site's page asks the request for its host (links, the tenant), which is the
        # very thing refused: answer plainly.
        return HttpResponseBadRequest(
            _("Permintaan tidak dapat diproses."), content_type="text/plain; charset=utf-8"
        )
    # Only our own parameter messages are shown: a SuspiciousOperation's text is for the log.
    message = exception.message if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = ""
    if exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications; POST marks them all read."""
    from django.contrib import messages
    from django.core.paginator import Paginator
    from django.shortcuts import redirect

    from jembatan.accounts.notifications import (
        notification_mark_read,
        notification_text,
        notification_title,
        notifications_for_user,
    )

    if request.method == "POST":
        notification_mark_read(user=request.user)
        messages.success(request, _("Semua pemberitahuan ditandai sudah dibaca."))
        return redirect("core:notifications")
    page = get_page(Paginator(notifications_for_user(request.user), 30), request.GET.get("halaman"))
    for n in page.object_list:
        n.title = notification_title(n)
        n.text = notification_text(n)
    return render(request, "core/notifications.html", {"page": page})


# The service worker, the web app manifest and the offline page: jembatan/core/views_pwa.py.
