"""The KIM registry on the workspace home: the user's roles, and the KIMs they work in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import (
    administers_any_kabupaten,
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
)
from jembatan.communities.access import (
    get_kim_memberships_for_user,
    get_kim_positions_for_user,
    get_kims_for_user,
)
from jembatan.communities.models import DecreeState, Position
from jembatan.core.registry import PANELS, TOOLS, Entry, workspace_registry

KIM_LIMIT = 200
ATTENTION = {DecreeState.EXPIRED, DecreeState.EXPIRING}


def roles_panel(user) -> dict:
    return {
        "memberships": list(get_memberships_for_user(user)),
        "kim_roles": [
            (Position(m.position).label, m.kim) for m in get_kim_memberships_for_user(user)
        ],
    }


def kims_panel(user) -> dict | None:
    positions = get_kim_positions_for_user(user)
    kims = list(get_kims_for_user(user).select_related("region", "kabupaten")[:KIM_LIMIT])
    can_register = get_administered_kabupaten_for_user(user).exists()
    if not kims and not can_register:
        return None
    for kim in kims:
        position = positions.get(kim.pk)
        kim.my_position = Position(position).label if position else None
        # An SK whose term has ended or ends soon is flagged where staff see their KIMs.
        state = kim.decree_state()
        kim.sk_attention = state if state in ATTENTION else ""
    return {"kims": kims, "can_register_kim": can_register}


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
