"""The disclosure button on the workspace home."""

from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.disclosure.access import can_manage_ppid

workspace_registry.register(
    Entry(
        key="disclosure.home",
        section=TOOLS,
        title=_("PPID"),
        url="disclosure:manage",
        order=60,
        visible=can_manage_ppid,
    ),
)
