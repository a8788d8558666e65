from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "jembatan.dissemination"
    verbose_name = _("Diseminasi informasi")

    def ready(self) -> None:
        from jembatan.dissemination import notifications  # noqa: F401 (registers kinds)
