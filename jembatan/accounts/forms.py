from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.backends import find_user_by_login
from jembatan.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "inputmode": "email",
                "autocapitalize": "none",
            }
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Email/nomor HP atau kata sandi salah."),
        "inactive": _("Akun ini tidak aktif."),
    }


class EmailOrPhonePasswordResetForm(PasswordResetForm):
    """Reset by email address; a phone number finds the account's email too."""

    email = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )

    def get_users(self, email: str):
        user = find_user_by_login(email)
        if user is None or not user.email or not user.is_active or not user.has_usable_password():
            return []
        if user.is_demo:
            return []
        return [user]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone"]
