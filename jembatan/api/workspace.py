"""The api buttons on the workspace home: personal tokens, and the Open311 aggregator keys
of the kabupaten (Diskominfo)."""

from django.utils.translation import gettext_lazy as _

from jembatan.api.access import can_manage_aggregator_keys, can_use_api
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
    Entry(
        key="api.aggregator_keys",
        section=TOOLS,
        title=_("Kunci Open311"),
        url="api:aggregator_keys",
        order=81,
        visible=can_manage_aggregator_keys,
        secondary=True,
    ),
)
