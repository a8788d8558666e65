from django.urls import path

from jembatan.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.kim_list, name="list"),
    path("baru/", views.kim_create, name="create"),
    path("<slug:kim>/", views.kim_manage, name="manage"),
    path("<slug:kim>/ubah/", views.kim_edit, name="edit"),
    path("<slug:kim>/verifikasi/", views.kim_verify, name="verify"),
    path("<slug:kim>/anggota/tambah/", views.member_add, name="member_add"),
    path("<slug:kim>/anggota/<int:member>/", views.member_update, name="member_update"),
]
