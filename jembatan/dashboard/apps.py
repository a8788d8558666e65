from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "jembatan.dashboard"
    label = "dashboard"
    verbose_name = _("Dasbor, laporan dan data terbuka")

    def ready(self) -> None:
        from jembatan.dashboard import tasks  # noqa: F401 (registers the periodic refresh)
