"""An install that served one kabupaten (the HUB_REGION_CODE setting, 61.07 by default)
becomes an install with that kabupaten as its first tenant, on the hosts it answered on.

Nothing happens on a database without regions (a fresh install: the demo or
``manage.py tenant_add`` creates tenants) or that has tenants already.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

ZONES = {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}


def _hosts() -> list[str]:
    hosts: list[str] = []
    site = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if site:
        hosts.append(site)
    for pattern in settings.ALLOWED_HOSTS:
        pattern = pattern.lower()
        # Only whole host names: a pattern (".example.id", "*") names no host to serve.
        if pattern and not pattern.startswith(".") and "*" not in pattern and pattern not in hosts:
            hosts.append(pattern)
    return [h for h in hosts if h not in settings.KIM_HOSTS]


def first_tenant(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Tenant = apps.get_model("tenants", "Tenant")
    TenantHost = apps.get_model("tenants", "TenantHost")
    if Tenant.objects.exists():
        return
    code = settings.LEGACY_HUB_REGION_CODE or "61.07"
    region = Region.objects.filter(pk=code, level=2).first()
    if region is None:
        return
    tenant = Tenant.objects.create(
        region=region,
        name=f"{settings.SITE_NAME} {region.name}",
        time_zone=settings.TIME_ZONE if settings.TIME_ZONE in ZONES else "Asia/Jakarta",
        page_cache_seconds=None,
        webhook_secret=settings.ASPIRATION_WEBHOOK_SECRET,
        sms_gateway_url=settings.SMS_GATEWAY_URL,
        sms_gateway_secret=settings.SMS_GATEWAY_SECRET,
    )
    for index, host in enumerate(_hosts()):
        TenantHost.objects.create(tenant=tenant, host=host, is_primary=index == 0)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(first_tenant, migrations.RunPython.noop)]
