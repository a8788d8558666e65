"""The KIM registry: groups, the region each serves and their members."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.accounts.phone import normalize_phone
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code


class KimQuerySet(models.QuerySet["Kim"]):
    def active(self) -> KimQuerySet:
        return self.filter(is_active=True)

    def in_kabupaten(self, kabupaten: Region | str) -> KimQuerySet:
        code = kabupaten.code if isinstance(kabupaten, Region) else kabupaten
        return self.filter(kabupaten_id=code)

    def served(self) -> KimQuerySet:
        """The active KIMs of the tenant being served: a KIM of another kabupaten is not
        found on this host (404 outside a tenant, ``served_code``)."""
        return self.active().in_kabupaten(served_code())


class Kim(models.Model):
    """A Kelompok Informasi Masyarakat, at kecamatan, desa or kelurahan level."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    name = models.CharField(_("nama"), max_length=150)
    slug = models.SlugField(_("alamat web"), max_length=80, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="kims",
        limit_choices_to={"level__gte": Region.Level.KECAMATAN},
    )
    # Denormalised from region so that every tenant query is one indexed filter.
    kabupaten = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, editable=False)
    description = models.TextField(_("deskripsi"), blank=True)
    address = models.CharField(_("alamat sekretariat"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    whatsapp = models.CharField(_("nomor WhatsApp"), max_length=16, blank=True)
    # The decree (SK pengukuhan) by which the government registers the KIM.
    sk_number = models.CharField(_("nomor SK pengukuhan"), max_length=100, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    posts_need_review = models.BooleanField(
        _("berita anggota perlu persetujuan"),
        default=True,
        help_text=_("Berita dari anggota terbit setelah disetujui ketua atau sekretaris."),
    )
    comments_need_moderation = models.BooleanField(
        _("komentar perlu dimoderasi"),
        default=True,
        help_text=_("Komentar baru tampil setelah disetujui pengurus."),
    )
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    objects = KimQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("KIM")
        verbose_name_plural = pgettext_lazy("plural", "KIM")
        indexes = [models.Index(fields=["kabupaten", "is_active"], name="kim_kabupaten_idx")]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="kim_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.kabupaten_id = self.region.kabupaten_code
        self.level = self.level_for(self.region)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sites:kim_home", kwargs={"kim": self.slug})

    def clean(self) -> None:
        if self.region_id and self.region.level < Region.Level.KECAMATAN:
            raise ValidationError(
                {"region": _("KIM berada di tingkat kecamatan, desa atau kelurahan.")}
            )
        if self.whatsapp:
            try:
                self.whatsapp = normalize_phone(self.whatsapp)
            except ValidationError as exc:
                raise ValidationError({"whatsapp": exc.messages}) from None

    @staticmethod
    def level_for(region: Region) -> str:
        if region.level == Region.Level.KECAMATAN:
            return Kim.Level.KECAMATAN
        if region.kind == Region.Kind.KELURAHAN:
            return Kim.Level.KELURAHAN
        return Kim.Level.DESA


# The profile a KIM's people and Diskominfo edit, in form order.
PROFILE_FIELDS = [
    "name",
    "region",
    "slug",
    "description",
    "address",
    "email",
    "whatsapp",
    "sk_number",
    "sk_date",
    "facebook_url",
    "instagram_url",
    "youtube_url",
    "posts_need_review",
    "comments_need_moderation",
    "is_active",
]


class Position(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    BENDAHARA = "bendahara", _("Bendahara")
    ANGGOTA = "anggota", _("Anggota")


# Positions that run the KIM: approve posts, manage members.
PENGURUS = {Position.KETUA, Position.SEKRETARIS, Position.BENDAHARA}


class KimMembershipQuerySet(models.QuerySet["KimMembership"]):
    def by_rank(self) -> KimMembershipQuerySet:
        """Ketua first, then sekretaris, bendahara, anggota; active before former."""
        rank = models.Case(
            *(models.When(position=v, then=models.Value(i)) for i, v in enumerate(Position.values)),
            default=models.Value(len(Position.values)),
        )
        return self.annotate(rank=rank).order_by("-is_active", "rank", "user__full_name")


class KimMembership(models.Model):
    kim = models.ForeignKey(
        Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="kim_memberships",
    )
    position = models.CharField(
        _("jabatan"), max_length=12, choices=Position.choices, default=Position.ANGGOTA
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    joined_at = models.DateField(_("bergabung"), default=timezone.localdate)

    objects = KimMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["kim_id", "position", "user_id"]
        verbose_name = _("anggota KIM")
        verbose_name_plural = pgettext_lazy("plural", "anggota KIM")
        constraints = [
            models.UniqueConstraint(fields=["kim", "user"], name="kim_membership_unique"),
            models.UniqueConstraint(
                fields=["kim"],
                condition=models.Q(position="ketua", is_active=True),
                name="kim_one_active_ketua",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_position_display()} {self.kim}"
