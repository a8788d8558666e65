from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jembatan.accounts"
    label = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jembatan.accounts.access import roles_changed
        from jembatan.accounts.models import Membership, User

        # A user object keeps its roles read once until a membership or a user changes.
        for model in (Membership, User):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"roles_{model.__name__}")
            post_delete.connect(
                roles_changed, sender=model, dispatch_uid=f"roles_del_{model.__name__}"
            )
