"""Indonesia's administrative hierarchy, keyed by Kemendagri codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionQuerySet(models.QuerySet["Region"]):
    def within(self, ancestor: Region | str) -> RegionQuerySet:
        """Regions strictly below an ancestor, found by code prefix."""
        code = ancestor.code if isinstance(ancestor, Region) else ancestor
        return self.filter(code__startswith=f"{code}.")

    def search(self, text: str) -> RegionQuerySet:
        return self.filter(name__icontains=text.strip())


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINSI = 1, _("Provinsi")
        KABUPATEN = 2, _("Kabupaten/Kota")
        KECAMATAN = 3, _("Kecamatan")
        DESA = 4, _("Desa/Kelurahan")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA = "desa", _("Desa")
        DESA_ADAT = "desa_adat", _("Desa adat")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The desa's centre (WGS 84): the shipped centroid (data/desa_points.csv.gz, filled in
    # by import_regions) or the operator's own (manage.py import_region_points). Lets a
    # bare map point (an Open311 request with lat/long alone) find its desa.
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = pgettext_lazy("plural", "wilayah")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="region_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="region_point_complete_and_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """Name with code, unambiguous in pickers: 'Sebalo (61.07.04.1001)'."""
        return f"{self.name} ({self.code})"

    def ancestor_code(self, level: int) -> str | None:
        """The code of this region's ancestor at a level (or its own at its level)."""
        if level > self.level:
            return None
        return ".".join(self.code.split(".")[:level])

    @property
    def kabupaten_code(self) -> str | None:
        return self.ancestor_code(self.Level.KABUPATEN)


def kind_for(code: str, name: str) -> str:
    """The kind of a region from its code and name (Kemendagri conventions)."""
    parts = code.split(".")
    if len(parts) == 1:
        return Region.Kind.PROVINSI
    if len(parts) == 2:
        return Region.Kind.KOTA if name.lower().startswith("kota ") else Region.Kind.KABUPATEN
    if len(parts) == 3:
        return Region.Kind.KECAMATAN
    # The fourth segment's first digit: 1 kelurahan, 2 desa, 3 desa adat.
    return {
        "1": Region.Kind.KELURAHAN,
        "3": Region.Kind.DESA_ADAT,
    }.get(parts[3][:1], Region.Kind.DESA)
