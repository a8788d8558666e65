from django.urls import path, register_converter

from jembatan.sites import (
    calendars,
    poster,
    views,
    views_comments,
    views_content,
    views_manage,
    views_photos,
)
from jembatan.sites.feeds import hub_feed, kim_feed
from jembatan.sites.sitemaps import robots_txt, sitemap
from jembatan.sites.views_search import search


class ContentKindConverter:
    regex = "potensi|produk|agenda|halaman|galeri"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ContentKindConverter, "kind")

app_name = "sites"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("berita/", views.news, name="news"),
    path("cari/", search, name="search"),
    path("feed/", hub_feed, name="hub_feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("kim/", views.kim_directory, name="kim_directory"),
    path("kim/<slug:kim>/", views.kim_home, name="kim_home"),
    path("kim/<slug:kim>/berita/", views.kim_posts, name="kim_posts"),
    path("kim/<slug:kim>/feed/", kim_feed, name="kim_feed"),
    path("agenda.ics", calendars.hub_calendar, name="hub_calendar"),
    path("kim/<slug:kim>/agenda.ics", calendars.kim_calendar, name="kim_calendar"),
    path(
        "kim/<slug:kim>/agenda/<slug:slug>/kalender.ics",
        calendars.event_calendar,
        name="event_calendar",
    ),
    path("kim/<slug:kim>/profil/", views_content.kim_profile, name="kim_profile"),
    path("kim/<slug:kim>/poster/", poster.kim_poster, name="kim_poster"),
    path("kim/<slug:kim>/<kind:kind>/", views_content.content_list, name="content_list"),
    path(
        "kim/<slug:kim>/<kind:kind>/<slug:slug>/",
        views_content.content_detail,
        name="content_detail",
    ),
    path("kelola/kim/<slug:kim>/<kind:kind>/", views_content.manage_list, name="manage_content"),
    path(
        "kelola/kim/<slug:kim>/<kind:kind>/baru/",
        views_content.manage_edit,
        name="manage_content_create",
    ),
    path(
        "kelola/kim/<slug:kim>/<kind:kind>/<int:pk>/",
        views_content.manage_edit,
        name="manage_content_edit",
    ),
    path(
        "kelola/kim/<slug:kim>/<kind:kind>/<int:pk>/hapus/",
        views_content.manage_delete,
        name="manage_content_delete",
    ),
    path("kim/<slug:kim>/berita/<slug:slug>/", views.post_detail, name="post_detail"),
    path(
        "kim/<slug:kim>/berita/<slug:slug>/komentar/",
        views_comments.comment_submit,
        name="comment_submit",
    ),
    path(
        "kim/<slug:kim>/berita/<slug:slug>/komentar/<int:pk>/laporkan/",
        views_comments.comment_report_view,
        name="comment_report",
    ),
    path(
        "kelola/kim/<slug:kim>/komentar/", views_comments.moderation_queue, name="manage_comments"
    ),
    path(
        "kelola/kim/<slug:kim>/komentar/<int:pk>/",
        views_comments.moderation_action,
        name="manage_comment_action",
    ),
    path("kelola/kim/<slug:kim>/foto/", views_photos.photo_list, name="manage_photos"),
    path(
        "kelola/kim/<slug:kim>/foto/<int:pk>/hapus/",
        views_photos.photo_delete,
        name="manage_photo_delete",
    ),
    path("kelola/kim/<slug:kim>/berita/", views_manage.post_list, name="manage_posts"),
    path(
        "kelola/kim/<slug:kim>/kimid/ambil/", views_manage.kimid_import, name="manage_kimid_import"
    ),
    path("kelola/kim/<slug:kim>/kategori/", views_manage.category_list, name="manage_categories"),
    path(
        "kelola/kim/<slug:kim>/kategori/<int:pk>/hapus/",
        views_manage.category_delete,
        name="manage_category_delete",
    ),
    path("kelola/kim/<slug:kim>/berita/baru/", views_manage.post_create, name="manage_post_create"),
    path("kelola/kim/<slug:kim>/berita/<int:pk>/", views_manage.post_edit, name="manage_post_edit"),
    path(
        "kelola/kim/<slug:kim>/berita/<int:pk>/status/",
        views_manage.post_action,
        name="manage_post_action",
    ),
    path(
        "kelola/kim/<slug:kim>/berita/<int:pk>/revisi/<int:revision>/pulihkan/",
        views_manage.post_restore,
        name="manage_post_restore",
    ),
]
