from django.urls import path

from jembatan.workspace import views

app_name = "workspace"

urlpatterns = [
    path("kelola/", views.home, name="home"),
    path("kelola/pemberitahuan/", views.notifications, name="notifications"),
]
