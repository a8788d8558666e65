from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.models import AuditLog, Membership, Office, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["region", "office"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "phone", "full_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "phone", "full_name", "is_active", "is_staff", "is_demo"]
    list_filter = ["is_active", "is_staff", "is_superuser", "is_demo"]
    search_fields = ["email", "phone", "full_name"]
    readonly_fields = ["is_demo", "last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "phone", "password"]}),
        (_("Data diri"), {"fields": ["full_name"]}),
        (_("Izin"), {"fields": ["is_active", "is_staff", "is_superuser", "is_demo"]}),
        (_("Waktu"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "phone",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "kabupaten"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["kabupaten"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "action_label", "target_repr", "tenant"]
    list_filter = ["action", "tenant"]
    list_select_related = ["actor", "tenant"]
    search_fields = ["action", "target_repr", "target_id"]
    date_hierarchy = "created_at"

    @admin.display(description=_("arti"))
    def action_label(self, obj: AuditLog) -> str:
        return str(obj.action_label)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
