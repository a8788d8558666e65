"""The account's entry on the workspace home: two-step verification."""

from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry

workspace_registry.register(
    Entry(
        key="accounts.two_factor",
        section=TOOLS,
        title=_("Verifikasi dua langkah"),
        url="accounts:two_factor",
        order=10,
        secondary=True,
    ),
)
