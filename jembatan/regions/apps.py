from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "jembatan.regions"
    label = "regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        from jembatan.regions.models import Region
        from jembatan.regions.resolve import clear_cache

        # A renamed or new desa is understood by this process at once (others within minutes).
        post_save.connect(clear_cache, sender=Region, dispatch_uid="regions_resolve_save")
        post_delete.connect(clear_cache, sender=Region, dispatch_uid="regions_resolve_delete")
