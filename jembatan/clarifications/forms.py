from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.models import Office
from jembatan.clarifications.models import Clarification, Verdict
from jembatan.core.forms import SafeModelChoiceField


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Isu atau kabar yang Anda terima"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Salin atau tuliskan isinya, dan di mana Anda melihatnya (grup WhatsApp, Facebook…)."
        ),
    )
    link = forms.URLField(
        label=_("Tautan (opsional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    screenshot = forms.FileField(
        label=_("Tangkapan layar (opsional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Hanya dilihat petugas. Data di dalam gambar dihapus sebelum disimpan."),
    )
    contact_email = forms.EmailField(
        label=_("Email untuk menerima jawaban (opsional)"), required=False, max_length=200
    )
    contact_phone = forms.CharField(
        label=_("Nomor HP untuk menerima jawaban lewat SMS (opsional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Tidak pernah ditampilkan; dihapus setelah jawaban dikirim."),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Jangan diisi"))


class ClarificationForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Kesimpulan"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Judul"), max_length=200)
    claim = forms.CharField(
        label=_("Isu yang beredar"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bunyi isunya, tanpa nama atau nomor orang."),
    )
    explanation = forms.CharField(
        label=_("Penjelasan"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    sources = forms.CharField(
        label=_("Sumber"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu sumber per baris: nama dan/atau tautannya."),
    )

    @classmethod
    def initial_from(cls, row: Clarification) -> dict:
        return {k: getattr(row, k) for k in ("verdict", "title", "claim", "explanation", "sources")}


class AssignForm(forms.Form):
    office = SafeModelChoiceField(
        label=_("Instansi terkait"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("— Diskominfo sendiri —"),
    )

    def __init__(self, *args, kabupaten_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        # Diskominfo is the empty choice ("Diskominfo sendiri"): not listed twice.
        field.queryset = Office.objects.filter(kabupaten_id=kabupaten_code).exclude(
            kind=Office.Kind.DISKOMINFO
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=300)
