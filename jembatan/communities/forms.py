from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.contact import normalize_contact
from jembatan.accounts.phone import normalize_phone
from jembatan.communities.models import PROFILE_FIELDS, Kim, Position
from jembatan.regions.forms import RegionField
from jembatan.regions.models import Region


class SocialLinksMixin(forms.Form):
    # Typed without a scheme, a link means https.
    facebook_url = forms.URLField(label="Facebook", required=False, assume_scheme="https")
    instagram_url = forms.URLField(label="Instagram", required=False, assume_scheme="https")
    youtube_url = forms.URLField(label="YouTube", required=False, assume_scheme="https")


class KimForm(SocialLinksMixin, forms.ModelForm):
    """The KIM profile. Region, web address and status only for Diskominfo."""

    region = RegionField(
        label=_("Kecamatan/desa/kelurahan"),
        help_text=_("Ketik nama wilayah, lalu pilih; atau tulis kodenya, mis. 61.07.04.1010."),
    )

    class Meta:
        model = Kim
        fields = PROFILE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "sk_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "whatsapp": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "slug": _("Bagian alamat situs, mis. /kim/sebalo/. Kosongkan untuk dibuat otomatis."),
        }

    def __init__(self, *args, administered: list[Region] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if administered:
            queryset = Region.objects.filter(level__gte=Region.Level.KECAMATAN)
            codes = [r.code for r in administered]
            if len(codes) == 1:
                queryset = queryset.within(codes[0])
                self.fields["region"].widget.within = codes[0]
            else:
                queryset = queryset.filter(
                    code__regex=r"^(" + "|".join(c.replace(".", r"\.") for c in codes) + r")\."
                )
            self.fields["region"].queryset = queryset
        else:
            for name in ("region", "slug", "is_active"):
                del self.fields[name]

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and Kim.objects.exclude(pk=self.instance.pk).filter(slug=slug).exists():
            raise ValidationError(_("Alamat web ini sudah dipakai KIM lain. Pilih yang lain."))
        return slug

    def clean_whatsapp(self) -> str:
        value = self.cleaned_data.get("whatsapp") or ""
        return normalize_phone(value) if value else ""

    def _post_clean(self) -> None:
        # The service validates the model and saves; a form only checks its fields here.
        pass


class MemberAddForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    login = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        help_text=_("Jika belum punya akun, akun dibuat dan undangan dikirim ke email ini."),
    )
    position = forms.ChoiceField(
        label=_("Jabatan"), choices=Position.choices, initial=Position.ANGGOTA
    )

    def clean_login(self) -> str:
        return normalize_contact(self.cleaned_data["login"])[0]


class MemberUpdateForm(forms.Form):
    position = forms.ChoiceField(label=_("Jabatan"), choices=Position.choices)
    is_active = forms.BooleanField(label=_("Aktif"), required=False)
