"""Public dialogue: consultations on drafts, polls and surveys, discussions, moderation.

Everything belongs to a kabupaten (the tenant). Citizens take part with an account or
with a phone number or email address proven by a one-time code (``OneTimeCode``); only a
keyed hash of that contact is stored (``contact_hash``), never the number itself, so
"one response per person" holds without keeping personal data. Citizens' text is stored
as plain text and escaped on output.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.core.moderation import Moderated, Visibility  # noqa: F401 (Visibility: re-exported)


class Phase(models.TextChoices):
    DRAFT = "draf", _("Draf")
    UPCOMING = "akan_dibuka", _("Akan dibuka")
    OPEN = "dibuka", _("Dibuka")
    CLOSED = "ditutup", _("Ditutup")


class Scheduled(models.Model):
    """Something citizens answer between two moments, once the owner published it."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi pemilik"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120, unique=True)
    summary = models.TextField(_("ringkasan"), max_length=1000)
    opens_at = models.DateTimeField(_("dibuka"))
    closes_at = models.DateTimeField(_("ditutup"))
    is_published = models.BooleanField(_("diterbitkan"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # The information item that disseminated it to the KIMs (dissemination app).
    info_item = models.ForeignKey(
        "dissemination.InfoItem",
        verbose_name=_("informasi penyebaran"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def phase_at(self, now) -> str:
        if not self.is_published:
            return Phase.DRAFT
        if now < self.opens_at:
            return Phase.UPCOMING
        if now >= self.closes_at:
            return Phase.CLOSED
        return Phase.OPEN

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def is_open(self) -> bool:
        return self.phase == Phase.OPEN

    @property
    def owner_name(self) -> str:
        return self.office.name if self.office_id else self.kabupaten.name


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(closes_at__gt=models.F("opens_at")), name=f"{prefix}_closes_after_opens"
    )


# --- Consultations ---------------------------------------------------------------------


class Consultation(Scheduled):
    """A draft (regulation, village plan, budget) put to the public, paragraph by paragraph."""

    report_published_at = models.DateTimeField(_("laporan terbit"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("konsultasi publik")
        verbose_name_plural = pgettext_lazy("plural", "konsultasi publik")
        constraints = [_dates_in_order("consultation")]

    def get_absolute_url(self) -> str:
        return reverse("dialogue:consultation", kwargs={"slug": self.slug})


class Section(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    heading = models.CharField(_("judul bagian"), max_length=200)
    # The owner's response after closing: "what we heard, what we changed".
    heard = models.TextField(_("apa yang kami dengar"), blank=True, max_length=4000)
    changed = models.TextField(_("apa yang kami ubah"), blank=True, max_length=4000)

    class Meta:
        ordering = ["order"]
        verbose_name = _("bagian")
        verbose_name_plural = pgettext_lazy("plural", "bagian")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "order"], name="section_order_unique")
        ]

    def __str__(self) -> str:
        return self.heading


class Paragraph(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("teks"), max_length=8000)

    class Meta:
        ordering = ["order"]
        verbose_name = _("paragraf")
        verbose_name_plural = pgettext_lazy("plural", "paragraf")
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="paragraph_order_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def anchor(self) -> str:
        return f"p{self.pk}"


class Contribution(Moderated):
    """A citizen's public text (a comment or a reply): who wrote it; its moderation state
    (visibility, held reason, reports) is core.moderation's."""

    kabupaten = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name shown; for citizens without an account, the name they typed.
    author_name = models.CharField(_("nama"), max_length=120)
    contact_hash = models.CharField(max_length=64, blank=True, db_index=True)
    body = models.TextField(_("isi"), max_length=3000)
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.body[:60]


class Comment(Contribution):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="comments")
    agree_count = models.PositiveIntegerField(_("setuju"), default=0)
    disagree_count = models.PositiveIntegerField(_("tidak setuju"), default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tanggapan paragraf")
        verbose_name_plural = pgettext_lazy("plural", "tanggapan paragraf")
        indexes = [models.Index(fields=["kabupaten", "visibility"], name="comment_moderation_idx")]

    @property
    def where(self) -> str:
        return self.paragraph.section.consultation.title


class CommentVote(models.Model):
    """Agree (+1) or disagree (-1); one per person and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    # "u:<user id>" or the verified contact's hash.
    voter_key = models.CharField(max_length=70)
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suara tanggapan")
        verbose_name_plural = pgettext_lazy("plural", "suara tanggapan")
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter_key"], name="comment_vote_once"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="comment_vote_pm1"),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} {self.value:+d}"


# --- Polls -----------------------------------------------------------------------------


class Poll(Scheduled):
    class Results(models.TextChoices):
        LIVE = "langsung", _("Langsung, selama jajak pendapat berjalan")
        AFTER_CLOSE = "setelah_tutup", _("Setelah jajak pendapat ditutup")

    results = models.CharField(
        _("hasil tampil"), max_length=14, choices=Results.choices, default=Results.AFTER_CLOSE
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("jajak pendapat")
        verbose_name_plural = pgettext_lazy("plural", "jajak pendapat")
        constraints = [_dates_in_order("poll")]

    def get_absolute_url(self) -> str:
        return reverse("dialogue:poll", kwargs={"slug": self.slug})

    @property
    def results_public(self) -> bool:
        phase = self.phase
        if phase == Phase.CLOSED:
            return True
        return phase == Phase.OPEN and self.results == self.Results.LIVE


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "tunggal", _("Pilihan tunggal")
        MULTIPLE = "ganda", _("Pilihan ganda (boleh lebih dari satu)")
        TEXT = "teks", _("Jawaban bebas")
        SCALE = "skala", _("Skala 1 sampai 5")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.CharField(_("pertanyaan"), max_length=300)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    required = models.BooleanField(_("wajib dijawab"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("pertanyaan")
        verbose_name_plural = pgettext_lazy("plural", "pertanyaan")
        constraints = [
            models.UniqueConstraint(fields=["poll", "order"], name="question_order_unique")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("urutan"))
    label = models.CharField(_("pilihan"), max_length=200)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = pgettext_lazy("plural", "pilihan jawaban")
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="option_order_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One person's filled-in poll: by account, by a verified contact, or a paper ballot."""

    class Channel(models.TextChoices):
        ACCOUNT = "akun", _("Akun")
        CODE = "kode", _("Kode sekali pakai (SMS/WhatsApp/email)")
        PAPER = "kertas", _("Kertas suara dicatat KIM")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_hash = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kim = models.ForeignKey(
        "communities.Kim", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ballot_serial = models.CharField(_("nomor seri kertas suara"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("diisi"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("jawaban jajak pendapat")
        verbose_name_plural = pgettext_lazy("plural", "jawaban jajak pendapat")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=models.Q(channel="akun"),
                name="response_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["poll", "contact_hash"],
                condition=~models.Q(contact_hash=""),
                name="response_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["poll", "ballot_serial"],
                condition=~models.Q(ballot_serial=""),
                name="response_ballot_serial_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(channel="akun", user__isnull=False)
                    | models.Q(channel="kode") & ~models.Q(contact_hash="")
                    | models.Q(channel="kertas", kim__isnull=False) & ~models.Q(ballot_serial="")
                ),
                name="response_channel_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} #{self.pk}"


class Answer(models.Model):
    """One answer to one question; a multiple-choice question has a row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(_("jawaban"), blank=True, max_length=2000)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = pgettext_lazy("plural", "jawaban")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_5",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                name="answer_option_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


# --- Discussions -----------------------------------------------------------------------


class Thread(models.Model):
    """A musyawarah online: opened by government staff or a KIM's pengurus."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kim = models.ForeignKey(
        "communities.Kim",
        verbose_name=_("dibuka oleh KIM"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120, unique=True)
    body = models.TextField(_("pengantar"), max_length=4000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_locked = models.BooleanField(_("dikunci"), default=False)
    created_at = models.DateTimeField(_("dibuka"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("diskusi")
        verbose_name_plural = pgettext_lazy("plural", "diskusi")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogue:thread", kwargs={"slug": self.slug})


class Reply(Contribution):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("balasan diskusi")
        verbose_name_plural = pgettext_lazy("plural", "balasan diskusi")
        indexes = [models.Index(fields=["kabupaten", "visibility"], name="reply_moderation_idx")]

    @property
    def where(self) -> str:
        return self.thread.title


# --- Moderation ------------------------------------------------------------------------


class Report(models.Model):
    """Someone flagged a comment or a reply; enough reports hide it until a moderator looks."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam atau iklan")
        ABUSE = "kasar", _("Kasar, menghina atau SARA")
        FALSE = "hoaks", _("Hoaks atau menyesatkan")
        PRIVATE = "pribadi", _("Membuka data pribadi orang lain")
        OTHER = "lainnya", _("Lainnya")

    kabupaten = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(_("alasan"), max_length=8, choices=Reason.choices)
    # A keyed hash of the reporter (account or visitor address): one report per person.
    reporter_key = models.CharField(max_length=70)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("laporan tulisan")
        verbose_name_plural = pgettext_lazy("plural", "laporan tulisan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False, reply__isnull=True)
                | models.Q(comment__isnull=True, reply__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_key"],
                condition=models.Q(comment__isnull=False),
                name="report_comment_once",
            ),
            models.UniqueConstraint(
                fields=["reply", "reporter_key"],
                condition=models.Q(reply__isnull=False),
                name="report_reply_once",
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class Block(models.Model):
    """An account or a verified contact that may no longer post in a kabupaten."""

    kabupaten = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact_hash = models.CharField(max_length=64, blank=True)
    label = models.CharField(_("keterangan"), max_length=160)
    reason = models.CharField(_("alasan"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pemblokiran")
        verbose_name_plural = pgettext_lazy("plural", "pemblokiran")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, contact_hash="")
                | models.Q(user__isnull=True) & ~models.Q(contact_hash=""),
                name="block_one_identity",
            ),
            models.UniqueConstraint(
                fields=["kabupaten", "user"],
                condition=models.Q(user__isnull=False),
                name="block_user_once",
            ),
            models.UniqueConstraint(
                fields=["kabupaten", "contact_hash"],
                condition=~models.Q(contact_hash=""),
                name="block_contact_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class WordFilter(models.Model):
    """A word or phrase that holds a text for moderation instead of publishing it."""

    kabupaten = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    word = models.CharField(_("kata atau frasa"), max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("kata tersaring")
        verbose_name_plural = pgettext_lazy("plural", "kata tersaring")
        constraints = [
            models.UniqueConstraint(fields=["kabupaten", "word"], name="wordfilter_unique")
        ]

    def __str__(self) -> str:
        return self.word


# --- One-time codes --------------------------------------------------------------------


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone or an address; only hashes are kept."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")

    contact_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = pgettext_lazy("plural", "kode sekali pakai")

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"
