from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jembatan.communities.models import Kim
from jembatan.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from jembatan.core.moderation import HoneypotForm
from jembatan.core.params import validate_moment
from jembatan.core.workdays import zone_abbreviation
from jembatan.dialogue.access import Opener, Owner
from jembatan.dialogue.models import OneTimeCode, Poll, Question, Report
from jembatan.dissemination.models import InfoItem
from jembatan.regions.forms import RegionField
from jembatan.regions.models import Region

BODY_WIDGET = forms.Textarea(attrs={"rows": 4, "maxlength": 3000})


def _local_time_help() -> str:
    # The zone of the tenant served (WIB, WITA, WIT), read when the form is shown.
    return _("Waktu setempat (%(zone)s).") % {"zone": zone_abbreviation()}


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=lazy(_local_time_help, str)(),
        validators=[validate_moment],
    )


# --- Public ----------------------------------------------------------------------------


class VerifyRequestForm(HoneypotForm):
    name = forms.CharField(label=_("Nama Anda (tampil bersama tulisan Anda)"), max_length=120)
    contact = forms.CharField(
        label=_("Nomor HP atau email"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "email"}),
        help_text=_(
            "Kami mengirim kode 6 angka ke sini. Nomor dan email Anda tidak pernah ditampilkan."
        ),
    )
    channel = forms.ChoiceField(
        label=_("Kirim kode lewat (untuk nomor HP)"),
        choices=[
            (OneTimeCode.Channel.SMS, _("SMS")),
            (OneTimeCode.Channel.WHATSAPP, _("WhatsApp")),
        ],
        initial=OneTimeCode.Channel.WHATSAPP,
        required=False,
        widget=forms.RadioSelect,
    )

    field_order = ["name", "contact", "channel", "website"]

    def __init__(self, *args, phones: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.phones = phones
        if not phones:
            # Without an SMS/WhatsApp gateway a code can only go by e-mail: offer that alone
            # rather than promise an SMS that never comes.
            del self.fields["channel"]
            contact = self.fields["contact"]
            contact.label = _("Alamat email")
            contact.widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
            contact.help_text = _(
                "Kami mengirim kode 6 angka ke email ini. Kode lewat SMS atau WhatsApp belum "
                "tersedia di situs ini. Email Anda tidak pernah ditampilkan."
            )

    def clean_contact(self) -> str:
        contact = self.cleaned_data["contact"].strip()
        if not self.phones and "@" not in contact:
            raise ValidationError(
                _(
                    "Kode lewat SMS atau WhatsApp belum tersedia di situs ini. Tulis alamat "
                    "email Anda; kodenya kami kirim ke sana."
                ),
                code="no_gateway",
            )
        return contact


class VerifyCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode 6 angka"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Kode terdiri dari 6 angka.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


class CommentForm(HoneypotForm):
    body = forms.CharField(
        label=_("Tanggapan Anda atas paragraf ini"), max_length=3000, widget=BODY_WIDGET
    )
    field_order = ["body", "website"]


class ReplyForm(HoneypotForm):
    body = forms.CharField(label=_("Balasan Anda"), max_length=3000, widget=BODY_WIDGET)
    field_order = ["body", "website"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan"), choices=Report.Reason.choices)


class PollAnswerForm(HoneypotForm):
    """The poll's questions as fields q<id>, and the respondent's desa."""

    def __init__(self, *args, poll: Poll, kims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        for question in poll.questions.prefetch_related("options"):
            name = f"q{question.pk}"
            common = {"label": question.text, "required": False}
            if question.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(
                    choices=[(str(o.pk), o.label) for o in question.options.all()],
                    widget=forms.RadioSelect,
                    **common,
                )
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(str(o.pk), o.label) for o in question.options.all()],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            elif question.kind == Question.Kind.SCALE:
                field = forms.ChoiceField(
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                    widget=forms.RadioSelect,
                    help_text=_("1 sangat tidak setuju/buruk, 5 sangat setuju/baik."),
                    **common,
                )
            else:
                field = forms.CharField(
                    max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common
                )
            if question.required:
                field.label = f"{question.text} *"
            self.fields[name] = field
        self.fields["region"] = RegionField(
            label=_("Desa atau kelurahan tempat Anda tinggal"),
            level=Region.Level.DESA,
            within=poll.kabupaten_id,
            help_text=_(
                "Ketik nama desa atau kelurahan; bila ada yang sama, tambahkan kecamatannya."
            ),
        )
        if kims is not None:
            self.fields["kim"] = SafeModelChoiceField(
                label=_("Dicatat oleh KIM"), queryset=kims, empty_label=None
            )
            self.fields["serial"] = forms.CharField(
                label=_("Nomor seri kertas suara"), max_length=40
            )
        self.order_fields(["kim", "serial"])
        # The honeypot last.
        self.fields["website"] = self.fields.pop("website")

    def answers(self) -> dict[int, object]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q") and name[1:].isdigit()
        }


# --- Staff -----------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    owner = forms.ChoiceField(label=_("Pemilik"))
    title = forms.CharField(label=_("Judul"), max_length=200)
    summary = forms.CharField(
        label=_("Ringkasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_at = _datetime_field(_("Dibuka"))
    closes_at = _datetime_field(_("Ditutup"))

    def __init__(self, *args, owners: list[Owner] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [(o.key, o.label) for o in owners]


class ConsultationForm(ScheduleForm):
    text = forms.CharField(
        label=_("Teks rancangan"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Baris yang diawali tanda # adalah judul bagian (mis. “# Bab I Ketentuan Umum”). "
            "Pisahkan paragraf dengan satu baris kosong. Warga menanggapi per paragraf."
        ),
    )


class PollForm(ScheduleForm):
    results = forms.ChoiceField(
        label=_("Hasil tampil untuk umum"),
        choices=Poll.Results.choices,
        initial=Poll.Results.AFTER_CLOSE,
        widget=forms.RadioSelect,
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Pertanyaan"), max_length=300)
    kind = forms.ChoiceField(label=_("Jenis"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("Wajib dijawab"), required=False, initial=True)
    options = forms.CharField(
        label=_("Pilihan jawaban (satu per baris)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hanya untuk pilihan tunggal dan pilihan ganda."),
    )


class SectionResponseForm(forms.Form):
    heard = forms.CharField(
        label=_("Apa yang kami dengar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    changed = forms.CharField(
        label=_("Apa yang kami ubah"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ThreadForm(forms.Form):
    opener = forms.ChoiceField(label=_("Dibuka atas nama"))
    title = forms.CharField(label=_("Judul"), max_length=200)
    body = forms.CharField(
        label=_("Pengantar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, openers: list[Opener], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opener"].choices = [(o.key, o.label) for o in openers]


class DisseminateForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Sasaran"),
        choices=InfoItem.Scope.choices,
        initial=InfoItem.Scope.AREA,
        widget=forms.RadioSelect,
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

    def __init__(self, *args, kabupaten_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_kecamatan"].queryset = Region.objects.filter(
            parent_id=kabupaten_code, level=Region.Level.KECAMATAN
        ).order_by("name")
        self.fields["target_kims"].queryset = (
            Kim.objects.active().filter(kabupaten_id=kabupaten_code).order_by("name")
        )


class WordForm(forms.Form):
    word = forms.CharField(label=_("Kata atau frasa"), max_length=80)


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pemblokiran"), max_length=300)
