"""Development information from the government to the KIMs, and how far it travelled.

An ``InfoItem`` is written by government staff for an area (a kabupaten, a kecamatan, or
the whole country for platform operators) and targeted at KIMs there. Publishing fans it
out in the background into one ``Delivery`` per targeted KIM: the KIM's inbox row, which
also carries what the KIM did with it (read, re-published, shared) and the reach counters
attributed to that KIM. ``ShareLink`` is a KIM's tracked short link per channel.
Counters hold numbers only: no address, no visitor id is ever stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.communities.models import Kim
from jembatan.tenants.current import served_code


class InfoItemQuerySet(models.QuerySet["InfoItem"]):
    def public(self) -> InfoItemQuerySet:
        """Published and not withdrawn (expired items stay readable, marked as such)."""
        return self.filter(status=InfoItem.Status.PUBLISHED, published_at__lte=timezone.now())

    def served(self) -> InfoItemQuerySet:
        """Items of the tenant being served: its kabupaten's (incl. its kecamatan's and
        desa's) and national ones; another kabupaten's are not found on this host."""
        code = served_code()
        return self.filter(
            Q(area__isnull=True) | Q(area_id=code) | Q(area__code__startswith=f"{code}.")
        )


class InfoItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")
        WITHDRAWN = "withdrawn", _("Ditarik")

    class Category(models.TextChoices):
        PROGRAM = "program", _("Program pembangunan")
        ANNOUNCEMENT = "pengumuman", _("Pengumuman")
        PARTICIPATION = "partisipasi", _("Ajakan partisipasi")
        HEALTH = "kesehatan", _("Kesehatan")
        EDUCATION = "pendidikan", _("Pendidikan")
        ECONOMY = "ekonomi", _("Ekonomi dan pertanian")
        DISASTER = "bencana", _("Kebencanaan dan keadaan darurat")
        OTHER = "lainnya", _("Lainnya")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Biasa")
        HIGH = "penting", _("Penting")
        URGENT = "mendesak", _("Mendesak")

    class Scope(models.TextChoices):
        AREA = "area", _("Semua KIM di wilayah penerbit")
        KECAMATAN = "kecamatan", _("KIM di kecamatan terpilih")
        KIMS = "kims", _("KIM terpilih")

    # The publisher's area: a kabupaten, or a kecamatan (camat); empty means national
    # (platform operators). Every target lies inside it.
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah penerbit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="info_items",
    )
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120, unique=True)
    summary = models.CharField(
        _("ringkasan"),
        max_length=300,
        help_text=_("Satu-dua kalimat; tampil di kotak masuk KIM dan saat dibagikan."),
    )
    # Sanitised HTML (sites.services.sanitize_html), never stored raw.
    body = models.TextField(_("isi"))
    category = models.CharField(
        _("kategori"), max_length=12, choices=Category.choices, default=Category.PROGRAM
    )
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    valid_from = models.DateField(_("berlaku mulai"), default=timezone.localdate)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    scope = models.CharField(_("sasaran"), max_length=10, choices=Scope.choices, default=Scope.AREA)
    target_kecamatan = models.ManyToManyField(
        "regions.Region", verbose_name=_("kecamatan sasaran"), blank=True, related_name="+"
    )
    target_kims = models.ManyToManyField(
        Kim, verbose_name=_("KIM sasaran"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="info_items",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    published_at = models.DateTimeField(_("waktu terbit"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("diperbaiki"), null=True, blank=True)
    correction_note = models.CharField(_("catatan perbaikan"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("alasan penarikan"), max_length=300, blank=True)
    # Fan-out bookkeeping: how many KIMs were targeted and when their inboxes were filled.
    targeted_count = models.PositiveIntegerField(_("KIM sasaran"), default=0)
    fanned_out_at = models.DateTimeField(_("kotak masuk terisi"), null=True, blank=True)
    # Views of the item's own page not attributable to a KIM's link.
    view_count = models.PositiveIntegerField(_("dilihat langsung"), default=0)

    objects = InfoItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("informasi pembangunan")
        verbose_name_plural = pgettext_lazy("plural", "informasi pembangunan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="info_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="info_valid_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="info_public_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dissemination:detail", kwargs={"slug": self.slug})

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def publisher_name(self) -> str:
        if self.office_id:
            return self.office.name
        return self.area.name if self.area_id else str(_("Pemerintah"))


class Attachment(models.Model):
    """A PDF or image attached to an item, checked by its content on upload."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Gambar")

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("berkas"), upload_to="informasi/%Y/%m/", max_length=255)
    name = models.CharField(_("nama berkas"), max_length=150)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    pages = models.PositiveIntegerField(_("halaman"), null=True, blank=True)
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lampiran")
        verbose_name_plural = pgettext_lazy("plural", "lampiran")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """An item in one KIM's inbox, what the KIM did with it, and its reach via that KIM."""

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="deliveries")
    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(_("diterima"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    republished_at = models.DateTimeField(_("diterbitkan ulang"), null=True, blank=True)
    post = models.OneToOneField(
        "kimsites.Post",
        verbose_name=_("berita terbitan ulang"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery",
    )
    local_note = models.TextField(
        _("catatan setempat"),
        blank=True,
        max_length=2000,
        help_text=_("Mis. tempat dan waktu posyandu di desa Anda."),
    )
    shared_at = models.DateTimeField(_("dibagikan"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("diingatkan"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("dilihat"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kiriman ke KIM")
        verbose_name_plural = pgettext_lazy("plural", "kiriman ke KIM")
        constraints = [
            models.UniqueConstraint(fields=["item", "kim"], name="delivery_once_per_kim"),
        ]
        indexes = [models.Index(fields=["kim", "-created_at"], name="delivery_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.kim_id}"

    @property
    def has_acted(self) -> bool:
        return self.republished_at is not None or self.shared_at is not None


class ShareLink(models.Model):
    """A KIM's tracked short link /s/<code> for one item and one channel."""

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        FACEBOOK = "facebook", "Facebook"
        TELEGRAM = "telegram", "Telegram"
        X = "x", "X"
        LINK = "tautan", _("Tautan (salin)")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="links")
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    code = models.CharField(_("kode"), max_length=12, unique=True)
    click_count = models.PositiveIntegerField(_("klik"), default=0)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        ordering = ["channel"]
        verbose_name = _("tautan berbagi")
        verbose_name_plural = pgettext_lazy("plural", "tautan berbagi")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "channel"], name="sharelink_once_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("dissemination:short_link", kwargs={"code": self.code})


class Feedback(models.Model):
    """A KIM's feedback or question on an item, and the publisher's answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("tanggapan atau pertanyaan"), max_length=2000)
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    answer = models.TextField(_("jawaban"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("umpan balik")
        verbose_name_plural = pgettext_lazy("plural", "umpan balik")

    def __str__(self) -> str:
        return self.body[:60]
