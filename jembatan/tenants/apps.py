from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "jembatan.tenants"
    label = "tenants"
    verbose_name = _("Tenant")

    def ready(self) -> None:
        from jembatan.core import gateway, links, pagecache, workdays
        from jembatan.tenants import resolve
        from jembatan.tenants.current import serving_domain
        from jembatan.tenants.models import Tenant, TenantHost

        for model in (Tenant, TenantHost):
            post_save.connect(
                resolve.changed, sender=model, dispatch_uid=f"tenants_{model.__name__}_save"
            )
            post_delete.connect(
                resolve.changed, sender=model, dispatch_uid=f"tenants_{model.__name__}_delete"
            )
            # A tenant's name, hosts or state are on every cached page of its hosts (and
            # the page cache's fast path answers before TenantMiddleware looks at them).
            post_save.connect(
                pagecache.content_changed,
                sender=model,
                dispatch_uid=f"tenants_{model.__name__}_save_pages",
            )
            post_delete.connect(
                pagecache.content_changed,
                sender=model,
                dispatch_uid=f"tenants_{model.__name__}_delete_pages",
            )
        # Deadlines are counted in the tenant's own time zone (core knows no app).
        workdays.register_zone_source(resolve.zone_for_region)
        # Stable identifiers and links of work for one tenant use its primary host.
        links.register_domain_source(serving_domain)
        # Texts about a kabupaten go through its tenant's own gateway, when it has one.
        gateway.register_gateway_source(resolve.gateway_for_region)
