from django.urls import path

from jembatan.disclosure import views, views_manage, views_personal

app_name = "disclosure"

urlpatterns = [
    path("ppid/", views.hub, name="hub"),
    path("ppid/daftar/<int:pk>/", views.body_list, name="body"),
    path("ppid/dokumen/<int:pk>/unduh/", views.document_download, name="document_download"),
    path("ppid/permohonan/", views.request_submit, name="request_submit"),
    path("ppid/permohonan/lacak/", views.track, name="track"),
    path(
        "ppid/permohonan/<str:number>/<str:token>/",
        views.request_detail,
        name="request_detail",
    ),
    path(
        "ppid/permohonan/<str:number>/<str:token>/jawaban/",
        views.answer_download,
        name="answer_download",
    ),
    path(
        "ppid/permohonan/<str:number>/<str:token>/keberatan/",
        views.objection_submit,
        name="objection_submit",
    ),
    path(
        "ppid/permohonan/<str:number>/<str:token>/data-saya/",
        views_personal.my_data,
        name="my_data",
    ),
    path(
        "ppid/permohonan/<str:number>/<str:token>/data-saya.json",
        views_personal.my_data_json,
        name="my_data_json",
    ),
    path("ppid/register/", views.register, name="register"),
    path("ppid/laporan/<int:year>/", views.annual_report, name="public_report"),
    path(
        "ppid/laporan/<int:year>.csv",
        views.annual_report_file,
        {"fmt": "csv"},
        name="public_report_csv",
    ),
    path(
        "ppid/laporan/<int:year>.pdf",
        views.annual_report_file,
        {"fmt": "pdf"},
        name="public_report_pdf",
    ),
    path("kelola/ppid/", views_manage.register, name="manage"),
    path("kelola/ppid/badan/", views_manage.bodies, name="manage_bodies"),
    path("kelola/ppid/badan/<int:pk>/", views_manage.documents, name="manage_documents"),
    path(
        "kelola/ppid/badan/<int:pk>/atasan/",
        views_manage.body_superior,
        name="manage_body_superior",
    ),
    path("kelola/ppid/pengaturan/", views_manage.ppid_settings, name="manage_settings"),
    path(
        "kelola/ppid/badan/<int:pk>/tambah/",
        views_manage.document_create,
        name="manage_document_create",
    ),
    path("kelola/ppid/dokumen/<int:pk>/", views_manage.document_edit, name="manage_document"),
    path(
        "kelola/ppid/dokumen/<int:pk>/hapus/",
        views_manage.document_delete,
        name="manage_document_delete",
    ),
    path(
        "kelola/ppid/dokumen/<int:pk>/berkas/",
        views_manage.document_file,
        name="manage_document_file",
    ),
    path(
        "kelola/ppid/permohonan/<str:number>/",
        views_manage.request_detail,
        name="manage_request",
    ),
    path(
        "kelola/ppid/permohonan/<str:number>/perpanjang/",
        views_manage.request_extend,
        name="manage_request_extend",
    ),
    path(
        "kelola/ppid/permohonan/<str:number>/jawab/",
        views_manage.request_answer,
        name="manage_request_answer",
    ),
    path(
        "kelola/ppid/permohonan/<str:number>/identitas/",
        views_manage.request_identity_file,
        name="manage_request_identity",
    ),
    path(
        "kelola/ppid/permohonan/<str:number>/lampiran/",
        views_manage.request_answer_file,
        name="manage_request_file",
    ),
    path(
        "kelola/ppid/keberatan/<str:number>/",
        views_manage.objection_detail,
        name="manage_objection",
    ),
    path("kelola/ppid/laporan/<int:year>/", views_manage.annual_report, name="report"),
    path("kelola/ppid/laporan/<int:year>/uraian/", views_manage.report_text, name="report_text"),
    path(
        "kelola/ppid/laporan/<int:year>/terbitkan/",
        views_manage.report_publish,
        name="report_publish",
    ),
    path(
        "kelola/ppid/laporan/<int:year>.csv",
        views_manage.annual_report,
        {"fmt": "csv"},
        name="report_csv",
    ),
    path(
        "kelola/ppid/laporan/<int:year>.pdf",
        views_manage.annual_report,
        {"fmt": "pdf"},
        name="report_pdf",
    ),
]
