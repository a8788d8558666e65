from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "jembatan.dialogue"
    label = "dialogue"
    verbose_name = _("Dialog publik")

    def ready(self) -> None:
        from jembatan.dialogue import notifications  # noqa: F401 (registers kinds)
