from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jembatan.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from jembatan.core import structured, workdays
        from jembatan.core.models import Holiday

        checks.register(structured.check_share_image)

        # Deadlines are computed from a short-lived in-process copy of the holidays.
        post_save.connect(workdays.holiday_changed, sender=Holiday, dispatch_uid="workdays_save")
        post_delete.connect(
            workdays.holiday_changed, sender=Holiday, dispatch_uid="workdays_delete"
        )

        # Every app's background tasks, registered in every process (web and worker), so
        # that services can queue a task by its name (core.tasks.enqueue_on_commit).
        autodiscover_modules("tasks")
        # Every app's personal data (core.personal_data): erasure, the privacy notice and
        # the breach command read one registry.
        autodiscover_modules("personal_data")
