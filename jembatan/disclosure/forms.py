from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.models import Office, User
from jembatan.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from jembatan.disclosure.models import (
    AnnualReport,
    InfoDocument,
    InformationRequest,
    Objection,
    Outcome,
    Pasal17,
    PpidSettings,
    PublicBody,
)
from jembatan.regions.forms import RegionField
from jembatan.regions.models import Region


class BodyChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: PublicBody) -> str:
        return obj.name


class DocumentChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: InfoDocument) -> str:
        return f"{obj.body.name}: {obj.title}"


class RequestForm(forms.Form):
    body = BodyChoiceField(
        label=_("Badan publik yang dimintai informasi"),
        queryset=PublicBody.objects.none(),
        empty_label=_("— pilih badan publik —"),
    )
    document = DocumentChoiceField(
        label=_("Informasi dari Daftar Informasi Publik (opsional)"),
        queryset=InfoDocument.objects.none(),
        required=False,
        empty_label=_("— tidak memilih dari daftar —"),
    )
    information = forms.CharField(
        label=_("Rincian informasi yang dibutuhkan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    purpose = forms.CharField(
        label=_("Tujuan penggunaan informasi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requester_kind = forms.ChoiceField(
        label=_("Pemohon"),
        choices=InformationRequest.RequesterKind.choices,
        initial=InformationRequest.RequesterKind.PERSON,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(
        label=_("Nama lengkap (atau nama badan hukum)"), max_length=150
    )
    requester_nik = forms.CharField(
        label=_("NIK (16 angka, sesuai KTP)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Wajib bagi perorangan dan kelompok; bagi badan hukum NIK kuasanya."),
    )
    requester_legal_basis = forms.CharField(
        label=_("Nomor akta pendirian/pengesahan badan hukum"),
        max_length=200,
        required=False,
        help_text=_("Hanya untuk badan hukum."),
    )
    identity_file = forms.FileField(
        label=_("Foto atau pindaian KTP (atau akta badan hukum)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_(
            "Dianjurkan: mempercepat pemeriksaan identitas. Foto dengan kamera ponsel cukup. "
            "Disimpan rahasia; hanya PPID yang menangani permohonan Anda yang dapat melihatnya."
        ),
    )
    requester_address = forms.CharField(label=_("Alamat"), max_length=300)
    requester_occupation = forms.CharField(
        label=_("Pekerjaan (opsional)"), max_length=100, required=False
    )
    requester_phone = forms.CharField(
        label=_("Nomor telepon/HP"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    requester_email = forms.EmailField(label=_("Email"), required=False)
    obtain_form = forms.ChoiceField(
        label=_("Cara memperoleh informasi"),
        choices=InformationRequest.ObtainForm.choices,
        widget=forms.RadioSelect,
    )
    delivery = forms.ChoiceField(
        label=_("Cara mendapatkan salinan informasi"),
        choices=InformationRequest.Delivery.choices,
        widget=forms.RadioSelect,
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Jangan diisi"))

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = bodies if bodies is not None else PublicBody.objects.none()
        self.fields["body"].queryset = bodies
        self.fields["document"].queryset = (
            InfoDocument.objects.filter(body__in=bodies, is_published=True)
            .select_related("body", "body__region", "body__office")
            .order_by("body_id", "title")
        )


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor registrasi"),
        max_length=30,
        help_text=_("Mis. PPID-2026-000123."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    contact = forms.CharField(
        label=_("Email atau nomor HP yang Anda tulis di permohonan"), max_length=120
    )


class ObjectionForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Alasan keberatan (Pasal 35 UU 14/2008)"),
        choices=Objection.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Uraian keberatan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Judul informasi"), max_length=200)
    summary = forms.CharField(
        label=_("Ringkasan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=_("Kategori"), choices=InfoDocument.Category.choices)
    owner = forms.CharField(label=_("Penanggung jawab"), max_length=150)
    period = forms.CharField(label=_("Periode"), max_length=60, help_text=_("Mis. 2026."))
    format = forms.CharField(label=_("Format"), max_length=30, help_text=_("Mis. PDF, XLSX."))
    file = forms.FileField(
        label=_("Berkas (opsional)"),
        required=False,
        help_text=_("PDF, gambar, XLSX, DOCX atau CSV. Tidak untuk informasi dikecualikan."),
    )
    remove_file = forms.BooleanField(label=_("Hapus berkas yang ada"), required=False)
    exemption_ground = forms.ChoiceField(
        label=_("Dasar pengecualian (Pasal 17), bila dikecualikan"),
        choices=[("", "—"), *Pasal17.choices],
        required=False,
    )
    exemption_reason = forms.CharField(
        label=_("Alasan pengecualian"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    exemption_harm = forms.CharField(
        label=_("Uji konsekuensi"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Akibat yang timbul bila informasi dibuka (Pasal 19)."),
    )
    is_published = forms.BooleanField(label=_("Tampil untuk umum"), required=False, initial=True)


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan perpanjangan (disampaikan tertulis kepada pemohon)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Keputusan"), choices=Outcome.choices)
    grounds = forms.MultipleChoiceField(
        label=_("Dasar penolakan (Pasal 17), bila ditolak seluruhnya atau sebagian"),
        choices=Pasal17.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Jawaban/pemberitahuan tertulis untuk pemohon"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(label=_("Lampiran (opsional)"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Putusan"), choices=Objection.Decision.choices)
    text = forms.CharField(
        label=_("Tanggapan tertulis atasan PPID"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=PublicBody.Kind.choices)
    office = SafeModelChoiceField(
        label=_("Perangkat daerah (untuk OPD)"), queryset=Office.objects.none(), required=False
    )
    contact = forms.CharField(label=_("Kontak PPID (opsional)"), max_length=200, required=False)
    own_name = forms.CharField(
        label=_("Nama badan (opsional)"),
        max_length=150,
        required=False,
        help_text=_("Mis. BUMDes Maju Bersama. Kosongkan untuk nama menurut wilayahnya."),
    )

    def __init__(self, *args, kabupaten_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(kabupaten_id=kabupaten_code)
        self.fields["region"] = RegionField(
            label=_("Desa/kelurahan (untuk pemerintah desa, BPD, BUMDes)"),
            level=Region.Level.DESA,
            within=kabupaten_code,
            required=False,
        )
        self.fields["kecamatan"] = RegionField(
            label=_("Kecamatan (untuk BKAD)"),
            level=Region.Level.KECAMATAN,
            within=kabupaten_code,
            required=False,
        )
        self.order_fields(["kind", "office", "region", "kecamatan", "own_name", "contact"])


class UserChoices(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or str(obj.pk)


class SuperiorForm(forms.Form):
    superior_office = forms.CharField(
        label=_("Jabatan atasan PPID"),
        max_length=150,
        required=False,
        help_text=_("Kosongkan untuk nilai bawaan menurut jenis badan publik."),
    )
    superior_name = forms.CharField(
        label=_("Nama pejabat (opsional)"), max_length=150, required=False
    )
    superiors = UserChoices(
        label=_("Akun yang memutus keberatan"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Bila tidak ada yang dipilih, Diskominfo mencatat putusan atasan PPID di Jembatan."
        ),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superiors"].queryset = candidates


class SettingsForm(forms.ModelForm):
    commission_website = forms.URLField(
        label=_("situs web Komisi Informasi"), required=False, assume_scheme="https"
    )

    class Meta:
        model = PpidSettings
        fields = [
            "answer_days",
            "extension_days",
            "objection_window_days",
            "objection_answer_days",
            "dispute_filing_days",
            "commission_name",
            "commission_address",
            "commission_website",
            "report_reminder_day",
            "report_reminder_month",
            "report_due_day",
            "report_due_month",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.min_value = 1
                field.max_value = 31 if name.endswith("_day") else 12 if "month" in name else 120
                field.widget.attrs.update(min=1, max=field.max_value, inputmode="numeric")


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [
            "policy",
            "facilities",
            "staff",
            "budget",
            "disputes_commission",
            "disputes_court",
            "disputes_text",
            "obstacles",
            "recommendations",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "policy",
                "facilities",
                "staff",
                "budget",
                "disputes_text",
                "obstacles",
                "recommendations",
            )
        }


class RequesterCorrectForm(forms.Form):
    """The requester corrects their identity or contact on their data page
    (disclosure.personal_data validates; an empty field keeps its value)."""

    requester_name = forms.CharField(label=_("Nama"), max_length=150, required=False)
    requester_address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    requester_phone = forms.CharField(
        label=_("Telepon"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    requester_email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
