from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "jembatan.dissemination"
    verbose_name = _("Diseminasi informasi")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jembatan.communities.models import Kim
        from jembatan.dissemination import notifications  # noqa: F401 (registers kinds)

        post_save.connect(_kim_saved, sender=Kim, dispatch_uid="dissemination-new-kim")


def _kim_saved(sender, instance, created: bool, **kwargs) -> None:
    """A new KIM receives the current items that target its area (in the background)."""
    if not created or not instance.is_active or kwargs.get("raw"):
        return
    from jembatan.core.tasks import enqueue_on_commit
    from jembatan.dissemination.tasks import deliver_to_new_kim

    enqueue_on_commit(deliver_to_new_kim, instance.pk)
