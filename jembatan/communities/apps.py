from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "jembatan.communities"
    label = "communities"
    verbose_name = _("KIM")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jembatan.accounts.access import roles_changed
        from jembatan.communities.models import Kim, KimMembership

        # Memos of a user's KIM memberships (communities.access) end when one changes.
        for model in (Kim, KimMembership):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"roles_{model.__name__}")
            post_delete.connect(
                roles_changed, sender=model, dispatch_uid=f"roles_del_{model.__name__}"
            )
