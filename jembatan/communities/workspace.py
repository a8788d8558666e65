"""The KIM registry on the workspace home: the user's roles, and the KIMs they work in."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, Count, Q, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import (
    administers_any_kabupaten,
    get_memberships_for_user,
    is_operator,
)
from jembatan.communities.access import (
    get_kim_memberships_for_user,
    get_kim_positions_for_user,
    get_kims_for_user,
)
from jembatan.communities.models import DecreeState, Position
from jembatan.core.registry import PANELS, TOOLS, Entry, workspace_registry

# The home shows this many of the user's KIMs (theirs first, then those that need a look);
# a Diskominfo of a big kabupaten oversees hundreds, listed page by page on /kelola/kim/.
KIM_LIMIT = 20
ATTENTION = {DecreeState.EXPIRED, DecreeState.EXPIRING}


def roles_panel(user) -> dict:
    return {
        "memberships": list(get_memberships_for_user(user)),
        "kim_roles": [
            (Position(m.position).label, m.kim) for m in get_kim_memberships_for_user(user)
        ],
    }


def mark_kims(user, kims: list) -> list:
    """Each KIM with the user's position in it and its SK flagged when its term has ended
    or ends soon (staff renew the decree in time), for the rows of ``_kim_rows.html``."""
    positions = get_kim_positions_for_user(user)
    for kim in kims:
        position = positions.get(kim.pk)
        kim.my_position = Position(position).label if position else None
        state = kim.decree_state()
        kim.sk_attention = state if state in ATTENTION else ""
    return kims


def kims_panel(user) -> dict | None:
    """The first KIM_LIMIT of the user's KIMs and how many there are (one query)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=settings.KIM_TERM_WARNING_DAYS)
    own = list(get_kim_positions_for_user(user))
    kims = list(
        get_kims_for_user(user)
        .select_related("region", "kabupaten")
        .annotate(
            total=Window(Count("pk")),
            rank=Case(
                When(pk__in=own, then=Value(0)),
                When(
                    Q(verified_at__isnull=True) | Q(is_active=False) | Q(term_end__lte=soon),
                    then=Value(1),
                ),
                default=Value(2),
            ),
        )
        .order_by("rank", "name", "pk")[:KIM_LIMIT]
    )
    can_register = is_operator(user) or administers_any_kabupaten(user)
    if not kims and not can_register:
        return None
    return {
        "kims": mark_kims(user, kims),
        "total": kims[0].total if kims else 0,
        "can_register_kim": can_register,
    }


workspace_registry.register(
    Entry(
        key="communities.forums",
        section=TOOLS,
        title=_("Forum KIM"),
        url="forums:manage_list",
        order=85,
        visible=administers_any_kabupaten,
        secondary=True,
    ),
    Entry(
        key="communities.roles",
        section=PANELS,
        title=_("Peran Anda"),
        order=10,
        template="communities/_workspace_roles.html",
        context=roles_panel,
    ),
    Entry(
        key="communities.kims",
        section=PANELS,
        title=_("KIM yang Anda kelola"),
        order=20,
        template="communities/_workspace_kims.html",
        context=kims_panel,
    ),
)
