"""Digital literacy and pembinaan of KIM: training events and their attendance, learning
modules with a quiz, certificates, and the yearly KIM development score."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.communities.models import Kim
from jembatan.regions.models import Region

# Readable codes: no 0/O, 1/I/L, so a code read aloud or typed from paper survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 8
CERTIFICATE_CODE_LENGTH = 12


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(value: str) -> str:
    """Uppercase, without spaces or dashes (people type "abcd-2345")."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class Training(models.Model):
    """A pembinaan event for KIM members, owned by one kabupaten."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    class Mode(models.TextChoices):
        IN_PERSON = "tatap_muka", _("Tatap muka")
        ONLINE = "daring", _("Daring")

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        OPEN = "dibuka", _("Dibuka")
        CLOSED = "selesai", pgettext_lazy("pelatihan", "Selesai")
        CANCELLED = "batal", _("Dibatalkan")

    kabupaten = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KABUPATEN},
    )
    # Set when the training is for the KIMs of one kecamatan (a camat's pembinaan).
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"level": Region.Level.KECAMATAN},
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penyelenggara"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True, max_length=5000)
    level = models.CharField(_("tingkat pembinaan"), max_length=10, choices=Level.choices)
    mode = models.CharField(_("cara"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("tempat"), max_length=255, blank=True)
    online_url = models.URLField(_("tautan daring"), blank=True)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    registration_deadline = models.DateTimeField(_("batas pendaftaran"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("kuota peserta"))
    target_all = models.BooleanField(
        _("semua KIM di wilayahnya"),
        default=True,
        help_text=_("Semua KIM kabupaten (atau kecamatan, bila diisi). Jika tidak, pilih KIM."),
    )
    target_kims = models.ManyToManyField(
        Kim, verbose_name=_("KIM sasaran"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("pelatihan")
        verbose_name_plural = pgettext_lazy("plural", "pelatihan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="training_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(quota__gte=1), name="training_quota_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(mode="daring") | ~models.Q(online_url=""),
                name="training_online_has_link",
            ),
        ]
        indexes = [
            models.Index(fields=["kabupaten", "status", "starts_at"], name="training_kab_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("literacy:training", kwargs={"pk": self.pk})

    @property
    def registration_open(self) -> bool:
        now = timezone.now()
        deadline = self.registration_deadline or self.starts_at
        return self.status == self.Status.OPEN and now < deadline


class Registration(models.Model):
    """A KIM member registered for a training, on behalf of one of their KIMs."""

    class Method(models.TextChoices):
        QR = "qr", _("Pindai QR")
        CODE = "kode", _("Kode diketik")
        LIST = "daftar", _("Daftar hadir")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("peserta"),
        on_delete=models.CASCADE,
        related_name="training_registrations",
    )
    kim = models.ForeignKey(Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="+")
    # What the member's QR carries and what the organiser may type: random, per training.
    checkin_code = models.CharField(_("kode hadir"), max_length=CHECKIN_CODE_LENGTH, unique=True)
    registered_at = models.DateTimeField(_("mendaftar"), default=timezone.now)
    attended_at = models.DateTimeField(_("hadir"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checkin_method = models.CharField(
        _("cara presensi"), max_length=8, choices=Method.choices, blank=True
    )

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("pendaftaran pelatihan")
        verbose_name_plural = pgettext_lazy("plural", "pendaftaran pelatihan")
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="registration_once_per_user"),
            models.CheckConstraint(
                condition=models.Q(attended_at__isnull=True) | ~models.Q(checkin_method=""),
                name="registration_attended_has_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.training}"

    @property
    def display_code(self) -> str:
        return f"{self.checkin_code[:4]}-{self.checkin_code[4:]}"


class Module(models.Model):
    """A learning module: ordered lessons and a short quiz."""

    kabupaten = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Kosong: modul untuk seluruh platform."),
    )
    title = models.CharField(_("judul"), max_length=200)
    summary = models.TextField(_("ringkasan"), blank=True, max_length=2000)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    pass_mark = models.PositiveSmallIntegerField(
        _("nilai lulus kuis (%)"), default=70, help_text=_("Persentase jawaban benar.")
    )
    is_published = models.BooleanField(_("terbit"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        ordering = ["order", "title", "id"]
        verbose_name = _("modul belajar")
        verbose_name_plural = pgettext_lazy("plural", "modul belajar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="module_pass_mark_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("literacy:module", kwargs={"pk": self.pk})


def lesson_upload_to(instance: Lesson, filename: str) -> str:
    return f"literasi/{timezone.now():%Y/%m}/{filename}"


class Lesson(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "artikel", _("Artikel")
        PDF = "pdf", _("PDF")
        VIDEO = "video", _("Video")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    body = models.TextField(_("isi"), blank=True)  # sanitised HTML (articles; notes otherwise)
    file = models.FileField(_("berkas"), upload_to=lesson_upload_to, blank=True, max_length=200)
    file_name = models.CharField(_("nama berkas"), max_length=150, blank=True)
    file_size = models.PositiveBigIntegerField(_("ukuran berkas"), default=0)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["module_id", "order", "id"]
        verbose_name = _("materi")
        verbose_name_plural = pgettext_lazy("plural", "materi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="artikel") | ~models.Q(file=""),
                name="lesson_file_for_pdf_video",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("literacy:lesson", kwargs={"module": self.module_id, "pk": self.pk})


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("pertanyaan"), max_length=500)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["module_id", "order", "id"]
        verbose_name = _("soal kuis")
        verbose_name_plural = pgettext_lazy("plural", "soal kuis")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("pilihan"), max_length=300)
    is_correct = models.BooleanField(_("jawaban benar"), default=False)

    class Meta:
        ordering = ["question_id", "id"]
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = pgettext_lazy("plural", "pilihan jawaban")
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(is_correct=True),
                name="choice_one_correct_per_question",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(_("selesai"), default=timezone.now)

    class Meta:
        verbose_name = _("kemajuan belajar")
        verbose_name_plural = pgettext_lazy("plural", "kemajuan belajar")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveSmallIntegerField(_("nilai (%)"))
    passed = models.BooleanField(_("lulus"))
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("percobaan kuis")
        verbose_name_plural = pgettext_lazy("plural", "percobaan kuis")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="quiz_score_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.module_id} {self.score}"


class Certificate(models.Model):
    class Kind(models.TextChoices):
        ATTENDANCE = "kehadiran", _("Kehadiran pelatihan")
        MODULE = "modul", _("Penyelesaian modul")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemegang"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    code = models.CharField(_("kode verifikasi"), max_length=CERTIFICATE_CODE_LENGTH, unique=True)
    # What the certificate says, frozen at issue (a later rename changes nothing on it).
    holder_name = models.CharField(_("nama"), max_length=150)
    subject = models.CharField(_("untuk"), max_length=250)
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("sertifikat")
        verbose_name_plural = pgettext_lazy("plural", "sertifikat")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "training"],
                condition=models.Q(training__isnull=False),
                name="certificate_once_per_training",
            ),
            models.UniqueConstraint(
                fields=["user", "module"],
                condition=models.Q(module__isnull=False),
                name="certificate_once_per_module",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="kehadiran", training__isnull=False, module__isnull=True)
                    | models.Q(kind="modul", module__isnull=False, training__isnull=True)
                ),
                name="certificate_kind_matches_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("literacy:certificate", kwargs={"code": self.code})

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class ScoreWeights(models.Model):
    """How a kabupaten weighs each activity in its KIMs' development score (points per
    unit), and the points a KIM needs for each level. Defaults are the model defaults."""

    kabupaten = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    posts = models.PositiveSmallIntegerField(_("per berita terbit"), default=2)
    republished = models.PositiveSmallIntegerField(_("per informasi diterbitkan ulang"), default=3)
    reach = models.PositiveSmallIntegerField(_("per 100 jangkauan (dilihat + klik)"), default=1)
    aspirations_recorded = models.PositiveSmallIntegerField(_("per aspirasi dicatat"), default=2)
    aspirations_handled = models.PositiveSmallIntegerField(
        _("per aspirasi tuntas ditangani"), default=3
    )
    trainings_attended = models.PositiveSmallIntegerField(
        _("per kehadiran anggota di pelatihan"), default=5
    )
    members_active = models.PositiveSmallIntegerField(_("per anggota aktif"), default=2)
    level_berkembang = models.PositiveIntegerField(_("poin minimal Berkembang"), default=40)
    level_maju = models.PositiveIntegerField(_("poin minimal Maju"), default=120)
    level_mandiri = models.PositiveIntegerField(_("poin minimal Mandiri"), default=250)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bobot skor KIM")
        verbose_name_plural = pgettext_lazy("plural", "bobot skor KIM")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    level_berkembang__gte=1,
                    level_maju__gt=models.F("level_berkembang"),
                    level_mandiri__gt=models.F("level_maju"),
                ),
                name="score_levels_ascending",
            ),
        ]

    def __str__(self) -> str:
        return str(self.kabupaten_id)


class KimLevel(models.TextChoices):
    PEMULA = "pemula", _("Pemula")
    BERKEMBANG = "berkembang", _("Berkembang")
    MAJU = "maju", _("Maju")
    MANDIRI = "mandiri", _("Mandiri")


class KimScore(models.Model):
    """A KIM's development score for one year, as last computed (dashboard/scoring.py)."""

    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="+")
    kabupaten = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    posts = models.PositiveIntegerField(default=0)
    republished = models.PositiveIntegerField(default=0)
    reach = models.PositiveIntegerField(default=0)
    aspirations_recorded = models.PositiveIntegerField(default=0)
    aspirations_handled = models.PositiveIntegerField(default=0)
    trainings_attended = models.PositiveIntegerField(default=0)
    members_active = models.PositiveIntegerField(default=0)
    points = models.PositiveIntegerField(_("poin"), default=0)
    level = models.CharField(
        _("tingkat"), max_length=10, choices=KimLevel.choices, default=KimLevel.PEMULA
    )
    rank = models.PositiveIntegerField(_("peringkat"), default=0)
    computed_at = models.DateTimeField(_("dihitung"), default=timezone.now)

    class Meta:
        ordering = ["kabupaten_id", "year", "rank"]
        verbose_name = _("skor KIM")
        verbose_name_plural = pgettext_lazy("plural", "skor KIM")
        constraints = [
            models.UniqueConstraint(fields=["kim", "year"], name="kim_score_once_per_year"),
        ]
        indexes = [models.Index(fields=["kabupaten", "year", "rank"], name="kim_score_rank_idx")]

    def __str__(self) -> str:
        return f"{self.kim_id} {self.year}: {self.points}"
