from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from jembatan.core import views as core_views
from jembatan.core import views_ops as core_views_ops

handler400 = "jembatan.core.views.bad_request"
handler404 = "jembatan.core.views.page_not_found"

urlpatterns = [
    path("", include("jembatan.sites.urls")),
    path("", include("jembatan.core.urls")),
    path("", include("jembatan.workspace.urls")),
    path("", include("jembatan.dissemination.urls")),
    path("", include("jembatan.aspirations.urls")),
    path("", include("jembatan.literacy.urls")),
    path("", include("jembatan.disclosure.urls")),
    path("", include("jembatan.dialogue.urls")),
    path("", include("jembatan.clarifications.urls")),
    path("", include("jembatan.dashboard.urls")),
    path("", include("jembatan.api.urls")),
    path("open311/v2/", include("jembatan.api.urls_open311")),
    path("kelola/kim/", include("jembatan.communities.urls")),
    path("", include("jembatan.communities.urls_forums")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views_ops.readyz, name="readyz"),
    path("metrics", core_views_ops.metrics, name="metrics"),
    path("akun/", include("jembatan.accounts.urls")),
    path("wilayah/", include("jembatan.regions.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
