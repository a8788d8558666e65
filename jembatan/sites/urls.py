from django.urls import path

from jembatan.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("kim/", views.kim_directory, name="kim_directory"),
    path("kim/<slug:kim>/", views.kim_home, name="kim_home"),
]
