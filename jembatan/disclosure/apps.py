from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "jembatan.disclosure"
    label = "disclosure"
    verbose_name = _("Informasi publik (PPID)")

    def ready(self) -> None:
        from jembatan.disclosure.sitemaps import register as register_sitemaps

        register_sitemaps()
        from jembatan.disclosure import notifications  # noqa: F401 (registers kinds)
