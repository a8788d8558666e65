from django.urls import path

from jembatan.literacy import calendars, views, views_manage

app_name = "literacy"

urlpatterns = [
    path("literasi/", views.index, name="index"),
    path("literasi/pelatihan/<int:pk>/", views.training, name="training"),
    path(
        "literasi/pelatihan/<int:pk>/kalender.ics",
        calendars.training_calendar,
        name="training_calendar",
    ),
    path("literasi/kalender.ics", calendars.trainings_calendar, name="trainings_calendar"),
    path("literasi/pelatihan/<int:pk>/daftar/", views.register, name="register"),
    path("literasi/pelatihan/<int:pk>/batal/", views.unregister, name="unregister"),
    path("literasi/modul/<int:pk>/", views.module, name="module"),
    path("literasi/modul/<int:pk>/kuis/", views.quiz, name="quiz"),
    path("literasi/modul/<int:pk>/unduh/", views.module_download, name="module_download"),
    path("literasi/modul/<int:module>/materi/<int:pk>/", views.lesson, name="lesson"),
    path(
        "literasi/modul/<int:module>/materi/<int:pk>/berkas/",
        views.lesson_file,
        name="lesson_file",
    ),
    path("literasi/sertifikat/", views.certificate_lookup, name="certificate_lookup"),
    path("literasi/sertifikat/<str:code>/", views.certificate, name="certificate"),
    path("literasi/skor/<slug:kim>/<int:year>/", views.kim_score, name="kim_score"),
    path("literasi/peringkat/<str:kabupaten>/<int:year>/", views.ranking, name="ranking"),
    path("kelola/literasi/", views_manage.manage_index, name="manage"),
    path("kelola/literasi/saya/", views_manage.mine, name="mine"),
    path("kelola/literasi/bobot/", views_manage.weights, name="weights"),
    path(
        "kelola/literasi/sertifikat/<str:code>/pdf/",
        views_manage.certificate_download,
        name="certificate_pdf",
    ),
    path(
        "kelola/literasi/sertifikat/<str:code>/nama/",
        views_manage.certificate_rename,
        name="certificate_rename",
    ),
    path("kelola/literasi/baru/", views_manage.training_create, name="training_create"),
    path("kelola/literasi/<int:pk>/", views_manage.training_detail, name="manage_training"),
    path("kelola/literasi/<int:pk>/ubah/", views_manage.training_edit, name="training_edit"),
    path("kelola/literasi/<int:pk>/status/", views_manage.training_action, name="training_action"),
    path("kelola/literasi/<int:pk>/hadir/", views_manage.check_in, name="check_in"),
    path("kelola/literasi/modul/baru/", views_manage.module_create, name="module_create"),
    path("kelola/literasi/modul/<int:pk>/", views_manage.module_edit, name="manage_module"),
    path(
        "kelola/literasi/modul/<int:module>/materi/baru/",
        views_manage.lesson_edit,
        name="lesson_create",
    ),
    path(
        "kelola/literasi/modul/<int:module>/materi/<int:pk>/",
        views_manage.lesson_edit,
        name="lesson_edit",
    ),
    path(
        "kelola/literasi/modul/<int:module>/materi/<int:pk>/hapus/",
        views_manage.lesson_delete,
        name="lesson_delete",
    ),
    path(
        "kelola/literasi/modul/<int:module>/soal/",
        views_manage.question_add,
        name="question_add",
    ),
    path(
        "kelola/literasi/modul/<int:module>/soal/<int:pk>/hapus/",
        views_manage.question_delete,
        name="question_delete",
    ),
]
