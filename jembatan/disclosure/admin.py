from django.contrib import admin

from jembatan.disclosure.models import InfoDocument, InformationCommission, PublicBody


@admin.register(PublicBody)
class PublicBodyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "kabupaten", "is_active"]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["kabupaten", "region"]
    raw_id_fields = ["office"]


@admin.register(InfoDocument)
class InfoDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "category", "period", "is_published"]
    list_filter = ["category", "is_published"]
    search_fields = ["title"]
    raw_id_fields = ["body"]


@admin.register(InformationCommission)
class InformationCommissionAdmin(admin.ModelAdmin):
    list_display = ["name", "province_code", "address"]
    search_fields = ["name", "province_code"]
