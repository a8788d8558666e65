from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.api.services import MAX_DAYS, MAX_PER_HOUR, MAX_PER_MINUTE
from jembatan.core.forms import SafeModelChoiceField
from jembatan.regions.models import Region


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


class AggregatorKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Nama aplikasi pengumpul"),
        max_length=80,
        help_text=_("Siapa yang memakai kunci ini, mis. “Aplikasi Bengkayang Kita”."),
    )
    kabupaten = SafeModelChoiceField(
        label=_("Kabupaten/kota"), queryset=Region.objects.none(), empty_label=None
    )
    per_minute = forms.IntegerField(
        label=_("Batas kiriman per menit"), min_value=1, max_value=MAX_PER_MINUTE, initial=30
    )
    per_hour = forms.IntegerField(
        label=_("Batas kiriman per jam"),
        min_value=1,
        max_value=MAX_PER_HOUR,
        initial=600,
        help_text=_("Warga tanpa kunci tetap memakai batas warga."),
    )

    def __init__(self, *args, kabupaten: list[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kabupaten"].queryset = Region.objects.filter(
            code__in=[region.code for region in kabupaten]
        )
