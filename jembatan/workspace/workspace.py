"""The workspace's own entries: the notifications, the audit trail (Diskominfo and
operators) and the tenants (the platform operator only)."""

from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import is_operator
from jembatan.accounts.models import User
from jembatan.accounts.notifications import notifications_for_user
from jembatan.core.compiled import CompiledCount
from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.workspace.views import can_read_audit_log

# Counted on every visit of the home: compiled to SQL once per process.
_unread = CompiledCount(
    lambda pk: notifications_for_user(User(pk=pk)).filter(read_at__isnull=True), -424242
)


def unread_notifications(user) -> int:
    return _unread(user.pk)


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
    Entry(
        key="workspace.audit_log",
        section=TOOLS,
        title=_("Catatan audit"),
        url="workspace:audit_log",
        order=95,
        visible=can_read_audit_log,
        secondary=True,
    ),
    Entry(
        key="workspace.tenants",
        section=TOOLS,
        title=_("Tenant (kabupaten/kota)"),
        url="workspace:tenants",
        order=96,
        visible=lambda user: is_operator(user, platform=True),
        secondary=True,
    ),
)
