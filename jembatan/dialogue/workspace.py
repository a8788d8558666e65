"""The dialogue button on the workspace home."""

from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.dialogue.access import can_use_dialogue

workspace_registry.register(
    Entry(
        key="dialogue.home",
        section=TOOLS,
        title=_("Dialog publik"),
        url="dialogue:manage",
        order=70,
        visible=can_use_dialogue,
    ),
)
