from django.urls import path

from jembatan.core import views

app_name = "core"

urlpatterns = [
    path("kelola/", views.workspace, name="workspace"),
    path("kelola/pemberitahuan/", views.notifications, name="notifications"),
]
