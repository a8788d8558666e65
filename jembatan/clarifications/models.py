"""Klarifikasi isu: rumours the public reports and the answers that clarify them.

A ``RumourReport`` is what a citizen or KIM member saw (text, maybe a screenshot and a
link), kept for the staff of the kabupaten served; its contact is only for telling the
submitter the answer and is erased once the answer went out. A ``Clarification`` is the
office's answer: a verdict, the claim as stated, the explanation and its sources. Several
reports can point to one clarification (duplicates of an answered rumour).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.core.storage import private_storage


class Verdict(models.TextChoices):
    TRUE = "benar", _("Benar")
    FALSE = "salah", _("Salah (hoaks)")
    MISLEADING = "menyesatkan", _("Menyesatkan")
    UNVERIFIED = "belum_pasti", _("Belum dapat dipastikan")


class Clarification(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        PUBLISHED = "terbit", _("Terbit")

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi yang menjawab"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verdict = models.CharField(_("kesimpulan"), max_length=12, choices=Verdict.choices)
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120, unique=True)
    claim = models.TextField(_("isu yang beredar"), max_length=2000)
    explanation = models.TextField(_("penjelasan"), max_length=10000)
    # One source a line: a name, a link, or "name — link".
    sources = models.TextField(_("sumber"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("terbit"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # The information item that took it to the KIMs (dissemination: inboxes and reach).
    info_item = models.ForeignKey(
        "dissemination.InfoItem",
        verbose_name=_("informasi penyebaran"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("klarifikasi")
        verbose_name_plural = pgettext_lazy("plural", "klarifikasi")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="terbit") | models.Q(published_at__isnull=False),
                name="clarification_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("clarifications:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def answered_by(self) -> str:
        if self.office is not None:
            return self.office.name
        return _("Diskominfo %(name)s") % {"name": self.kabupaten.name}

    def source_list(self) -> list[tuple[str, str]]:
        """(name, url) for each line of sources; url empty when the line names no link."""
        found = []
        for line in self.sources.splitlines():
            line = line.strip()
            if not line:
                continue
            name, url = line, ""
            for part in line.split():
                if part.startswith(("https://", "http://")):
                    url = part
                    name = line.replace(part, "").strip(" -\u2014\u2013:|") or part
                    break
            found.append((name, url))
        return found


class RumourReport(models.Model):
    class Status(models.TextChoices):
        NEW = "baru", _("Baru")
        IN_PROGRESS = "diproses", _("Sedang dijawab")
        ANSWERED = "dijawab", _("Sudah dijawab")
        REJECTED = "ditolak", _("Tidak ditindaklanjuti")

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    code = models.CharField(_("kode lacak"), max_length=12, unique=True)
    text = models.TextField(_("isi isu"), max_length=4000)
    link = models.URLField(_("tautan"), max_length=500, blank=True)
    # A screenshot may show people's names and numbers: private, served to staff only.
    screenshot = models.FileField(
        _("tangkapan layar"),
        storage=private_storage,
        upload_to="klarifikasi/%Y/%m/",
        max_length=255,
        blank=True,
    )
    contact_email = models.EmailField(_("email"), max_length=200, blank=True)
    contact_phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    clarification = models.ForeignKey(
        Clarification,
        verbose_name=_("klarifikasi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    # The office concerned, when Diskominfo asks it to answer.
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi terkait"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reject_reason = models.CharField(_("alasan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("laporan isu")
        verbose_name_plural = pgettext_lazy("plural", "laporan isu")
        indexes = [models.Index(fields=["kabupaten", "status"], name="rumour_kab_status")]

    def __str__(self) -> str:
        return self.code

    def get_status_url(self) -> str:
        return reverse("clarifications:submitted", kwargs={"code": self.code})
