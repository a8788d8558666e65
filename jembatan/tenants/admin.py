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
    inlines = [TenantHostInline]
