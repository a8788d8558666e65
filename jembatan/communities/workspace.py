"""The KIM registry on the workspace home: the user's roles, and the KIMs they work in."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, Count, Q, Value, When, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from jembatan.communities.models import DecreeState, Kim, Position
from jembatan.core.registry import PANELS, TOOLS, Entry, track_changes, workspace_registry

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
    """The first KIM_LIMIT of the user's KIMs and how many there are (one query), as the
    rows of the panel: plain values (links, labels), the same for every Diskominfo of a
    kabupaten who holds no KIM post (kept per kabupaten: ``jembatan.workspace.shared``)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=settings.KIM_TERM_WARNING_DAYS)
    positions = get_kim_positions_for_user(user)
    own = list(positions)
    rows = list(
        get_kims_for_user(user)
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
        .order_by("rank", "name", "pk")
        .values(
            "pk",
            "slug",
            "name",
            "level",
            "region__name",
            "verified_at",
            "is_active",
            "term_end",
            "total",
        )[:KIM_LIMIT]
    )
    can_register = is_operator(user) or administers_any_kabupaten(user)
    if not rows and not can_register:
        return None
    not_verified, inactive = _("belum diverifikasi"), _("tidak aktif")
    kims = []
    for row in rows:
        position = positions.get(row["pk"])
        meta = [Kim.Level(row["level"]).label, row["region__name"]]
        if position:
            meta.append(Position(position).label)
        if not row["verified_at"]:
            meta.append(not_verified)
        if not row["is_active"]:
            meta.append(inactive)
        state = Kim(term_end=row["term_end"]).decree_state(today)
        kims.append(
            {
                "href": reverse("communities:manage", args=[row["slug"]]),
                "name": row["name"],
                "meta": " · ".join(str(part) for part in meta),
                "sk_attention": state if state in ATTENTION else "",
                "sk_label": str(DecreeState(state).label),
            }
        )
    return {
        "kims": kims,
        "total": rows[0]["total"] if rows else 0,
        "can_register_kim": can_register,
    }


workspace_registry.register(
    Entry(
        key="communities.forums",
        section=TOOLS,
        title=gettext_lazy("Forum KIM"),
        url="forums:manage_list",
        order=85,
        visible=administers_any_kabupaten,
        secondary=True,
    ),
    Entry(
        key="communities.roles",
        section=PANELS,
        title=gettext_lazy("Peran Anda"),
        order=10,
        template="communities/_workspace_roles.html",
        context=roles_panel,
    ),
    Entry(
        key="communities.kims",
        section=PANELS,
        title=gettext_lazy("KIM yang Anda kelola"),
        order=20,
        template="communities/_workspace_kims.html",
        context=kims_panel,
        shared=True,
    ),
)

track_changes(Kim, lambda kim: kim.kabupaten_id)
