from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "jembatan.dashboard"
    label = "dashboard"
    verbose_name = _("Dasbor, laporan dan data terbuka")

    def ready(self) -> None:
        from jembatan.dashboard.sitemaps import register as register_sitemaps

        register_sitemaps()
        from jembatan.dashboard import tasks
        from jembatan.literacy.signals import score_weights_changed

        score_weights_changed.connect(
            tasks.score_weights_changed, dispatch_uid="dashboard-score-weights"
        )
