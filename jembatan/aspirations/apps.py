from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    name = "jembatan.aspirations"
    verbose_name = _("Aspirasi masyarakat")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jembatan.accounts.models import Membership, Office, User
        from jembatan.aspirations import (  # noqa: F401 (metrics, notifications: registers)
            desk_shared,
            metrics,
            notifications,
        )
        from jembatan.aspirations.desk_list import SCOPE_CACHES
        from jembatan.aspirations.forms import hub_rows
        from jembatan.aspirations.models import Category
        from jembatan.regions.models import Region

        for model in (Category, Region):
            post_save.connect(
                hub_rows.clear, sender=model, dispatch_uid=f"hub_rows_{model.__name__}"
            )
            post_delete.connect(
                hub_rows.clear, sender=model, dispatch_uid=f"hub_rows_del_{model.__name__}"
            )
        # The desk's filter choices (desk_list.choices_for): who and what they name.
        for model in (Category, Office, Membership, User, Region):
            for number, cache in enumerate(SCOPE_CACHES):
                uid = f"desk_scope_{number}_{model.__name__}"
                post_save.connect(cache.clear, sender=model, dispatch_uid=f"{uid}_save")
                post_delete.connect(cache.clear, sender=model, dispatch_uid=f"{uid}_del")
        # What the desk's shared list pages show (aspirations.desk_shared).
        desk_shared.connect()
