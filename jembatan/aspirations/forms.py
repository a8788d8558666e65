from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.models import Office
from jembatan.aspirations.models import Aspiration, CaseFlag, Category
from jembatan.core.forms import (
    CopiedPerForm,
    MultipleFileField,
    MultipleFileInput,
    SafeModelChoiceField,
)
from jembatan.core.localcache import LocalCache
from jembatan.regions.forms import RegionField
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code
from jembatan.tenants.resolve import tenant_for_region

# The public form looks up a category and a desa on every submission; both tables change
# rarely, so each process keeps the hub's rows for a minute (cleared on save, see apps.py).
hub_rows: LocalCache[dict] = LocalCache(seconds=60)


def _active_categories(kabupaten_code: str) -> dict[str, Category]:
    return hub_rows.get(
        ("categories", kabupaten_code),
        lambda: {
            str(c.pk): c
            for c in Category.objects.filter(kabupaten_id=kabupaten_code, is_active=True)
        },
    )


def _desa_within(kabupaten_code: str) -> dict[str, Region]:
    return hub_rows.get(
        ("desa", kabupaten_code),
        lambda: {
            r.code: r for r in Region.objects.filter(level=Region.Level.DESA).within(kabupaten_code)
        },
    )


class CategoryField(forms.ModelChoiceField):
    """The kabupaten's active categories, validated against the per-process copy."""

    kabupaten_code = ""

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        category = _active_categories(self.kabupaten_code).get(str(value).strip())
        if category is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return category


class HubDesaField(RegionField):
    """A desa of the kabupaten; codes are looked up in the per-process copy."""

    def region_by_code(self, code: str) -> Region | None:
        return _desa_within(self.within).get(code)


V = Aspiration.Visibility
# What each choice means, said exactly to the citizen who makes it: who sees the text and
# who sees their name and contact (aspirations.access).
VISIBILITY_CHOICES = [
    (
        V.PUBLIC,
        _(
            "Publik: isi aspirasi dan nama saya tampil di situs untuk semua orang. "
            "Nomor HP dan email saya hanya dilihat Diskominfo."
        ),
    ),
    (
        V.ANONYMOUS,
        _(
            "Anonim: isi aspirasi tampil di situs tanpa nama saya. Nama, nomor HP dan "
            "email saya hanya dilihat Diskominfo."
        ),
    ),
    (
        V.CONFIDENTIAL,
        _(
            "Rahasia: tidak tampil di situs. Isinya hanya dilihat Diskominfo dan instansi "
            "yang menanganinya; nama dan kontak saya hanya dilihat Diskominfo."
        ),
    ),
]
# The same for staff and for a KIM member who records a neighbour's aspiration: about
# the reporter, never in the first person.
STAFF_VISIBILITY = {
    V.PUBLIC: _("Publik: isi dan nama pelapor tampil di situs"),
    V.ANONYMOUS: _("Anonim: isi tampil di situs tanpa nama pelapor"),
    V.CONFIDENTIAL: _(
        "Rahasia: tidak tampil di situs; hanya Diskominfo, instansi tujuan dan anggota KIM "
        "yang mencatatnya"
    ),
}

STAFF_VISIBILITY_HELP = _(
    "Nama dan kontak pelapor dilihat Diskominfo dan anggota KIM ini; untuk aspirasi "
    "rahasia hanya Diskominfo dan Anda. Camat dan anggota KIM lain tidak melihat aspirasi "
    "rahasia."
)


