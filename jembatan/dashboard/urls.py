from django.urls import path, re_path

from jembatan.dashboard import views, views_public

app_name = "dashboard"

urlpatterns = [
    path("kelola/dasbor/", views.overview, name="overview"),
    path("kelola/dasbor/kim/<slug:slug>/", views.kim_dashboard, name="kim"),
    path("kelola/dasbor/daftar/<slug:metric>/", views.metric_list, name="list"),
    re_path(
        r"^kelola/dasbor/laporan/(?P<year>\d{4})-(?P<month>\d{2})\.pdf$",
        views.report,
        name="report",
    ),
    path("kelola/dasbor/aspirasi/", views.office_report, name="office_report"),
    path("kelola/dasbor/monev/", views.monev_report, name="monev"),
    path("statistik/", views_public.statistics, name="statistics"),
    path("data/", views_public.catalogue, name="data"),
    path("data/catalog.json", views_public.catalogue_json, name="catalog"),
    re_path(
        r"^data/(?P<slug>[a-z0-9-]+)\.(?P<fmt>csv|json)$", views_public.dataset, name="dataset"
    ),
]
