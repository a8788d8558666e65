from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.api.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=80,
        help_text=_("Untuk apa token ini, mis. “Aplikasi SMS desa”."),
    )
    days = forms.IntegerField(
        label=_("Berlaku (hari)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=90,
        help_text=_("Paling lama 365 hari. Setelah itu buat token baru."),
    )
