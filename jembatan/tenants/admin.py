from django.contrib import admin

from jembatan.tenants.models import Tenant, TenantHost


class TenantHostInline(admin.TabularInline):
    model = TenantHost
    extra = 1


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "time_zone", "is_active"]
    search_fields = ["name", "region__name", "hosts__host"]
    raw_id_fields = ["region"]
    # The secrets are write-only: set them in /kelola/platform/tenant/, never shown back.
    exclude = ["sms_gateway_secret", "webhook_secret"]
    inlines = [TenantHostInline]
