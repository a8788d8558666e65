from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from jembatan.api import views, views_manage

app_name = "api"

urlpatterns = [
    path("api/", views.docs, name="docs"),
    path("api/v1/", views.ApiRootView.as_view(), name="root"),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("api/v1/kim/", views.KimListView.as_view(), name="kim_list"),
    path("api/v1/kim/<slug:kim>/", views.KimDetailView.as_view(), name="kim_detail"),
    path("api/v1/kim/<slug:kim>/berita/", views.KimPostsView.as_view(), name="kim_posts"),
    path("api/v1/berita/", views.PostListView.as_view(), name="post_list"),
    path("api/v1/informasi/", views.InfoListView.as_view(), name="info_list"),
    path("api/v1/informasi/<slug:slug>/", views.InfoDetailView.as_view(), name="info_detail"),
    path("api/v1/aspirasi/", views.AspirationListView.as_view(), name="aspiration_list"),
    path(
        "api/v1/aspirasi/<str:code>/",
        views.AspirationDetailView.as_view(),
        name="aspiration_detail",
    ),
    path("api/v1/statistik/<str:kabupaten>/", views.StatisticsView.as_view(), name="statistics"),
    re_path(r"^api/.*$", views.NotFoundView.as_view(), name="not_found"),
    path("kelola/api/", views_manage.tokens, name="tokens"),
    path("kelola/api/<int:pk>/cabut/", views_manage.token_revoke, name="token_revoke"),
    path("kelola/api/open311/", views_manage.aggregator_keys, name="aggregator_keys"),
    path(
        "kelola/api/open311/<int:pk>/cabut/",
        views_manage.aggregator_key_revoke,
        name="aggregator_key_revoke",
    ),
]
