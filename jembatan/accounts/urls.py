from django.urls import path

from jembatan.accounts import views, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("dua-langkah/", views_two_factor.manage, name="two_factor"),
    path("dua-langkah/atur/", views_two_factor.setup, name="two_factor_setup"),
    path("dua-langkah/verifikasi/", views_two_factor.verify, name="two_factor_verify"),
    path("dua-langkah/kode-cadangan/", views_two_factor.codes, name="two_factor_codes"),
    path(
        "dua-langkah/kode-cadangan/baru/",
        views_two_factor.regenerate,
        name="two_factor_regenerate",
    ),
    path("dua-langkah/matikan/", views_two_factor.disable, name="two_factor_disable"),
    path("lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-sandi/terkirim/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "lupa-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "lupa-sandi/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
