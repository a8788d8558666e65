from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiteracyConfig(AppConfig):
    name = "jembatan.literacy"
    label = "literacy"
    verbose_name = _("Literasi digital dan pembinaan KIM")

    def ready(self) -> None:
        from jembatan.literacy.sitemaps import register as register_sitemaps

        register_sitemaps()
        from jembatan.literacy import notifications  # noqa: F401 (registers kinds)
