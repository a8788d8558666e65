from django.contrib import admin

from jembatan.aspirations.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kabupaten", "office", "verify_days", "answer_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["kabupaten"]
