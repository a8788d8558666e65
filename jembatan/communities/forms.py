from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.contact import normalize_contact
from jembatan.accounts.phone import normalize_phone
from jembatan.communities.models import (
    KIMID_TAKEN,
    PROFILE_FIELDS,
    Forum,
    Kim,
    Position,
    kimid_address,
    kimid_key,
)
from jembatan.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
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

    kimid_url = forms.URLField(
        label=_("Situs kim.id"),
        required=False,
        assume_scheme="https",
        help_text=_("Situs gratis KIM dari Kementerian, mis. https://sebalo.kim.id/."),
    )
    kimid_feed_url = forms.URLField(
        label=_("Feed RSS/Atom situs kim.id"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Jika diisi, berita di situs kim.id diambil ke sini; tidak perlu menulis dua kali."
        ),
    )
    sk_scan = forms.FileField(
        label=_("Scan SK (PDF atau foto)"),
        required=False,
        help_text=_("SK adalah keputusan resmi yang terbuka: scannya tampil di profil publik."),
    )

    class Meta:
        model = Kim
        fields = PROFILE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "sk_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "whatsapp": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "slug": _("Bagian alamat situs, mis. /kim/sebalo/. Kosongkan untuk dibuat otomatis."),
        }

    def __init__(self, *args, administered: list[Region] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk is None:
            # The scan comes with the first edit: kim_create takes no file.
            del self.fields["sk_scan"]
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

    def clean_kimid_number(self) -> str:
        value = (self.cleaned_data.get("kimid_number") or "").strip().upper()
        # Compared without its separators, and said without naming the KIM or kabupaten
        # that holds it.
        others = Kim.objects.exclude(pk=self.instance.pk)
        if value and others.filter(kimid_key=kimid_key(value)).exists():
            raise ValidationError(KIMID_TAKEN)
        return value

    def clean_kimid_url(self) -> str:
        return self.clean_kimid_url_value("kimid_url")

    def clean_kimid_feed_url(self) -> str:
        return self.clean_kimid_url_value("kimid_feed_url")

    def clean_kimid_url_value(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        if value:
            kimid_address(value)  # the very check the feed fetch makes (sites.kimid)
        return value

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("Masa bakti tidak dapat berakhir sebelum dimulai."))
        return data

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
    seksi_name = forms.CharField(
        label=_("Nama seksi"),
        max_length=60,
        required=False,
        help_text=_("Hanya untuk jabatan seksi, mis. Humas."),
    )

    def clean_login(self) -> str:
        return normalize_contact(self.cleaned_data["login"])[0]


class MemberUpdateForm(forms.Form):
    position = forms.ChoiceField(label=_("Jabatan"), choices=Position.choices)
    seksi_name = forms.CharField(label=_("Nama seksi"), max_length=60, required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False)


class ForumForm(forms.ModelForm):
    """A Forum KIM: its region is the kabupaten or one of its kecamatan; its members are
    KIMs of that region (the service checks)."""

    kims = SafeModelMultipleChoiceField(
        label=_("KIM anggota"),
        queryset=Kim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Forum
        fields = [
            "name",
            "region",
            "slug",
            "description",
            "sk_number",
            "sk_date",
            "sk_signer",
            "term_start",
            "term_end",
            "kims",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "sk_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "slug": _(
                "Bagian alamat halaman, mis. /forum-kim/ledo/. Kosongkan untuk dibuat otomatis."
            ),
        }

    def __init__(self, *args, administered: list[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        codes = [r.code for r in administered]
        prefix = r"^(" + "|".join(c.replace(".", r"\.") for c in codes) + r")"
        self.fields["slug"].required = False
        self.fields["region"].queryset = Region.objects.filter(
            code__regex=prefix + r"(\.[0-9]+)?$",
            level__in=[Region.Level.KABUPATEN, Region.Level.KECAMATAN],
        ).order_by("code")
        self.fields["kims"].queryset = (
            Kim.objects.active().filter(kabupaten_id__in=codes).select_related("region")
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and Forum.objects.exclude(pk=self.instance.pk).filter(slug=slug).exists():
            raise ValidationError(_("Alamat web ini sudah dipakai forum lain. Pilih yang lain."))
        return slug

    def _post_clean(self) -> None:
        # The service validates and saves.
        pass


class ForumPengurusForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    position = forms.ChoiceField(label=_("Jabatan"), choices=Position.choices)
    seksi_name = forms.CharField(
        label=_("Nama seksi"),
        max_length=60,
        required=False,
        help_text=_("Hanya untuk jabatan seksi, mis. Humas."),
    )
    kim = SafeModelChoiceField(label=_("Dari KIM"), queryset=Kim.objects.none(), required=False)
    started_on = forms.DateField(
        label=_("Mulai menjabat"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Kosongkan untuk hari ini."),
    )

    def __init__(self, *args, forum: Forum, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kim"].queryset = forum.kims.all()
