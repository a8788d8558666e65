from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jembatan.accounts"
    label = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.module_loading import autodiscover_modules

        from jembatan.accounts.access import forget_actors
        from jembatan.accounts.models import Membership, User

        # A role granted or taken away counts at once, even on a user object already
        # asked about in this request (accounts.access.actor).
        for model in (Membership, User):
            uid = f"forget-actors-{model._meta.label}"
            post_save.connect(forget_actors, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_actors, sender=model, dispatch_uid=f"{uid}-deleted")

        # Every app declares its audit actions in its own audit_actions.py; the registry
        # (accounts.audit_registry) must know them all before the first row is written.
        autodiscover_modules("audit_actions")
