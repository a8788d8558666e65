from django.urls import path

from jembatan.dialogue import views, views_manage

app_name = "dialogue"

urlpatterns = [
    path("dialog/", views.index, name="index"),
    path("dialog/verifikasi/", views.verify, name="verify"),
    path("dialog/verifikasi/lupakan/", views.verify_forget, name="verify_forget"),
    path("dialog/konsultasi/<slug:slug>/", views.consultation_detail, name="consultation"),
    path(
        "dialog/konsultasi/<slug:slug>/p/<int:pk>/",
        views.paragraph_comment,
        name="paragraph",
    ),
    path(
        "dialog/konsultasi/<slug:slug>/tanggapan/<int:pk>/suara/",
        views.comment_vote,
        name="vote",
    ),
    path(
        "dialog/konsultasi/<slug:slug>/laporan/",
        views.consultation_report,
        name="report_page",
    ),
    path("dialog/lapor/<str:kind>/<int:pk>/", views.report, name="report"),
    path("dialog/jajak/<slug:slug>/", views.poll_detail, name="poll"),
    path("dialog/jajak/<slug:slug>/hasil/", views.poll_results, name="poll_results"),
    path("dialog/diskusi/<slug:slug>/", views.thread_detail, name="thread"),
    # Workspace
    path("kelola/dialog/", views_manage.home, name="manage"),
    path(
        "kelola/dialog/konsultasi/baru/",
        views_manage.consultation_new,
        name="manage_consultation_new",
    ),
    path(
        "kelola/dialog/konsultasi/<int:pk>/",
        views_manage.consultation_edit,
        name="manage_consultation",
    ),
    path(
        "kelola/dialog/konsultasi/<int:pk>/terbitkan/",
        views_manage.consultation_publish,
        name="manage_consultation_publish",
    ),
    path(
        "kelola/dialog/konsultasi/<int:pk>/bagian/<int:section>/",
        views_manage.section_respond,
        name="manage_section_respond",
    ),
    path(
        "kelola/dialog/konsultasi/<int:pk>/laporan/",
        views_manage.consultation_report_publish,
        name="manage_report_publish",
    ),
    path(
        "kelola/dialog/konsultasi/<int:pk>/ekspor.<str:fmt>",
        views_manage.consultation_export,
        name="manage_consultation_export",
    ),
    path("kelola/dialog/jajak/baru/", views_manage.poll_new, name="manage_poll_new"),
    path("kelola/dialog/jajak/<int:pk>/", views_manage.poll_edit, name="manage_poll"),
    path(
        "kelola/dialog/jajak/<int:pk>/terbitkan/",
        views_manage.poll_publish,
        name="manage_poll_publish",
    ),
    path(
        "kelola/dialog/jajak/<int:pk>/pertanyaan/<int:question>/hapus/",
        views_manage.question_delete,
        name="manage_question_delete",
    ),
    path(
        "kelola/dialog/jajak/<int:pk>/ekspor.<str:fmt>",
        views_manage.poll_export,
        name="manage_poll_export",
    ),
    path("kelola/dialog/jajak/<int:pk>/kertas/", views_manage.poll_paper, name="manage_paper"),
    path("kelola/dialog/diskusi/baru/", views_manage.thread_new, name="manage_thread_new"),
    path(
        "kelola/dialog/diskusi/<int:pk>/kunci/",
        views_manage.thread_lock,
        name="manage_thread_lock",
    ),
    path(
        "kelola/dialog/sebarkan/<str:kind>/<int:pk>/",
        views_manage.disseminate,
        name="manage_disseminate",
    ),
    path("kelola/dialog/moderasi/", views_manage.moderation_queue, name="moderation"),
    path(
        "kelola/dialog/moderasi/kata/",
        views_manage.moderation_word,
        name="moderation_word",
    ),
    path(
        "kelola/dialog/moderasi/blokir/<int:pk>/cabut/",
        views_manage.moderation_unblock,
        name="moderation_unblock",
    ),
    path(
        "kelola/dialog/moderasi/<str:kind>/<int:pk>/",
        views_manage.moderation_action,
        name="moderation_action",
    ),
    path(
        "kelola/dialog/moderasi/<str:kind>/<int:pk>/riwayat/",
        views_manage.moderation_log,
        name="moderation_log",
    ),
]
