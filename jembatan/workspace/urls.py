from django.urls import path

from jembatan.workspace import views, views_tenants

app_name = "workspace"

urlpatterns = [
    path("kelola/", views.home, name="home"),
    path("kelola/pemberitahuan/", views.notifications, name="notifications"),
    path("kelola/tenant/pilih/", views.tenant_switch, name="tenant_switch"),
    path("kelola/audit/", views.audit_log, name="audit_log"),
    path("kelola/platform/tenant/", views_tenants.tenant_list, name="tenants"),
    path("kelola/platform/tenant/baru/", views_tenants.tenant_create, name="tenant_create"),
    path("kelola/platform/tenant/<int:pk>/", views_tenants.tenant_edit, name="tenant_edit"),
    path(
        "kelola/platform/tenant/<int:pk>/nonaktifkan/",
        views_tenants.tenant_set_active,
        {"active": False},
        name="tenant_deactivate",
    ),
    path(
        "kelola/platform/tenant/<int:pk>/aktifkan/",
        views_tenants.tenant_set_active,
        {"active": True},
        name="tenant_activate",
    ),
]
