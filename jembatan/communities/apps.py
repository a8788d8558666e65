from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "jembatan.communities"
    label = "communities"
    verbose_name = _("KIM")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from jembatan.accounts.access import forget_actors
        from jembatan.communities.models import Forum, ForumPengurus, Kim, KimMembership, KimTerm
        from jembatan.core.pagecache import content_changed

        # The KIM memberships memoised on the acting user (communities.access) go stale
        # when a membership or a KIM changes.
        for model in (Kim, KimMembership):
            uid = f"forget-actors-{model._meta.label}"
            post_save.connect(forget_actors, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_actors, sender=model, dispatch_uid=f"{uid}-deleted")

        # The forum pages and the pengurus history are public pages: a change makes every
        # cached page stale (as sites does for the KIM and its content).
        for model in (Forum, ForumPengurus, KimTerm):
            uid = f"pagecache-{model._meta.label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-deleted")
        m2m_changed.connect(
            content_changed, sender=Forum.kims.through, dispatch_uid="pagecache-forum-kims"
        )