class AspirationForm(forms.Form):
    report_type = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=Aspiration.ReportType.choices,
        initial=Aspiration.ReportType.ASPIRATION,
        # Optional: a form saved offline before the field existed is sent as aspirasi.
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Untuk meminta salinan dokumen atau data pemerintah, Anda juga dapat memakai "
            "permohonan informasi publik (PPID)."
        ),
    )
    category = CategoryField(
        label=_("Kategori"), queryset=Category.objects.none(), empty_label=_("— pilih kategori —")
    )
    region = RegionField(
        label=_("Desa atau kelurahan"),
        level=Region.Level.DESA,
        help_text=_("Ketik nama desa atau kelurahan; bila ada yang sama, tambahkan kecamatannya."),
    )
    location = forms.CharField(
        label=_("Lokasi tepatnya (opsional)"),
        required=False,
        max_length=200,
        help_text=_("Mis. RT 03, depan SD Negeri 2."),
    )
    latitude = forms.DecimalField(
        label=_("Titik lokasi: lintang (opsional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Tombol “Gunakan lokasi saya” mengisinya dari ponsel Anda."),
    )
    longitude = forms.DecimalField(
        label=_("Titik lokasi: bujur (opsional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Aspirasi, usulan atau keluhan Anda"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = MultipleFileField(
        label=_("Foto (opsional, paling banyak 4)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Data lokasi di dalam foto dihapus sebelum disimpan."),
    )
    reporter_name = forms.CharField(label=_("Nama Anda"), required=False, max_length=120)
    reporter_phone = forms.CharField(
        label=_("Nomor HP"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    visibility = forms.ChoiceField(
        label=_("Tampil untuk umum?"),
        choices=VISIBILITY_CHOICES,
        initial=Aspiration.Visibility.ANONYMOUS,
        widget=forms.RadioSelect,
        help_text=_(
            "Nomor HP dan email Anda tidak pernah ditampilkan untuk umum. Camat dan "
            "anggota KIM tidak melihat aspirasi rahasia."
        ),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Jangan diisi"))
    # Made by the page's script: a form sent again (offline outbox, double tap, a retry
    # after a lost answer) finds the case the first one made.
    client_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{16,60}$", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, kabupaten_code: str | None = None, regions=None, **kwargs):
        code = kabupaten_code or served_code()
        # The kabupaten's fields are built once per process and only copied per request
        # (as Django copies any form's fields, but without deepcopy's machinery:
        # core.forms.CopiedPerForm): this form is the busiest in the product.
        self.base_fields = _fields_for(code)
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"] = SafeModelChoiceField(
                label=_("Desa atau kelurahan"), queryset=regions, empty_label=None
            )
            # Recorded by a KIM member for a neighbour: the choices speak of the reporter.
            visibility = self.fields["visibility"]
            visibility.choices = list(STAFF_VISIBILITY.items())
            visibility.help_text = STAFF_VISIBILITY_HELP


_fields_by_kabupaten: dict[str, CopiedPerForm] = {}


def _fields_for(code: str) -> CopiedPerForm:
    fields = _fields_by_kabupaten.get(code)
    if fields is None:
        fields = CopiedPerForm(AspirationForm.base_fields)
        category = CategoryField(
            label=fields["category"].label,
            queryset=Category.objects.filter(kabupaten_id=code, is_active=True),
            empty_label=fields["category"].empty_label,
        )
        category.kabupaten_code = code
        fields["category"] = category
        fields["region"] = HubDesaField(
            label=_("Desa atau kelurahan"),
            level=Region.Level.DESA,
            within=code,
            help_text=_(
                "Ketik nama desa atau kelurahan; bila ada yang sama, tambahkan kecamatannya."
            ),
        )
        _fields_by_kabupaten[code] = fields
    return fields


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode lacak"),
        max_length=40,
        help_text=_("Delapan huruf dan angka, mis. 7K3M-Q9XD."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label=_("Tambahkan keterangan untuk petugas"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Apakah jawaban ini menyelesaikan aspirasi Anda?"),
        choices=[("1", _("Ya, selesai")), ("0", _("Belum, buka kembali"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("Nilai jawaban (1 buruk, 5 sangat baik)"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    body = forms.CharField(
        label=_("Komentar (opsional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # The finished case's page also shows FollowUpForm, whose "body" would otherwise
        # take the same id; the field names (what the view reads) stay the same.
        kwargs.setdefault("auto_id", "id_respond_%s")
        super().__init__(*args, **kwargs)


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    # The case as the page showed it (services.case_version): a step taken on an older
    # page is refused instead of silently undoing a colleague's.
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)
    office = SafeModelChoiceField(
        label=_("Instansi"), queryset=Office.objects.none(), required=False
    )
    # "Bukan wewenang" is its own step (refer), which names where the case belongs.
    reason = forms.ChoiceField(
        label=_("Alasan"),
        choices=[
            ("", "—"),
            *(c for c in Aspiration.CloseReason.choices if c[0] != "di_luar_kewenangan"),
        ],
        required=False,
    )
    referred_to = forms.CharField(label=_("Dirujuk ke"), required=False, max_length=200)
    body = forms.CharField(
        label=_("Pesan untuk warga"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kabupaten_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(kabupaten_id=kabupaten_code)


class CommentForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)
    body = forms.CharField(
        label=_("Tulisan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("Foto untuk jawaban publik (opsional, paling banyak 4)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
        help_text=_("Misalnya jalan yang sudah diperbaiki. Data lokasi di dalam foto dihapus."),
    )
    files = MultipleFileField(
        label=_("Berkas PDF untuk jawaban publik (opsional, paling banyak 4)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_(
            "Misalnya laporan pekerjaan atau surat. Hanya petugas dan pelapor yang dapat "
            "mengunduhnya."
        ),
    )
    # Internal unless the writer ticks the box: a note meant for colleagues must never
    # reach the citizen (and the public page) by a default left on.
    public = forms.BooleanField(
        label=_("Tampilkan kepada warga (jawaban publik)"),
        required=False,
        initial=False,
        help_text=_("Tanpa centang, tulisan ini catatan internal: hanya petugas yang melihatnya."),
    )


class NoteForm(forms.Form):
    """The internal note of a KIM pengurus or the camat: local context for staff."""

    body = forms.CharField(
        label=_("Catatan untuk petugas"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hanya petugas yang melihatnya, tidak tampil kepada warga."),
    )


class NudgeForm(forms.Form):
    body = forms.CharField(
        label=_("Pesan untuk instansi (opsional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Menurut Anda aspirasi ini"),
        choices=CaseFlag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Keterangan untuk Diskominfo (opsional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Misalnya kode aspirasi yang sama, atau apa yang Anda ketahui di lapangan."),
    )


class FlagResolveForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)
    decision = forms.ChoiceField(
        choices=[("konfirmasi", "konfirmasi"), ("tolak", "tolak")], widget=forms.HiddenInput
    )
    body = forms.CharField(max_length=4000, required=False)


class ExtendForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)
    new_due = forms.DateField(
        label=_("Batas waktu baru"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Alasan (dikirim kepada warga)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(forms.Form):
    """Merge one case into another (aspirations.merge): both tracking codes, and the
    duplicate's version as the page showed it."""

    duplicate = forms.CharField(widget=forms.HiddenInput, max_length=32)
    original = forms.CharField(widget=forms.HiddenInput, max_length=32)
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "office", "verify_days", "answer_days", "is_active"]

    def __init__(self, *args, kabupaten_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kabupaten_code = kabupaten_code
        self.fields["office"].queryset = Office.objects.filter(kabupaten_id=kabupaten_code)
        # A new category starts with the deadlines its tenant set as the default.
        tenant = tenant_for_region(kabupaten_code) if self.instance._state.adding else None
        for name in ("verify_days", "answer_days"):
            if tenant is not None and name not in kwargs.get("initial", {}):
                self.initial[name] = getattr(tenant, name)
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs.update({"min": 1, "max": 60})

    def clean(self):
        data = super().clean()
        for name in ("verify_days", "answer_days"):
            value = data.get(name)
            if value is not None and not 1 <= value <= 60:
                self.add_error(name, _("Antara 1 dan 60 hari kerja."))
        name = data.get("name")
        taken = Category.objects.filter(kabupaten_id=self.kabupaten_code, name__iexact=name)
        if name and taken.exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("Kategori ini sudah ada."))
        return data


class ContactCorrectForm(forms.Form):
    """The reporter corrects their contact on their data page (aspirations.personal_data
    validates and normalizes it; a field left empty keeps its value)."""

    reporter_name = forms.CharField(label=_("Nama"), max_length=120, required=False)
    reporter_phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
