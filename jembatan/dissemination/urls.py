from django.urls import path

from jembatan.dissemination import views, views_inbox, views_manage

app_name = "dissemination"

urlpatterns = [
    path("informasi/", views.info_list, name="list"),
    path("informasi/<slug:slug>/", views.info_detail, name="detail"),
    # Short-link codes are 7 characters, so "lihat" never collides with one.
    path("s/lihat", views.view_beacon, name="beacon"),
    path("s/", views.short_link_home, name="short_link_home"),
    path("s/<str:code>", views.short_link, name="short_link"),
    path("kelola/informasi/", views_manage.item_list, name="manage_list"),
    path("kelola/informasi/baru/", views_manage.item_create, name="manage_create"),
    path("kelola/informasi/pertanyaan/", views_manage.questions, name="manage_questions"),
    path("kelola/informasi/<int:pk>/", views_manage.item_edit, name="manage_edit"),
    path("kelola/informasi/<int:pk>/terbitkan/", views_manage.item_publish, name="manage_publish"),
    path("kelola/informasi/<int:pk>/tarik/", views_manage.item_withdraw, name="manage_withdraw"),
    path("kelola/informasi/<int:pk>/jangkauan/", views_manage.item_reach, name="manage_reach"),
    path("kelola/informasi/<int:pk>/ingatkan/", views_manage.item_nudge, name="manage_nudge"),
    path(
        "kelola/informasi/<int:pk>/tanggapan/<int:feedback>/",
        views_manage.feedback_answer,
        name="manage_answer",
    ),
    path("kelola/kim/<slug:kim>/informasi/", views_inbox.inbox, name="inbox"),
    path("kelola/kim/<slug:kim>/informasi/<int:pk>/", views_inbox.inbox_item, name="inbox_item"),
    path(
        "kelola/kim/<slug:kim>/informasi/<int:pk>/terbitkan-ulang/",
        views_inbox.republish,
        name="inbox_republish",
    ),
    path(
        "kelola/kim/<slug:kim>/informasi/<int:pk>/bagikan/",
        views_inbox.share,
        name="inbox_share",
    ),
    path(
        "kelola/kim/<slug:kim>/informasi/<int:pk>/bagikan/<slug:channel>/",
        views_inbox.share_to,
        name="inbox_share_to",
    ),
    path(
        "kelola/kim/<slug:kim>/informasi/<int:pk>/tanggapan/",
        views_inbox.feedback,
        name="inbox_feedback",
    ),
]
