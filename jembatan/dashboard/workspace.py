"""The dashboard button on the workspace home."""

from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.dashboard.access import can_read_dashboard

workspace_registry.register(
    Entry(
        key="dashboard.home",
        section=TOOLS,
        title=_("Dasbor"),
        url="dashboard:overview",
        order=90,
        visible=can_read_dashboard,
    ),
)
