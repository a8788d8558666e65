from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jembatan.accounts"
    label = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jembatan.accounts.access import forget_actors
        from jembatan.accounts.models import Membership, User

        # A role granted or taken away counts at once, even on a user object already
        # asked about in this request (accounts.access.actor).
        for model in (Membership, User):
            uid = f"forget-actors-{model._meta.label}"
            post_save.connect(forget_actors, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_actors, sender=model, dispatch_uid=f"{uid}-deleted")
