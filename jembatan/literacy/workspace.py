"""Literacy on the workspace home: the organisers' page, or everyone's own learning."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.literacy.access import can_manage_literacy


def _manages(user) -> bool:
    manages = getattr(user, "_workspace_literacy", None)
    if manages is None:
        manages = user._workspace_literacy = can_manage_literacy(user)
    return manages


workspace_registry.register(
    Entry(
        key="literacy.home",
        section=TOOLS,
        title=_("Literasi dan pembinaan"),
        order=50,
        url_for=lambda user: reverse("literacy:manage" if _manages(user) else "literacy:mine"),
        title_for=lambda user: (
            _("Literasi dan pembinaan") if _manages(user) else _("Pelatihan dan belajar")
        ),
    ),
)
