from django.urls import path

from jembatan.aspirations import views, views_desk, views_manage, webhook

app_name = "aspirations"

urlpatterns = [
    path("aspirasi/", views.case_list, name="list"),
    path("aspirasi/kirim/", views.submit, name="submit"),
    path("aspirasi/lacak/", views.track, name="track"),
    path("aspirasi/mirip/", views.similar, name="similar"),
    path("aspirasi/webhook/", webhook.inbound, name="webhook"),
    path("aspirasi/<str:code>/", views.track_detail, name="track_detail"),
    path("aspirasi/<str:code>/terkirim/", views.submitted, name="submitted"),
    path("aspirasi/<str:code>/tambahan/", views.follow_up, name="follow_up"),
    path("aspirasi/<str:code>/data-saya/", views.my_data, name="my_data"),
    path("aspirasi/<str:code>/data-saya.json", views.my_data_json, name="my_data_json"),
    path("aspirasi/<str:code>/tanggapan/", views.respond, name="respond"),
    path("aspirasi/<str:code>/berkas/<int:pk>/", views.answer_file, name="answer_file"),
    path("kelola/aspirasi/", views_desk.queue, name="manage_queue"),
    path("kelola/aspirasi/massal/", views_desk.bulk, name="manage_bulk"),
    path("kelola/aspirasi/kategori/", views_manage.categories, name="manage_categories"),
    path("kelola/aspirasi/tanda-kim/", views_manage.flags, name="manage_flags"),
    path(
        "kelola/aspirasi/kategori/<int:pk>/",
        views_manage.categories,
        name="manage_category_edit",
    ),
    path("kelola/aspirasi/<str:code>/", views_manage.case_detail, name="manage_detail"),
    path("kelola/aspirasi/<str:code>/tindakan/", views_manage.case_action, name="manage_action"),
    path("kelola/aspirasi/<str:code>/tulis/", views_manage.case_comment, name="manage_comment"),
    path("kelola/aspirasi/<str:code>/ambil/", views_manage.case_take, name="manage_take"),
    path("kelola/aspirasi/<str:code>/gabung/", views_manage.case_merge, name="manage_merge"),
    path("kelola/aspirasi/<str:code>/pisah/", views_manage.case_unmerge, name="manage_unmerge"),
    path("kelola/aspirasi/<str:code>/perpanjang/", views_manage.case_extend, name="manage_extend"),
    path("kelola/aspirasi/<str:code>/dorong/", views_manage.case_nudge, name="manage_nudge"),
    path("kelola/aspirasi/<str:code>/tandai/", views_manage.case_flag, name="manage_flag"),
    path(
        "kelola/aspirasi/<str:code>/tanda/",
        views_manage.case_flag_resolve,
        name="manage_flag_resolve",
    ),
    path(
        "kelola/aspirasi/<str:code>/berkas/<int:pk>/",
        views_manage.answer_file,
        name="manage_file",
    ),
    path("kelola/aspirasi/<str:code>/lapor.json", views_manage.case_export, name="manage_export"),
    path(
        "kelola/kim/<slug:kim>/aspirasi/baru/",
        views_manage.record_for_neighbour,
        name="record",
    ),
]
