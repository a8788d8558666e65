from django.contrib import admin

from jembatan.disclosure.models import (
    AnnualReport,
    InfoDocument,
    InformationCommission,
    PpidSettings,
    PublicBody,
)


@admin.register(PublicBody)
class PublicBodyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "kabupaten", "is_active"]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["kabupaten", "region"]
    raw_id_fields = ["office", "superiors"]


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


@admin.register(PpidSettings)
class PpidSettingsAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "answer_days", "objection_answer_days", "dispute_filing_days"]
    autocomplete_fields = ["kabupaten"]


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "year", "published_at"]
    list_filter = ["year"]
    autocomplete_fields = ["kabupaten"]
