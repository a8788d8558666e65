from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "jembatan.dialogue"
    label = "dialogue"
    verbose_name = _("Dialog publik")

    def ready(self) -> None:
        from jembatan.dialogue.sitemaps import register as register_sitemaps

        register_sitemaps()
        from jembatan.core.moderation import register_word_source
        from jembatan.dialogue import notifications  # noqa: F401 (registers kinds)
        from jembatan.dialogue.moderation import kabupaten_words

        # One word filter per kabupaten: its moderators edit it here, and every moderated
        # text of the kabupaten (site comments too) is screened against it.
        register_word_source(kabupaten_words)
