"""The workspace's own entries: the notifications button."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.notifications import notifications_for_user
from jembatan.core.registry import TOOLS, Entry, workspace_registry


def unread_notifications(user) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()


workspace_registry.register(
    Entry(
        key="workspace.notifications",
        section=TOOLS,
        title=_("Pemberitahuan"),
        url="workspace:notifications",
        order=20,
        count=unread_notifications,
        secondary=True,
    ),
)
