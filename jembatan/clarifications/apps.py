from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClarificationsConfig(AppConfig):
    name = "jembatan.clarifications"
    label = "clarifications"
    verbose_name = _("Klarifikasi isu")

    def ready(self) -> None:
        from jembatan.clarifications.sitemaps import register as register_sitemaps

        register_sitemaps()
