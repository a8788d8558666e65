from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jembatan.accounts.access import (
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
)
from jembatan.communities.access import get_kims_for_user
from jembatan.communities.models import KimMembership, Position

logger = logging.getLogger(__name__)


@require_GET
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
    positions = dict(
        KimMembership.objects.filter(user=user, is_active=True).values_list("kim_id", "position")
    )
    kims = list(get_kims_for_user(user).select_related("region", "kabupaten")[:200])
    for kim in kims:
        position = positions.get(kim.pk)
        kim.my_position = Position(position).label if position else None
    return render(
        request,
        "core/workspace.html",
        {
            "memberships": get_memberships_for_user(user),
            "kims": kims,
            "can_register_kim": get_administered_kabupaten_for_user(user).exists(),
        },
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = ""
    if exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)
