"""The operator's tenant form: the kabupaten/kota (by code or name), the hosts one per line
and the settings; the secrets are write-only (never shown back, blank keeps the old)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.regions.models import Region
from jembatan.tenants.models import Tenant, TimeZone
from jembatan.workspace.tenant_services import SECRET_FIELDS, SETTINGS_FIELDS, tenant_hosts


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    """The form field of a Tenant field: its label, help text, choices and limits."""
    model_field = Tenant._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    field = model_field.formfield(**kwargs)
    assert field is not None
    return field


class TenantForm(forms.Form):
    region = forms.CharField(
        label=_("Kabupaten/kota"),
        max_length=120,
        help_text=_("Kode wilayah (mis. 61.07) atau nama (mis. Bengkayang)."),
        widget=forms.TextInput(attrs={"list": "kabupaten-list", "autocomplete": "off"}),
    )
    name = _model_field("name")
    hosts = forms.CharField(
        label=_("Nama host"),
        widget=forms.Textarea(attrs={"rows": 3, "autocapitalize": "none", "spellcheck": "false"}),
        help_text=_(
            "Satu per baris, yang pertama alamat utama (mis. jembatan.bengkayangkab.go.id). "
            "Setiap host harus juga diterima ALLOWED_HOSTS server."
        ),
    )
    palette = _model_field("palette")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG atau WebP; disimpan ulang sebagai JPEG tanpa metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    clear_logo = forms.BooleanField(label=_("Hapus logo"), required=False)
    contact_email = _model_field("contact_email")
    contact_phone = _model_field("contact_phone")
    contact_address = _model_field("contact_address")
    # Empty: the zone of the kabupaten's province (WITA for Bali, WIT for Papua...).
    time_zone = forms.TypedChoiceField(
        label=_("Zona waktu"),
        choices=[("", _("Menurut provinsinya (WIB, WITA atau WIT)")), *TimeZone.choices],
        required=False,
    )
    # The setting's own bound (PAGE_CACHE_SECONDS): past an hour a change waits too long.
    page_cache_seconds = _model_field("page_cache_seconds", min_value=0, max_value=3600)
    verify_days = _model_field("verify_days", min_value=1, max_value=60)
    answer_days = _model_field("answer_days", min_value=1, max_value=60)
    # The rule's "paling lama 60 hari" is the ceiling: a kabupaten may promise sooner.
    complete_days = _model_field("complete_days", min_value=1, max_value=60)
    sms_gateway_url = _model_field("sms_gateway_url", assume_scheme="https")
    sms_gateway_secret = forms.CharField(
        label=_("Rahasia gerbang SMS"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    webhook_secret = forms.CharField(
        label=_("Rahasia webhook aspirasi"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, tenant: Tenant | None = None, **kwargs: Any) -> None:
        self.tenant = tenant
        if tenant is not None and "initial" not in kwargs:
            initial = {name: getattr(tenant, name) for name in SETTINGS_FIELDS}
            initial["hosts"] = "\n".join(tenant_hosts(tenant))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if tenant is None:
            del self.fields["clear_logo"]
        else:
            del self.fields["region"]
            if not tenant.logo:
                del self.fields["clear_logo"]
        for name in SECRET_FIELDS:
            stored = tenant is not None and bool(getattr(tenant, name))
            self.fields[name].help_text = (
                _("Tersimpan (tidak ditampilkan). Kosongkan untuk tetap memakai yang lama.")
                if stored
                else _("Belum diisi.")
            )

    def clean_region(self) -> Region:
        text = " ".join(self.cleaned_data["region"].split())
        kabupaten = Region.objects.filter(level=Region.Level.KABUPATEN)
        by_code = kabupaten.filter(code=text.split(" ")[0]).first()
        if by_code is not None:
            return by_code
        matches = list(kabupaten.filter(name__iexact=text)[:2]) or list(
            kabupaten.filter(name__icontains=text)[:2]
        )
        if not matches:
            raise forms.ValidationError(_("Tidak ada kabupaten/kota dengan kode atau nama itu."))
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Lebih dari satu kabupaten/kota cocok: tulis kodenya (mis. 61.07).")
            )
        return matches[0]

    def clean_hosts(self) -> list[str]:
        return self.cleaned_data["hosts"].splitlines()

    def settings_data(self) -> dict[str, Any]:
        """The settings and secrets as the services take them."""
        names = (*SETTINGS_FIELDS, *SECRET_FIELDS)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
