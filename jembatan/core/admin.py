from django.contrib import admin

from jembatan.core.models import Holiday, TaskRecord


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "kabupaten"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["-date"]
    list_select_related = ["kabupaten"]
    # Searched by name or code (RegionAdmin.search_fields), limited to kabupaten/kota.
    autocomplete_fields = ["kabupaten"]


@admin.register(TaskRecord)
class TaskRecordAdmin(admin.ModelAdmin):
    """Background work owed, for operators: read-only; the arguments (which may hold a
    phone number or an address) are not shown."""

    list_display = ["task", "created_at", "enqueued_at", "finished_at", "failed_at", "attempts"]
    list_filter = ["task"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = readonly_fields = (
        "task",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "failed_at",
        "attempts",
        "last_error",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
