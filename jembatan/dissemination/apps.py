from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "jembatan.dissemination"
    verbose_name = _("Diseminasi informasi")

    def ready(self) -> None:
        from jembatan.dissemination.sitemaps import register as register_sitemaps

        register_sitemaps()
        from django.db.models.signals import post_save

        from jembatan.communities.models import Kim
        from jembatan.dissemination import notifications  # noqa: F401 (registers kinds)
        from jembatan.dissemination.tasks import kim_saved

        post_save.connect(kim_saved, sender=Kim, dispatch_uid="dissemination-new-kim")
