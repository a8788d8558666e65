from django.urls import path

from jembatan.core import views

app_name = "core"

urlpatterns = [
    path("kelola/", views.workspace, name="workspace"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("kelola/pemberitahuan/", views.notifications, name="notifications"),
]
