from django.urls import path

from jembatan.communities import views_forums

app_name = "forums"

urlpatterns = [
    path("forum-kim/", views_forums.forum_list, name="list"),
    path("forum-kim/<slug:slug>/", views_forums.forum_detail, name="detail"),
    path("kelola/forum-kim/", views_forums.manage_list, name="manage_list"),
    path("kelola/forum-kim/baru/", views_forums.manage_create, name="create"),
    path("kelola/forum-kim/<slug:slug>/", views_forums.manage, name="manage"),
    path("kelola/forum-kim/<slug:slug>/ubah/", views_forums.manage_edit, name="edit"),
    path(
        "kelola/forum-kim/<slug:slug>/pengurus/<int:pk>/selesai/",
        views_forums.manage_pengurus_end,
        name="pengurus_end",
    ),
]
