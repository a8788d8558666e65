from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    name = "jembatan.aspirations"
    verbose_name = _("Aspirasi masyarakat")

    def ready(self) -> None:
        from jembatan.aspirations import notifications  # noqa: F401 (registers kinds)
