"""Information on the workspace home: the publishers' page, their today queues (KIM
questions not yet answered, items with low reach), and each KIM member's inbox.

The two queues are shared (the same for every Diskominfo of a kabupaten:
``jembatan.workspace.shared``): an item saved and a question asked or answered mark the
item's kabupaten changed; the reach of a delivery (a KIM re-publishing, sharing) shows
within the cache's lifetime.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import get_roles_for_user
from jembatan.communities.access import get_kim_memberships_for_user
from jembatan.core.registry import PANELS, TODAY, TOOLS, Entry, track_changes, workspace_registry
from jembatan.dissemination.access import (
    can_publish_information,
    get_low_reach_items_for_user,
    get_open_questions_for_user,
)
from jembatan.dissemination.models import Delivery, Feedback, InfoItem


def _publishes(user) -> bool:
    """Government roles publish information (and answer the KIMs' questions on it)."""
    return bool(get_roles_for_user(user))


def inboxes_panel(user) -> dict | None:
    """The inbox of every KIM the user is a member of, with its unread count (one query)."""
    memberships = get_kim_memberships_for_user(user)
    if not memberships:
        return None
    unread = dict(
        Delivery.objects.filter(
            kim_id__in=[m.kim_id for m in memberships],
            read_at__isnull=True,
            item__status=InfoItem.Status.PUBLISHED,
        )
        .values("kim_id")
        .annotate(n=Count("id"))
        .values_list("kim_id", "n")
    )
    return {"inboxes": [(m.kim, unread.get(m.kim_id, 0)) for m in memberships]}


workspace_registry.register(
    Entry(
        key="dissemination.manage",
        section=TOOLS,
        title=_("Informasi pembangunan"),
        url="dissemination:manage_list",
        order=30,
        visible=lambda user: _publishes(user) and can_publish_information(user),
    ),
    Entry(
        key="dissemination.questions",
        section=TODAY,
        title=_("Pertanyaan KIM belum dijawab"),
        url="dissemination:manage_questions",
        order=60,
        visible=_publishes,
        count=lambda user: get_open_questions_for_user(user).count(),
        shared=True,
    ),
    Entry(
        key="dissemination.low_reach",
        section=TODAY,
        title=_("Informasi berjangkauan rendah"),
        help=_("Kurang dari separuh KIM sasaran menyebarkannya; ingatkan yang belum bertindak."),
        url="dissemination:manage_list",
        query="jangkauan=rendah",
        order=70,
        visible=_publishes,
        count=lambda user: get_low_reach_items_for_user(user).count(),
        shared=True,
    ),
    Entry(
        key="dissemination.inboxes",
        section=PANELS,
        title=_("Kotak masuk informasi"),
        order=30,
        template="dissemination/_workspace_inboxes.html",
        context=inboxes_panel,
    ),
)


def _question_area(question: Feedback) -> str | None:
    """The area of the item a KIM's question is on (a rare write: one query)."""
    return (
        Delivery.objects.filter(pk=question.delivery_id)
        .values_list("item__area_id", flat=True)
        .first()
    )


track_changes(InfoItem, lambda item: item.area_id)
track_changes(Feedback, _question_area)
