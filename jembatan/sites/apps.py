from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "jembatan.sites"
    label = "kimsites"
    verbose_name = _("Situs KIM")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from jembatan.core import structured
        from jembatan.core.pagecache import content_changed
        from jembatan.sites.models import kim_logo

        structured.register_kim_image(kim_logo)

        from jembatan.sites.hosts import kim_host_region
        from jembatan.tenants.resolve import register_host_source

        # A KIM's own host serves its kabupaten's tenant, before the tenants' own hosts.
        register_host_source(kim_host_region)

        # Anything a public page shows: a change makes every cached page stale.
        for label in [
            "communities.Kim",
            "communities.KimMembership",
            "kimsites.Post",
            "kimsites.Comment",
            "kimsites.Potential",
            "kimsites.Product",
            "kimsites.Event",
            "kimsites.Page",
            "kimsites.Album",
            "kimsites.Photo",
        ]:
            model = apps.get_model(label)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}"
            )

        m2m_changed.connect(
            content_changed,
            sender=apps.get_model("kimsites.Album").photos.through,
            dispatch_uid="pagecache-album-photos",
        )

        from jembatan.sites import search

        # Keeps the SQLite full-text indexes in step with posts, potensi and produk
        # (PostgreSQL needs nothing).
        search.connect_signals()
