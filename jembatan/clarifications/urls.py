from django.urls import path

from jembatan.clarifications import views, views_manage

app_name = "clarifications"

urlpatterns = [
    path("klarifikasi/", views.clarification_list, name="list"),
    path("klarifikasi/kirim/", views.submit, name="submit"),
    path("klarifikasi/serupa/", views.similar, name="similar"),
    path("klarifikasi/lacak/<str:code>/", views.submitted, name="submitted"),
    path("klarifikasi/<slug:slug>/", views.detail, name="detail"),
    path("kelola/klarifikasi/", views_manage.home, name="manage"),
    path("kelola/klarifikasi/baru/", views_manage.clarification_new, name="manage_new"),
    path("kelola/klarifikasi/laporan/<int:pk>/", views_manage.report, name="manage_report"),
    path(
        "kelola/klarifikasi/laporan/<int:pk>/aksi/",
        views_manage.report_action,
        name="manage_report_action",
    ),
    path(
        "kelola/klarifikasi/laporan/<int:pk>/tangkapan/",
        views_manage.screenshot,
        name="manage_screenshot",
    ),
    path(
        "kelola/klarifikasi/<int:pk>/",
        views_manage.clarification_edit,
        name="manage_clarification",
    ),
    path(
        "kelola/klarifikasi/<int:pk>/terbitkan/",
        views_manage.clarification_publish,
        name="manage_publish",
    ),
]
