"""A KIM's photo: a metadata-free master and its WebP/JPEG renditions, made on upload.

Registered through the last line of jembatan/sites/models.py. Posts, pages and
galleries point at Photo rows and render them with ``{% photo %}``
(jembatan/sites/templatetags/photos.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.communities.models import Kim

# The width the plain <img src> uses, for browsers without srcset.
DEFAULT_WIDTH = 960


class Photo(models.Model):
    class Purpose(models.TextChoices):
        PHOTO = "photo", _("Foto")
        LOGO = "logo", _("Logo KIM")
        DECREE = "sk", _("Scan SK pengukuhan")

    kim = models.ForeignKey(
        Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="photos"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caption = models.CharField(_("keterangan foto"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("teks alternatif"),
        max_length=200,
        blank=True,
        help_text=_("Apa yang terlihat di foto, untuk pembaca layar."),
    )
    # Of the stored master (upright, at most 2400 px on its longest side).
    width = models.PositiveIntegerField(_("lebar"))
    height = models.PositiveIntegerField(_("tinggi"))
    master = models.CharField(_("berkas induk"), max_length=255)
    # [{"width": 480, "height": 360, "format": "webp" | "jpeg", "path": "photos/..."}]
    renditions = models.JSONField(_("ukuran tersedia"), default=list)
    purpose = models.CharField(
        _("kegunaan"), max_length=8, choices=Purpose.choices, default=Purpose.PHOTO
    )
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        app_label = "kimsites"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("foto")
        verbose_name_plural = pgettext_lazy("plural", "foto")
        indexes = [models.Index(fields=["kim", "-created_at"], name="photo_kim_created_idx")]

    def __str__(self) -> str:
        # Shown in pickers and lists: never the bare "kim/pk" a person cannot recognise.
        if self.caption or self.alt_text:
            return (self.caption or self.alt_text)[:60]
        when = date_format(timezone.localtime(self.created_at), "j M Y H:i")
        return _("Foto %(date)s") % {"date": when}

    def _of_format(self, fmt: str) -> list[dict]:
        return sorted(
            (r for r in self.renditions or [] if r.get("format") == fmt),
            key=lambda r: r["width"],
        )

    @property
    def paths(self) -> list[str]:
        """Every stored file of this photo."""
        return [p for p in [self.master, *(r.get("path") for r in self.renditions or [])] if p]

    def srcset(self, fmt: str = "jpeg") -> str:
        """'<url> 480w, <url> 960w, ...' for one format ("webp" or "jpeg")."""
        return ", ".join(
            f"{default_storage.url(r['path'])} {r['width']}w" for r in self._of_format(fmt)
        )

    def url_for(self, width: int, fmt: str = "jpeg") -> str:
        """The rendition closest to ``width`` without being narrower, else the widest."""
        options = self._of_format(fmt)
        if not options:
            return default_storage.url(self.master) if self.master else ""
        chosen = next((r for r in options if r["width"] >= width), options[-1])
        return default_storage.url(chosen["path"])

    @property
    def default_url(self) -> str:
        """A JPEG about 960 px wide: the largest not wider than that, else the smallest."""
        options = self._of_format("jpeg")
        if not options:
            return default_storage.url(self.master) if self.master else ""
        narrower = [r for r in options if r["width"] <= DEFAULT_WIDTH]
        chosen = narrower[-1] if narrower else options[0]
        return default_storage.url(chosen["path"])

    @property
    def default_size(self) -> tuple[int, int]:
        """Width and height of the default JPEG (for the img width/height attributes)."""
        options = self._of_format("jpeg")
        narrower = [r for r in options if r["width"] <= DEFAULT_WIDTH]
        chosen = narrower[-1] if narrower else (options[0] if options else None)
        if chosen is None:
            return self.width, self.height
        return chosen["width"], chosen.get("height") or round(
            self.height * chosen["width"] / max(self.width, 1)
        )
