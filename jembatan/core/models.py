"""Holidays: the days that legal deadlines counted in working days skip (core.workdays)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Holiday(models.Model):
    """A day off besides Saturday and Sunday: nationwide, or for one kabupaten/kota."""

    class Kind(models.TextChoices):
        NATIONAL = "libur_nasional", _("Libur nasional")
        JOINT_LEAVE = "cuti_bersama", _("Cuti bersama")
        REGIONAL = "libur_daerah", _("Libur daerah")

    date = models.DateField(_("tanggal"), db_index=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=14, choices=Kind.choices, default=Kind.NATIONAL)
    # Empty for a nationwide day; a regional holiday counts only in its own kabupaten.
    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": 2},
        help_text=_("Hanya untuk libur daerah; kosong berarti berlaku nasional."),
    )

    class Meta:
        ordering = ["date", "kabupaten_id"]
        verbose_name = _("hari libur")
        verbose_name_plural = pgettext_lazy("plural", "hari libur")
        constraints = [
            # NULLs never collide in a unique index, so nationwide days have their own.
            models.UniqueConstraint(
                fields=["date"],
                name="holiday_unique_national_date",
                condition=models.Q(kabupaten__isnull=True),
                violation_error_message=_("Sudah ada hari libur nasional pada tanggal ini."),
            ),
            models.UniqueConstraint(
                fields=["date", "kabupaten"],
                name="holiday_unique_regional_date",
                condition=models.Q(kabupaten__isnull=False),
                violation_error_message=_(
                    "Sudah ada hari libur kabupaten/kota ini pada tanggal ini."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="libur_daerah", kabupaten__isnull=False)
                | (~models.Q(kind="libur_daerah") & models.Q(kabupaten__isnull=True)),
                name="holiday_kabupaten_matches_kind",
                violation_error_message=_(
                    "Libur daerah harus memilih kabupaten/kota; libur nasional dan cuti "
                    "bersama berlaku nasional tanpa kabupaten/kota."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
