from django.contrib import admin

from jembatan.core.models import Holiday


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
