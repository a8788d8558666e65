from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "jembatan.communities"
    label = "communities"
    verbose_name = _("KIM")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jembatan.accounts.access import forget_actors
        from jembatan.communities.models import Kim, KimMembership

        # The KIM memberships memoised on the acting user (communities.access) go stale
        # when a membership or a KIM changes.
        for model in (Kim, KimMembership):
            uid = f"forget-actors-{model._meta.label}"
            post_save.connect(forget_actors, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_actors, sender=model, dispatch_uid=f"{uid}-deleted")
