"""Citizens' aspirations: one case per aspiration, an explicit workflow, every step kept.

A case belongs to a kabupaten (the tenant) and a place in it. Its reporter's contact data
is personal data (UU 27/2022): only the roles that need it see it (aspirations.access).
``CaseEvent`` is the case's timeline: status changes, public answers, internal notes and
the citizen's follow-ups; every status change also writes an audit row.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.core.storage import private_storage
from jembatan.core.workdays import local_date


def display_code(code: str) -> str:
    """A tracking code as people read it: "7K3M-Q9XD" for "7K3MQ9XD"."""
    return f"{code[:4]}-{code[4:]}"


class Category(models.Model):
    """What an aspiration is about, per kabupaten, with its routing and deadlines."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    name = models.CharField(_("nama"), max_length=100)
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi tujuan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Disarankan saat disposisi."),
    )
    verify_days = models.PositiveSmallIntegerField(_("batas verifikasi (hari kerja)"), default=3)
    answer_days = models.PositiveSmallIntegerField(_("batas jawaban (hari kerja)"), default=5)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["kabupaten_id", "name"]
        verbose_name = _("kategori aspirasi")
        verbose_name_plural = pgettext_lazy("plural", "kategori aspirasi")
        constraints = [
            models.UniqueConstraint(fields=["kabupaten", "name"], name="aspiration_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    RECEIVED = "diterima", _("Diterima")
    VERIFIED = "diverifikasi", _("Diverifikasi")
    DISPOSED = "didisposisikan", _("Didisposisikan")
    IN_PROGRESS = "ditindaklanjuti", _("Ditindaklanjuti")
    DONE = "selesai", _("Selesai")
    CLOSED = "ditutup", _("Ditutup")
    # "Tunda" in SP4N-LAPOR!: on hold for a stated reason; every clock stops meanwhile
    # (the deadlines move by the paused time on resuming, aspirations.deadlines).
    ON_HOLD = "ditunda", _("Ditunda")


# The first stage, "verify and refer": received and verified-not-yet-referred cases share
# its deadline (verify_due), so a verified case waiting for its office stays on the clock.
VERIFY_STAGE = (Status.RECEIVED, Status.VERIFIED)
ANSWER_STAGE = (Status.DISPOSED, Status.IN_PROGRESS)
# A case on hold counts as open (dashboards, Open311) but runs no clock.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.VERIFIED,
    Status.DISPOSED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
)
NO_DUE = datetime.date(9999, 12, 31)  # cases without a running deadline sort last


def citizen_step(status: str, office) -> str:
    office_name = office.name if office is not None else ""
    if status == Status.DISPOSED:
        if office_name:
            return _("Diteruskan ke %(office)s") % {"office": office_name}
        return str(_("Diteruskan ke instansi yang berwenang"))
    if status == Status.IN_PROGRESS:
        if office_name:
            return _("Sedang dikerjakan %(office)s") % {"office": office_name}
        return str(_("Sedang dikerjakan"))
    labels = {
        Status.RECEIVED: _("Diterima, menunggu diperiksa petugas"),
        Status.VERIFIED: _("Sudah diperiksa petugas"),
        Status.DONE: _("Selesai: sudah ada jawaban"),
        Status.CLOSED: _("Ditutup"),
        Status.ON_HOLD: _("Ditunda sementara"),
    }
    return str(labels.get(status, status))


class Aspiration(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "publik", _("Publik: tampil dengan nama saya")
        ANONYMOUS = "anonim", _("Anonim: tampil tanpa nama saya")
        CONFIDENTIAL = "rahasia", _("Rahasia: tidak tampil untuk umum")

    class Channel(models.TextChoices):
        WEB = "web", _("Formulir web")
        KIM = "kim", _("Dicatat KIM")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        # Another app through the Open311 API: as in GeoReport v2, email and phone are
        # optional there (an anonymous reporter follows the case by its code alone).
        OPEN311 = "open311", _("Aplikasi lain (Open311)")

    class CloseReason(models.TextChoices):
        DUPLICATE = "duplikat", _("Duplikat dari aspirasi lain")
        SPAM = "spam", _("Spam atau tidak pantas")
        # "Bukan wewenang" in SP4N-LAPOR!: closed with the institution it is referred to
        # (Aspiration.referred_to), which the citizen is told (services, step "refer").
        OUT_OF_SCOPE = "di_luar_kewenangan", _("Bukan wewenang: dirujuk ke instansi lain")

    class ReportType(models.TextChoices):
        """The classification of SP4N-LAPOR! (aspirasi, pengaduan, permintaan informasi)."""

        ASPIRATION = "aspirasi", _("Aspirasi: usulan atau saran")
        COMPLAINT = "pengaduan", _("Pengaduan: keluhan atas layanan")
        INFORMATION = "permintaan_informasi", _("Permintaan informasi")

    # Looked up whole (its unique index); the pattern index PostgreSQL gets beside it for
    # a unique text column served no query and is dropped (migration 0015), as is the
    # kabupaten's own index, which aspiration_queue_idx covers (its _like index stays:
    # a province's cases are read by prefix). Every submission writes each index.
    code = models.CharField(_("kode lacak"), max_length=12, unique=True)
    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="aspirations",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="aspirations"
    )
    report_type = models.CharField(
        _("jenis laporan"),
        max_length=24,
        choices=ReportType.choices,
        default=ReportType.ASPIRATION,
    )
    description = models.TextField(_("isi aspirasi"), max_length=4000)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    # An optional map point (WGS 84), e.g. from the phone's location button.
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    visibility = models.CharField(
        _("tampil untuk umum"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.ANONYMOUS,
    )
    # The reporter: personal data, never on public pages or in logs.
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=16, blank=True)
    reporter_email = models.EmailField(_("email pelapor"), blank=True)
    channel = models.CharField(
        _("saluran"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    kim = models.ForeignKey(
        "communities.Kim",
        verbose_name=_("dicatat oleh KIM"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aspirations",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by the client for offline and gateway submissions: a retry finds the same case.
    client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspirations",
        db_index=False,  # aspiration_office_idx (office, status) serves every lookup
    )
    # The officer who took the case ("Ditangani oleh …"): colleagues see who is on it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditangani oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    close_reason = models.CharField(
        _("alasan penutupan"), max_length=20, choices=CloseReason.choices, blank=True
    )
    # A duplicate closed by merging (aspirations.merge): the case it was merged into,
    # which its reporter follows from then on.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung dengan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    # The clocks (aspirations.deadlines). verify_due: verified and referred to an office.
    # answer_due: the answer stage's live deadline, the office's first response until it
    # gives one, then complete_due (so every list and count of "late" reads one field).
    # response_due: the first response's own deadline, kept once it is met so that anyone
    # sees whether the response was on time. complete_limit: the latest date the rule
    # allows for completion (an office's extension may not pass it).
    verify_due = models.DateField(_("batas verifikasi"), null=True, blank=True)
    answer_due = models.DateField(_("batas jawaban"), null=True, blank=True)
    response_due = models.DateField(_("batas respons pertama"), null=True, blank=True)
    complete_due = models.DateField(_("batas penyelesaian"), null=True, blank=True)
    complete_limit = models.DateField(_("batas penyelesaian paling lama"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("respons pertama"), null=True, blank=True)
    # On hold ("tunda"): the status to go back to, since when, and why (told the citizen).
    held_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    hold_reason = models.CharField(_("alasan penundaan"), max_length=500, blank=True)
    # Closed as not this government's authority: where the citizen should turn instead.
    referred_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)
    citizen_confirmed = models.BooleanField(_("dikonfirmasi warga"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("penilaian"), null=True, blank=True)
    created_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Not a column: the reporter's secret, set on the new case by aspiration_create for
    # the caller to show once (only its hash is stored, in ReporterKey).
    reporter_key: str

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aspirasi")
        verbose_name_plural = pgettext_lazy("plural", "aspirasi")
        indexes = [
            models.Index(fields=["kabupaten", "status"], name="aspiration_queue_idx"),
            models.Index(fields=["office", "status"], name="aspiration_office_idx"),
            # The staff desk's default order (desk_list: deadline of the current stage,
            # none last, then oldest) per kabupaten: a page is read off this index in
            # order instead of sorting all of a big kabupaten's cases for thirty.
            models.Index(
                models.F("kabupaten"),
                Coalesce(
                    models.Case(
                        models.When(status__in=VERIFY_STAGE, then=models.F("verify_due")),
                        models.When(status__in=ANSWER_STAGE, then=models.F("answer_due")),
                        default=models.Value(None, output_field=models.DateField()),
                        output_field=models.DateField(),
                    ),
                    models.Value(NO_DUE),
                ),
                models.F("created_at"),
                models.F("id"),
                name="aspiration_desk_due_idx",
            ),
            # The workspace's "today" counts (aspirations.workspace.case_counts) over a
            # kabupaten's open cases, answered from this index alone: every column they
            # read, for the open cases only (a small part of a kabupaten's after a year).
            models.Index(
                fields=["kabupaten", "status", "verify_due", "answer_due", "office", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="aspiration_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-11, latitude__lte=6, longitude__gte=94, longitude__lte=142
                ),
                name="aspiration_point_in_indonesia",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="aspiration_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ditutup") | ~models.Q(close_reason=""),
                name="aspiration_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(merged_into__isnull=True)
                | models.Q(status="ditutup", close_reason="duplikat"),
                name="aspiration_merged_is_closed_duplicate",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ditunda")
                | (~models.Q(hold_reason="") & ~models.Q(held_status="")),
                name="aspiration_on_hold_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("aspirations:track_detail", kwargs={"code": self.code})

    @property
    def is_public(self) -> bool:
        return self.visibility != self.Visibility.CONFIDENTIAL

    @property
    def public_name(self) -> str:
        if self.visibility == self.Visibility.PUBLIC and self.reporter_name:
            return self.reporter_name
        return str(_("Warga"))

    @property
    def display_code(self) -> str:
        """The tracking code as people read it ("7K3M-Q9XD")."""
        return display_code(self.code)

    @property
    def citizen_status(self) -> str:
        """The status in words a citizen knows ("Diteruskan ke Dinas PUPR"); a merged
        duplicate says which case it joined ("Digabung dengan 7K3M-Q9XD")."""
        if self.merged_into_id is not None:
            return _("Digabung dengan %(code)s") % {"code": self.merged_into.display_code}
        if self.is_not_authority:
            if self.referred_to:
                return _("Bukan wewenang: dirujuk ke %(name)s") % {"name": self.referred_to}
            return str(_("Bukan wewenang pemerintah daerah ini"))
        return citizen_step(self.status, self.office)

    @property
    def is_not_authority(self) -> bool:
        """Closed as "bukan wewenang" (SP4N-LAPOR!): referred to another institution."""
        return self.status == Status.CLOSED and self.close_reason == self.CloseReason.OUT_OF_SCOPE

    @property
    def first_response_on_time(self) -> bool | None:
        """Whether the office's first response met its deadline (None: not given yet, or
        its deadline is not known)."""
        if self.first_response_at is None or self.response_due is None:
            return None
        return local_date(self.first_response_at, self.kabupaten_id) <= self.response_due

    @property
    def is_on_hold(self) -> bool:
        return self.status == Status.ON_HOLD

    @property
    def awaits_first_response(self) -> bool:
        return self.status in ANSWER_STAGE and self.first_response_at is None

    @property
    def due(self):
        if self.status in VERIFY_STAGE:
            return self.verify_due
        if self.status in ANSWER_STAGE:
            return self.answer_due
        return None

    @property
    def is_overdue(self) -> bool:
        due = self.due
        # Today in the case's own kabupaten (a task runs in the install's default zone).
        return due is not None and due < local_date(None, self.kabupaten_id)


class CaseEvent(models.Model):
    """One entry of a case's timeline."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Perubahan status")
        ANSWER = "jawaban", _("Jawaban")
        NOTE = "catatan", _("Catatan internal")
        FOLLOW_UP = "tambahan", _("Tambahan dari warga")
        # The camat asks the office (Diskominfo before referral) to act: internal.
        NUDGE = "dorongan", _("Dorongan camat")
        # A KIM pengurus marks a likely duplicate or spam, and Diskominfo's decision on
        # it: internal.
        FLAG = "tanda", _("Tanda dari KIM")
        # The office asks for more time to complete (aspirations.desk): public, but
        # not an answer.
        EXTENSION = "perpanjang", _("Perpanjangan waktu")

    aspiration = models.ForeignKey(Aspiration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    body = models.TextField(_("isi"), blank=True, max_length=4000)
    is_public = models.BooleanField(_("tampil di linimasa publik"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    # When the citizen was mailed about this step (claimed before sending: never twice).
    mailed_at = models.DateTimeField(null=True, blank=True)
    # The same for the text message through the SMS/WhatsApp gateway.
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("riwayat aspirasi")
        verbose_name_plural = pgettext_lazy("plural", "riwayat aspirasi")
        indexes = [
            # A case an office sent back to Diskominfo (desk_list.sent_back, asked of every
            # verified case in the workspace's counts and the desk's filter): these few
            # events alone, instead of every event of each case.
            models.Index(
                fields=["aspiration"],
                condition=models.Q(
                    kind="status",  # CaseEvent.Kind.STATUS
                    from_status__in=ANSWER_STAGE,
                    to_status=Status.VERIFIED,
                ),
                name="caseevent_sent_back_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id} {self.kind}"

    @property
    def is_resume(self) -> bool:
        """Leaving "tunda": the case goes on where it was, it does not start over."""
        return self.from_status == Status.ON_HOLD and self.to_status not in (
            "",
            Status.ON_HOLD,
            Status.CLOSED,
        )

    @property
    def citizen_step(self) -> str:
        """The step in a citizen's words: resuming reads "Dilanjutkan" (not a second
        referral), a "bukan wewenang" closure names where to go (not a bare "Ditutup")."""
        if self.kind == self.Kind.EXTENSION:
            return str(_("Instansi meminta tambahan waktu"))
        if self.is_resume:
            return str(_("Dilanjutkan"))
        if self.to_status == Status.CLOSED and self.aspiration.is_not_authority:
            return self.aspiration.citizen_status
        return citizen_step(self.to_status, self.office)

    @property
    def mail_step(self) -> str:
        """The step in a mail's subject and text message."""
        if self.kind == self.Kind.EXTENSION or self.is_resume:
            return self.citizen_step
        if self.to_status == Status.CLOSED and self.aspiration.is_not_authority:
            return self.aspiration.citizen_status
        if self.to_status:
            return str(self.get_to_status_display())
        return str(_("jawaban baru"))


class AspirationPhoto(models.Model):
    """A photo sent with an aspiration: re-encoded on upload, without EXIF or GPS."""

    aspiration = models.ForeignKey(Aspiration, on_delete=models.CASCADE, related_name="photos")
    # Set for a photo sent with an office's public answer (the repaired road); empty for
    # the reporter's own photos, which stay private to the reporter and staff.
    event = models.ForeignKey(
        "CaseEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(upload_to="aspirasi/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("foto aspirasi")
        verbose_name_plural = pgettext_lazy("plural", "foto aspirasi")

    def __str__(self) -> str:
        return self.file.name


class AnswerFile(models.Model):
    """A document attached to an office's public answer (a PDF: the work report, the
    letter). Checked like information attachments (dissemination.files) and kept in the
    private storage: served only through a view that checks who asks (staff who may see
    the case; the reporter, with their key, once the answer is public)."""

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="answer_files"
    )
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(
        storage=private_storage, upload_to="aspirasi/berkas/%Y/%m/", max_length=255
    )
    name = models.CharField(_("nama berkas"), max_length=120)
    size = models.PositiveIntegerField(_("ukuran"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("berkas jawaban")
        verbose_name_plural = pgettext_lazy("plural", "berkas jawaban")

    def __str__(self) -> str:
        return self.name


class CaseFlag(models.Model):
    """A KIM pengurus's word that a case is likely a duplicate or spam, for Diskominfo
    to confirm (the case is closed with that reason) or dismiss. A pengurus does not
    close cases: the flag is how their local knowledge reaches the desk."""

    class Reason(models.TextChoices):
        DUPLICATE = "duplikat", _("Kemungkinan duplikat")
        SPAM = "spam", _("Kemungkinan spam atau tidak pantas")

    class Outcome(models.TextChoices):
        CONFIRMED = "dikonfirmasi", _("Dikonfirmasi Diskominfo")
        DISMISSED = "ditolak", _("Ditolak Diskominfo")

    aspiration = models.ForeignKey(Aspiration, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("alasan"), max_length=10, choices=Reason.choices)
    note = models.TextField(_("keterangan"), max_length=2000, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("keputusan"), max_length=12, choices=Outcome.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tanda aspirasi")
        verbose_name_plural = pgettext_lazy("plural", "tanda aspirasi")
        constraints = [
            # One open flag per case: a second pengurus adds a note instead.
            models.UniqueConstraint(
                fields=["aspiration"],
                condition=models.Q(outcome=""),
                name="aspiration_one_open_flag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id} {self.reason}"


class ReporterKey(models.Model):
    """The reporter's secret for one case: the tracking code is public (on the list, in
    Open311 and the API), so acting as the reporter needs this key as well. A case may
    hold several (a retried submission from the same client gets a fresh one, without
    breaking the first).

    The key is an HMAC of ``salt`` under the site's secret key, like Django's password
    reset tokens: the database alone (a backup, a leak) gives no key, yet the messages
    to the reporter can carry their private link later, from the background worker,
    without the key passing through the queue. ``key_hash`` (SHA-256 of the key, as for
    API tokens) finds it. ``deliver``: a "your private link" message is still to be sent
    (keys issued by the migration to cases that existed before keys did).
    """

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="reporter_keys"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    deliver = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("kunci pelapor")
        verbose_name_plural = pgettext_lazy("plural", "kunci pelapor")
        indexes = [
            models.Index(
                fields=["deliver"],
                condition=models.Q(deliver=True),
                name="reporter_key_deliver_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id} #{self.pk}"
