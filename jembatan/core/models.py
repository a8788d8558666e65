"""Holidays (the days legal deadlines in working days skip, core.workdays) and task records."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
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


class TaskRecord(models.Model):
    """Background work that is owed, kept in the database (core.tasks.enqueue_on_commit).

    Written in the same transaction as the change that needs the work, so the work is
    never lost while the queue (Redis) is down or a worker dies mid-task: the sweeper
    (core.tasks.resume_tasks) enqueues again what never reached the queue or never
    finished. The arguments are blanked once the task has finished.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(_("tugas"), max_length=200)
    args = models.JSONField(_("argumen"), default=list, blank=True)
    kwargs = models.JSONField(_("argumen bernama"), default=dict, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("masuk antrean"), null=True, blank=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gagal"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.CharField(_("galat terakhir"), max_length=200, blank=True)
    # Side effects claimed (core.tasks.claimed) by a run that has not finished them yet:
    # given back by the sweeper when that run's worker died.
    claims = models.JSONField(_("klaim berjalan"), default=list, blank=True)
    # The scheme and host of the request that queued the work (core.links): the links a
    # task writes (mail) point where the visitor was; empty: the hub's SITE_URL.
    base_url = models.CharField(_("alamat dasar"), max_length=255, blank=True, default="")
    # The id of the request that queued the work (core.requestid): its run logs under it.
    request_id = models.CharField(_("id permintaan"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("catatan tugas")
        verbose_name_plural = pgettext_lazy("plural", "catatan tugas")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="taskrecord_open_idx",
                condition=models.Q(finished_at__isnull=True, failed_at__isnull=True),
            ),
            models.Index(fields=["finished_at"], name="taskrecord_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.pk}"
