from django.urls import path

from jembatan.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("cari/", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
]
