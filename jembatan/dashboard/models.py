"""Materialised counts (rollups) that the dashboards read instead of scanning the data.

``refresh_stats`` (and the periodic task) compute every metric per kecamatan with one
GROUP BY query each and add them up to kabupaten, provinsi and national rows, so a
dashboard reads a few hundred indexed rows whatever the size of the country.
Monthly metrics live in ``MonthlyStat`` (one row per region, month and metric); figures
that only make sense "now" (coverage, open and overdue cases) in ``CurrentStat``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.IntegerChoices):
    NATIONAL = 0, _("Nasional")
    PROVINSI = 1, _("Provinsi")
    KABUPATEN = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")


class MonthlyStat(models.Model):
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    # Kemendagri code of the region ("" for the national row) and of its parent.
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True)
    parent_code = models.CharField(_("kode induk"), max_length=13, blank=True)
    month = models.DateField(_("bulan"))  # the first day of the month
    metric = models.CharField(_("ukuran"), max_length=40)
    value = models.BigIntegerField(_("nilai"), default=0)

    class Meta:
        ordering = ["level", "region_code", "month", "metric"]
        verbose_name = _("statistik bulanan")
        verbose_name_plural = pgettext_lazy("plural", "statistik bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "month", "metric"], name="monthly_stat_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=3), name="monthly_stat_level_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["level", "parent_code", "month"], name="monthly_stat_parent_idx"),
            models.Index(fields=["month"], name="monthly_stat_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '-'} {self.month:%Y-%m} {self.metric}={self.value}"


class CurrentStat(models.Model):
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True)
    parent_code = models.CharField(_("kode induk"), max_length=13, blank=True)
    metric = models.CharField(_("ukuran"), max_length=40)
    value = models.BigIntegerField(_("nilai"), default=0)

    class Meta:
        ordering = ["level", "region_code", "metric"]
        verbose_name = _("statistik terkini")
        verbose_name_plural = pgettext_lazy("plural", "statistik terkini")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "metric"], name="current_stat_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=3), name="current_stat_level_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["level", "parent_code"], name="current_stat_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '-'} {self.metric}={self.value}"


class StatsRun(models.Model):
    """One refresh of the rollups: the dashboards show when the figures were computed."""

    started_at = models.DateTimeField(_("mulai"), default=timezone.now)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    since = models.DateField(_("sejak bulan"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pembaruan statistik")
        verbose_name_plural = pgettext_lazy("plural", "pembaruan statistik")
        indexes = [models.Index(fields=["-finished_at"], name="stats_run_finished_idx")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
