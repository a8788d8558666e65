from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The signed-in home (/kelola/), filled by the apps (floor 8: above them all)."""

    name = "jembatan.workspace"
    label = "workspace"
    verbose_name = _("Ruang kerja")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's workspace.py registers its entries (the admin's autodiscover pattern).
        autodiscover_modules("workspace")
