from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.communities.models import Kim
from jembatan.core.forms import MultipleFileField, MultipleFileInput, SafeModelMultipleChoiceField
from jembatan.dissemination.access import Area
from jembatan.dissemination.models import InfoItem
from jembatan.regions.models import Region
from jembatan.sites.forms import RICH_TEXT_HELP, RichTextarea
from jembatan.tenants.current import served_code


class InfoItemForm(forms.ModelForm):
    area = forms.ChoiceField(label=_("Diterbitkan atas nama"))
    body = forms.CharField(
        label=_("Isi"),
        widget=RichTextarea(),
        help_text=RICH_TEXT_HELP,
    )
    scope = forms.ChoiceField(
        label=_("Sasaran"), choices=InfoItem.Scope.choices, widget=forms.RadioSelect
    )
    target_kecamatan = SafeModelMultipleChoiceField(
        label=_("Kecamatan sasaran"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Dipakai bila sasaran: KIM di kecamatan terpilih."),
    )
    target_kims = SafeModelMultipleChoiceField(
        label=_("KIM sasaran"),
        queryset=Kim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Dipakai bila sasaran: KIM terpilih."),
    )
    files = MultipleFileField(
        label=_("Lampiran (PDF atau gambar)"),
        required=False,
        widget=MultipleFileInput(
            attrs={
                "accept": ".pdf,application/pdf,image/jpeg,image/png,image/webp",
                "data-photo-preview": "",
            }
        ),
        help_text=_("Boleh beberapa berkas sekaligus; paling banyak 10 lampiran."),
    )
    correction_note = forms.CharField(
        label=_("Catatan perbaikan"),
        required=False,
        max_length=300,
        help_text=_("Wajib bila informasi sudah terbit: apa yang diperbaiki?"),
    )

    class Meta:
        model = InfoItem
        fields = [
            "title",
            "summary",
            "body",
            "category",
            "priority",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    class Media:
        js = ["js/editor.js", "js/photo-field.js"]
        css = {"all": ["css/editor-photos.css"]}

    def __init__(self, *args, areas: list[Area], item: InfoItem | None = None, **kwargs):
        super().__init__(*args, instance=item, **kwargs)
        self.areas = areas
        if item is not None:
            self.fields["area"].choices = [("", Area(item.area, item.office).label)]
            self.fields["area"].required = False
            self.fields["area"].disabled = True
            self.initial.setdefault("scope", item.scope)
            self.initial.setdefault("target_kecamatan", list(item.target_kecamatan.all()))
            self.initial.setdefault("target_kims", list(item.target_kims.all()))
            place = [Area(item.area, item.office)]
        else:
            self.fields["area"].choices = [(a.key, a.label) for a in areas]
            self.initial.setdefault("scope", InfoItem.Scope.AREA)
            place = areas
        if item is None or item.status != InfoItem.Status.PUBLISHED:
            del self.fields["correction_note"]
        if item is not None and item.status != InfoItem.Status.DRAFT:
            # What was sent stays as sent: targets are fixed once published.
            for name in ("scope", "target_kecamatan", "target_kims"):
                self.fields[name].disabled = True
        self.fields["target_kecamatan"].queryset = _kecamatan_in(place)
        self.fields["target_kims"].queryset = _kims_in(place)

    def _post_clean(self) -> None:
        # Sanitising and target checks are the service's (services.item_create/update).
        pass


def _region_codes(areas: list[Area]) -> list[str]:
    codes = [a.region.code for a in areas if a.region is not None]
    if any(a.region is None for a in areas):
        # National publishers pick from the hub kabupaten on this form.
        codes.append(served_code())
    return codes


def _kecamatan_in(areas: list[Area]):
    from django.db.models import Q

    condition = Q(pk__in=[])
    for code in _region_codes(areas):
        condition |= Q(parent_id=code) | Q(pk=code)
    return Region.objects.filter(condition, level=Region.Level.KECAMATAN).order_by("name")


def _kims_in(areas: list[Area]):
    from django.db.models import Q

    condition = Q(pk__in=[])
    for code in _region_codes(areas):
        condition |= Q(region_id=code) | Q(region__code__startswith=f"{code}.")
    return Kim.objects.active().filter(condition).select_related("region").order_by("name")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penarikan"), max_length=300)


class RepublishForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan setempat (opsional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mis. “Posyandu di balai desa, Sabtu 7 Desember pukul 08.00.”"),
    )


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Tanggapan atau pertanyaan untuk penerbit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Jawaban"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
