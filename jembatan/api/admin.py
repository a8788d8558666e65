from django.contrib import admin

from jembatan.api.models import AggregatorKey, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only for operators (who holds which token, when used); users revoke their own
    in /kelola/api/. No secret is stored, so none can be shown here."""

    list_display = [
        "name",
        "user",
        "key_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "key_prefix", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AggregatorKey)
class AggregatorKeyAdmin(admin.ModelAdmin):
    """Read-only for operators; the kabupaten's admins make and revoke keys in
    /kelola/api/open311/ (with audit rows). No secret is stored, so none can be shown."""

    list_display = [
        "name",
        "kabupaten",
        "key_prefix",
        "per_minute",
        "per_hour",
        "is_active",
        "created_by",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix", "kabupaten__name"]
    readonly_fields = [f.name for f in AggregatorKey._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
