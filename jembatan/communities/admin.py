from django.contrib import admin

from jembatan.communities.models import Kim, KimMembership


class KimMembershipInline(admin.TabularInline):
    model = KimMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Kim)
class KimAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "kabupaten", "is_active", "verified_at"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "slug", "region__name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["region"]
    inlines = [KimMembershipInline]
