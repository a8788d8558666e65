from django.contrib import admin

from jembatan.literacy.models import Certificate, KimScore, Module, ScoreWeights, Training


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "kabupaten", "starts_at", "status", "quota"]
    list_filter = ["status", "kabupaten"]
    raw_id_fields = ["organiser", "target_kims"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "kabupaten", "is_published", "order"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "subject", "issued_at"]
    search_fields = ["code"]
    raw_id_fields = ["user", "training", "module"]


admin.site.register(ScoreWeights)
admin.site.register(KimScore)
