from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jembatan.communities.models import Kim
from jembatan.core.forms import SafeModelChoiceField
from jembatan.literacy.files import check_pdf, check_video
from jembatan.literacy.models import Lesson, Module, ScoreWeights, Training
from jembatan.literacy.services import TRAINING_MACHINE, WEIGHT_FIELDS
from jembatan.regions.models import Region

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TrainingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Tautan daring"), required=False, assume_scheme="https")

    class Meta:
        model = Training
        fields = [
            "title",
            "description",
            "kabupaten",
            "kecamatan",
            "level",
            "mode",
            "place",
            "online_url",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "quota",
            "target_all",
            "target_kims",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_deadline": DATETIME,
            "target_kims": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, areas: list[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kabupaten = {r.code for r in areas if r.level == Region.Level.KABUPATEN}
        kabupaten |= {r.parent_id for r in areas if r.level == Region.Level.KECAMATAN}
        self.fields["kabupaten"].queryset = Region.objects.filter(code__in=kabupaten)
        if len(kabupaten) == 1 and not self.initial.get("kabupaten"):
            self.initial["kabupaten"] = next(iter(kabupaten))
        self.fields["kecamatan"].queryset = Region.objects.filter(
            level=Region.Level.KECAMATAN, parent_id__in=kabupaten
        ).order_by("name")
        self.fields["target_kims"].queryset = (
            Kim.objects.active().filter(kabupaten_id__in=kabupaten).order_by("name")
        )
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.instance.pk and "target_all" not in self.initial:
            # Ticked by default, it silently overrode the KIMs an organiser then chose.
            self.initial["target_all"] = False

    def _post_clean(self) -> None:
        # The service checks the rules (and the database the constraints).
        pass


class TrainingActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, "") for a in TRAINING_MACHINE.actions()])


class RegisterForm(forms.Form):
    kim = SafeModelChoiceField(label=_("Mendaftar sebagai anggota"), queryset=Kim.objects.none())

    def __init__(self, *args, kims, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kim"].queryset = kims
        only = list(kims[:2])
        if len(only) == 1:
            self.fields["kim"].initial = only[0].pk


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Kode hadir peserta"),
        max_length=200,
        help_text=_("8 huruf dan angka dari layar peserta, mis. ABCD-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    method = forms.ChoiceField(
        choices=[("kode", "kode"), ("qr", "qr")], required=False, widget=forms.HiddenInput
    )


class CertificateLookupForm(forms.Form):
    code = forms.CharField(label=_("Kode sertifikat"), max_length=30)


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["kabupaten", "title", "summary", "order", "pass_mark", "is_published"]

    def __init__(self, *args, kabupaten, platform: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kabupaten"].queryset = kabupaten
        self.fields["kabupaten"].required = not platform

    def _post_clean(self) -> None:
        pass


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=Lesson.Kind.choices)
    body = forms.CharField(
        label=_("Isi artikel (atau catatan)"), required=False, widget=forms.Textarea
    )
    file = forms.FileField(
        label=_("Berkas PDF atau video (MP4/WebM)"),
        required=False,
        help_text=_("Video diunggah ke sini, tidak ditautkan ke situs lain."),
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=999, initial=0)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        kind = data.get("kind")
        data["checked_file"] = None
        if upload and kind in (Lesson.Kind.PDF, Lesson.Kind.VIDEO):
            try:
                if kind == Lesson.Kind.PDF:
                    data["checked_file"] = check_pdf(upload, name=upload.name)
                else:
                    data["checked_file"] = check_video(upload, name=upload.name)
            except ValidationError as exc:
                self.add_error("file", exc)
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Pertanyaan"), max_length=500)
    choice_1 = forms.CharField(label=_("Pilihan A"), max_length=300)
    choice_2 = forms.CharField(label=_("Pilihan B"), max_length=300)
    choice_3 = forms.CharField(label=_("Pilihan C"), max_length=300, required=False)
    choice_4 = forms.CharField(label=_("Pilihan D"), max_length=300, required=False)
    correct = forms.TypedChoiceField(
        label=_("Jawaban benar"),
        coerce=int,
        choices=[(0, "A"), (1, "B"), (2, "C"), (3, "D")],
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=999, initial=0)


class QuizForm(forms.Form):
    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                choices=[(c.pk, c.text) for c in question.choices.all()],
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih satu jawaban.")},
            )

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class WeightsForm(forms.ModelForm):
    class Meta:
        model = ScoreWeights
        fields = WEIGHT_FIELDS

    def _post_clean(self) -> None:
        pass
