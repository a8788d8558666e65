from django.urls import path

from jembatan.core import views, views_privacy, views_pwa

app_name = "core"

urlpatterns = [
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("offline/", views_pwa.offline, name="offline"),
    path("formulir/token/", views.form_token, name="form_token"),
    path("privasi/", views_privacy.privacy, name="privacy"),
]
