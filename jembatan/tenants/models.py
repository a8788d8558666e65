"""The kabupaten/kota that one install serves: each a tenant with its own public front.

A tenant is data (created by the platform operator in /kelola/platform/tenant/): its
region, the host names it answers on, how its pages look, its contact, its time zone and
the settings that were once global (page cache lifetime, default deadlines, the SMS
gateway, the webhook secret). Everything public resolves the tenant from the request's
host (``jembatan.tenants.middleware``) and reads only that tenant's rows.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.regions.models import Region


class TimeZone(models.TextChoices):
    """Indonesia's three time zones (Asia/Pontianak is WIB as Kalimantan Barat's tz name)."""

    WIB = "Asia/Jakarta", _("WIB (Waktu Indonesia Barat, UTC+7)")
    WIB_PONTIANAK = "Asia/Pontianak", _("WIB, Kalimantan Barat (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (Waktu Indonesia Tengah, UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (Waktu Indonesia Timur, UTC+9)")


# Provinces by their Kemendagri code: WITA for Bali, Nusa Tenggara, the south, east and
# north of Kalimantan and Sulawesi; WIT for Maluku and Papua; WIB for the rest (Kalimantan
# Barat under its own zone name). Permendagri/Keppres 41/1987 on the three zones.
PROVINCE_ZONES = {
    **dict.fromkeys(("51", "52", "53", "63", "64", "65"), TimeZone.WITA.value),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), TimeZone.WITA.value),
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96", "97"), TimeZone.WIT.value),
    "61": TimeZone.WIB_PONTIANAK.value,
}


def province_zone(region_code: str) -> str:
    """The time zone of the province a region lies in ("64.02" -> Asia/Makassar)."""
    return PROVINCE_ZONES.get(region_code[:2], TimeZone.WIB.value)


class Palette(models.TextChoices):
    """Header colours that keep white text at a contrast of at least 7:1 (WCAG AAA)."""

    HIJAU = "hijau", _("Hijau")
    BIRU = "biru", _("Biru")
    MERAH = "merah", _("Merah marun")
    UNGU = "ungu", _("Ungu")
    COKELAT = "cokelat", _("Cokelat")
    TOSKA = "toska", _("Toska")


# The palette's colours: (main, dark). Contrast with #fff checked in tests/test_palette.py,
# which also keeps the tenant-<palette> classes of core/static/css/jembatan.css in step.
PALETTE_HEX = {
    "hijau": ("#1b5e20", "#0f3d13"),
    "biru": ("#0d47a1", "#082c66"),
    "merah": ("#8e1b1b", "#5c1010"),
    "ungu": ("#4a148c", "#2e0b59"),
    "cokelat": ("#4e342e", "#2f1f1b"),
    "toska": ("#00564d", "#003630"),
}


class Tenant(models.Model):
    region = models.OneToOneField(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="tenant",
        limit_choices_to={"level": Region.Level.KABUPATEN},
    )
    name = models.CharField(
        _("nama tampilan"), max_length=120, help_text=_("Mis. Jembatan Kabupaten Bengkayang.")
    )
    logo = models.ImageField(_("logo"), upload_to="tenants/", blank=True)
    palette = models.CharField(
        _("warna"), max_length=12, choices=Palette.choices, default=Palette.HIJAU
    )
    contact_email = models.EmailField(_("surel kontak"), blank=True)
    contact_phone = models.CharField(_("telepon kontak"), max_length=30, blank=True)
    contact_address = models.CharField(_("alamat kantor"), max_length=250, blank=True)
    time_zone = models.CharField(
        _("zona waktu"), max_length=32, choices=TimeZone.choices, default=TimeZone.WIB
    )
    page_cache_seconds = models.PositiveIntegerField(
        _("umur tembolok halaman (detik)"),
        null=True,
        blank=True,
        help_text=_("Kosongkan untuk memakai nilai bawaan server."),
    )
    verify_days = models.PositiveSmallIntegerField(
        _("batas verifikasi bawaan (hari kerja)"), default=3
    )
    answer_days = models.PositiveSmallIntegerField(
        _("batas respons pertama instansi bawaan (hari kerja)"), default=5
    )
    # Calendar days, as the rule reads ("paling lama 60 hari"): aspirations.deadlines.
    complete_days = models.PositiveSmallIntegerField(
        _("batas penyelesaian aspirasi (hari kalender)"),
        default=60,
        help_text=_("Sejak diteruskan ke instansi; paling lama 60 hari."),
    )
    sms_gateway_url = models.URLField(_("alamat gerbang SMS"), blank=True)
    sms_gateway_secret = models.CharField(_("rahasia gerbang SMS"), max_length=200, blank=True)
    webhook_secret = models.CharField(_("rahasia webhook aspirasi"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant (kabupaten/kota)")
        verbose_name_plural = pgettext_lazy("plural", "tenant (kabupaten/kota)")

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The region code ("61.07"), the key every tenant-scoped row carries."""
        return str(self.region_id)

    @property
    def short_name(self) -> str:
        """The name a phone's header has room for: the kabupaten without its kind
        ("Kutai Kartanegara"); a kota keeps it ("Kota Singkawang")."""
        name = self.region.name if self.region_id else self.name
        return name.removeprefix("Kabupaten ").removeprefix("Kab. ")

    @property
    def colours(self) -> tuple[str, str]:
        return PALETTE_HEX.get(self.palette, PALETTE_HEX["hijau"])


class TenantHost(models.Model):
    """A host name a tenant answers on (``jembatan.bengkayangkab.go.id``); lower case."""

    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE, related_name="hosts"
    )
    host = models.CharField(_("nama host"), max_length=253)
    is_primary = models.BooleanField(_("alamat utama"), default=False)

    class Meta:
        ordering = ["-is_primary", "host"]
        verbose_name = _("host tenant")
        verbose_name_plural = pgettext_lazy("plural", "host tenant")
        constraints = [
            models.UniqueConstraint(Lower("host"), name="tenant_host_unique_lower"),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="tenant_one_primary_host",
            ),
        ]

    def __str__(self) -> str:
        return self.host
