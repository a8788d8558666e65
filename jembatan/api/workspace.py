"""The api button on the workspace home."""

from django.utils.translation import gettext_lazy as _

from jembatan.api.access import can_use_api
from jembatan.core.registry import TOOLS, Entry, workspace_registry

workspace_registry.register(
    Entry(
        key="api.home",
        section=TOOLS,
        title=_("Token API"),
        url="api:tokens",
        order=80,
        visible=can_use_api,
        secondary=True,
    ),
)
