"""Public information under UU 14/2008 (Keterbukaan Informasi Publik).

A ``PublicBody`` (badan publik) is the kabupaten itself, one of its OPD, or a desa/kelurahan.
Each keeps a ``InfoDocument`` list (Daftar Informasi Publik) in the four categories of the
law, receives ``InformationRequest`` rows (answer within 10 working days, extendable once
by 7) and, on a refused or late answer, an ``Objection`` (keberatan, decided by the PPID's
superior within 30 working days). Deadlines count working days (core.workdays).

Requesters' identity is personal data (UU 27/2022): it is shown only to the staff of the
body asked and never on public pages or in logs. Files are kept in a private storage and
served through views that check what may be downloaded (never exempt documents).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Migrations name jembatan.disclosure.models.private_storage: kept importable from here.
from jembatan.core.storage import PrivateStorage, private_storage  # noqa: F401


class Pasal17(models.TextChoices):
    """Grounds of exemption, UU 14/2008 Pasal 17 letters a to j."""

    A = "a", _("a. menghambat proses penegakan hukum")
    B = "b", _("b. mengganggu perlindungan HKI dan persaingan usaha tidak sehat")
    C = "c", _("c. membahayakan pertahanan dan keamanan negara")
    D = "d", _("d. mengungkap kekayaan alam Indonesia")
    E = "e", _("e. merugikan ketahanan ekonomi nasional")
    F = "f", _("f. merugikan kepentingan hubungan luar negeri")
    G = "g", _("g. mengungkap isi akta otentik yang bersifat pribadi atau wasiat")
    H = "h", _("h. mengungkap rahasia pribadi")
    I = "i", _("i. memorandum atau surat antar/intra badan publik yang dirahasiakan")  # noqa: E741
    J = "j", _("j. informasi yang tidak boleh diungkap berdasarkan undang-undang")


class PublicBodyQuerySet(models.QuerySet["PublicBody"]):
    def in_order(self) -> PublicBodyQuerySet:
        """Kabupaten first, then its OPD, then its desa and the desa's other bodies (the
        order people look for them)."""
        rank = models.Case(
            models.When(kind="kabupaten", then=0),
            models.When(kind="opd", then=1),
            default=2,
            output_field=models.IntegerField(),
        )
        return self.order_by("kabupaten_id", rank, "region_id", "kind", "id")


# The body kinds whose region is a desa/kelurahan (Perki 1/2018: the public bodies of a
# desa are its government, the BPD and the BUMDes); BKAD, the desa's cooperation body
# (Badan Kerja Sama Antar Desa), stands for the desa of one kecamatan.
DESA_LEVEL_KINDS = ("desa", "bpd", "bumdes")
REGION_KINDS = ("kabupaten", *DESA_LEVEL_KINDS, "bkad")


class PublicBody(models.Model):
    """A badan publik whose PPID keeps an information list and answers requests."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Pemerintah kabupaten/kota")
        OPD = "opd", _("Perangkat daerah (OPD)")
        DESA = "desa", _("Pemerintah desa/kelurahan")
        BPD = "bpd", _("Badan Permusyawaratan Desa (BPD)")
        BUMDES = "bumdes", _("Badan Usaha Milik Desa (BUMDes)")
        BKAD = "bkad", _("Badan Kerja Sama Antar Desa (BKAD)")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    # The tenant: the kabupaten/kota the body belongs to (denormalised for scoping).
    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The kabupaten itself (kind kabupaten), the desa/kelurahan (desa, BPD, BUMDes) or the
    # kecamatan whose desa cooperate (BKAD).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_bodies",
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("perangkat daerah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_bodies",
    )
    contact = models.CharField(
        _("kontak PPID"),
        max_length=200,
        blank=True,
        help_text=_("Alamat, telepon atau email layanan informasi."),
    )
    # A BUMDes or BKAD has its own name ("BUMDes Maju Bersama"); the others are named
    # after their region or office.
    own_name = models.CharField(_("nama badan"), max_length=150, blank=True)
    # The atasan PPID who decides objections (UU 14/2008 Pasal 36; Perki 1/2021): set per
    # body; blank means the default of its kind (superior_title).
    superior_office = models.CharField(
        _("jabatan atasan PPID"),
        max_length=150,
        blank=True,
        help_text=_("Mis. Sekretaris Daerah, Kepala Desa. Kosongkan untuk nilai bawaan."),
    )
    superior_name = models.CharField(_("nama atasan PPID"), max_length=150, blank=True)
    superiors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun yang memutus keberatan"),
        blank=True,
        related_name="ppid_superior_of",
        help_text=_(
            "Bila kosong, Diskominfo mencatat putusan atasan PPID atas namanya di Jembatan."
        ),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    objects = PublicBodyQuerySet.as_manager()

    class Meta:
        ordering = ["kabupaten_id", "kind", "id"]
        verbose_name = _("badan publik")
        verbose_name_plural = pgettext_lazy("plural", "badan publik")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=REGION_KINDS, region__isnull=False, office__isnull=True)
                | models.Q(kind="opd", region__isnull=True, office__isnull=False),
                name="ppid_body_target_matches_kind",
            ),
            models.UniqueConstraint(fields=["region", "kind"], name="ppid_body_region_kind_unique"),
            models.UniqueConstraint(fields=["office"], name="ppid_body_office_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("disclosure:body", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        if self.own_name:
            return self.own_name
        if self.kind == self.Kind.OPD and self.office_id:
            return self.office.name
        if self.kind in (self.Kind.BPD, self.Kind.BUMDES, self.Kind.BKAD) and self.region_id:
            # "BPD Desa Sebalo" / "BKAD Kecamatan Sanggau Ledo".
            return _("%(body)s %(kind)s %(name)s") % {
                "body": SHORT_KIND_NAMES[self.kind],
                "kind": self.region.get_kind_display(),
                "name": self.region.name,
            }
        if self.kind == self.Kind.DESA and self.region_id:
            # "Desa Sebalo" / "Sebalo Village": the order is the language's.
            return _("%(kind)s %(name)s") % {
                "kind": self.region.get_kind_display(),
                "name": self.region.name,
            }
        return self.region.name if self.region_id else "?"

    @property
    def superior_title(self) -> str:
        """The atasan PPID's office: the body's own, else the default of its kind."""
        if self.superior_office:
            return self.superior_office
        if self.kind == self.Kind.DESA and self.region_id and self.region.kind == "kelurahan":
            return str(_("Lurah"))
        return str(DEFAULT_SUPERIORS[self.kind])

    @property
    def superior_label(self) -> str:
        """How the requester reads who decides: "Sekretaris Daerah (Drs. A)"."""
        if self.superior_name:
            return _("%(office)s (%(name)s)") % {
                "office": self.superior_title,
                "name": self.superior_name,
            }
        return self.superior_title


SHORT_KIND_NAMES = {"bpd": "BPD", "bumdes": "BUMDes", "bkad": "BKAD"}

# The atasan PPID by the body's level: the Sekda heads a kabupaten/kota's PPID (and so the
# OPD's PPID pelaksana under it); the kepala desa a desa's (Perki 1/2018). For the desa's
# other bodies, their own head.
DEFAULT_SUPERIORS = {
    "kabupaten": _("Sekretaris Daerah"),
    "opd": _("Sekretaris Daerah"),
    "desa": _("Kepala Desa"),
    "bpd": _("Ketua BPD"),
    "bumdes": _("Kepala Desa selaku Penasihat BUMDes"),
    "bkad": _("Ketua BKAD"),
}


class InfoDocument(models.Model):
    """One entry of a body's Daftar Informasi Publik."""

    class Category(models.TextChoices):
        PERIODIC = "berkala", _("Informasi berkala")
        IMMEDIATE = "serta_merta", _("Informasi serta-merta")
        ON_REQUEST = "setiap_saat", _("Informasi tersedia setiap saat")
        EXEMPT = "dikecualikan", _("Informasi dikecualikan")

    body = models.ForeignKey(
        PublicBody,
        verbose_name=_("badan publik"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("judul"), max_length=200)
    summary = models.TextField(_("ringkasan"), max_length=2000, blank=True)
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    owner = models.CharField(
        _("penanggung jawab"), max_length=150, help_text=_("Unit atau pejabat yang menguasai.")
    )
    period = models.CharField(
        _("periode"), max_length=60, help_text=_("Mis. 2026, Triwulan III 2026.")
    )
    format = models.CharField(_("format"), max_length=30, help_text=_("Mis. PDF, XLSX, cetak."))
    file = models.FileField(
        _("berkas"), storage=private_storage, upload_to="ppid/dokumen/%Y/", blank=True
    )
    file_name = models.CharField(_("nama berkas"), max_length=150, blank=True)
    file_size = models.PositiveIntegerField(_("ukuran berkas"), null=True, blank=True)
    # Required for exempt entries (Pasal 17 and the consequence test of Pasal 19).
    exemption_ground = models.CharField(
        _("dasar pengecualian (Pasal 17)"), max_length=1, choices=Pasal17.choices, blank=True
    )
    exemption_reason = models.TextField(_("alasan pengecualian"), max_length=2000, blank=True)
    exemption_harm = models.TextField(
        _("uji konsekuensi"),
        max_length=2000,
        blank=True,
        help_text=_("Akibat yang timbul bila informasi dibuka (Pasal 19 UU 14/2008)."),
    )
    is_published = models.BooleanField(_("tampil untuk umum"), default=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["body_id", "category", "title"]
        verbose_name = _("daftar informasi publik")
        verbose_name_plural = pgettext_lazy("plural", "daftar informasi publik")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category="dikecualikan")
                | (
                    ~models.Q(exemption_ground="")
                    & ~models.Q(exemption_reason="")
                    & ~models.Q(exemption_harm="")
                ),
                name="ppid_document_exempt_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=["berkala", "serta_merta", "setiap_saat"])
                | models.Q(category="dikecualikan", file=""),
                name="ppid_document_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exempt(self) -> bool:
        return self.category == self.Category.EXEMPT

    @property
    def downloadable(self) -> bool:
        return bool(self.file) and not self.is_exempt and self.is_published


class RequestStatus(models.TextChoices):
    RECEIVED = "diterima", _("Diterima, sedang diproses")
    EXTENDED = "diperpanjang", _("Diperpanjang")
    ANSWERED = "dijawab", _("Dijawab")


class Outcome(models.TextChoices):
    GRANTED = "dikabulkan", _("Dikabulkan seluruhnya")
    PARTLY = "sebagian", _("Dikabulkan sebagian")
    REFUSED = "ditolak", _("Ditolak")
    NOT_HELD = "tidak_dikuasai", _("Informasi tidak dikuasai")


class InformationRequest(models.Model):
    """A permohonan informasi publik (Perki SLIP 1/2021)."""

    class RequesterKind(models.TextChoices):
        PERSON = "perorangan", _("Perorangan")
        GROUP = "kelompok", _("Kelompok orang")
        LEGAL_ENTITY = "badan_hukum", _("Badan hukum")

    class ObtainForm(models.TextChoices):
        VIEW = "melihat", _("Melihat/membaca")
        SOFT = "salinan_elektronik", _("Salinan elektronik (soft copy)")
        HARD = "salinan_cetak", _("Salinan cetak (hard copy)")

    class Delivery(models.TextChoices):
        PICKUP = "ambil", _("Mengambil langsung")
        EMAIL = "email", _("Email")
        POST = "pos", _("Pos/kurir")

    number = models.CharField(_("nomor registrasi"), max_length=20, unique=True)
    # The requester's private link: the number is public (register), the token is not.
    token = models.CharField(max_length=40, unique=True, editable=False)
    body = models.ForeignKey(
        PublicBody,
        verbose_name=_("badan publik"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    document = models.ForeignKey(
        InfoDocument,
        verbose_name=_("informasi dari daftar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    # The requester: personal data, never on public pages or in logs.
    requester_kind = models.CharField(
        _("pemohon"), max_length=12, choices=RequesterKind.choices, default=RequesterKind.PERSON
    )
    requester_name = models.CharField(_("nama"), max_length=150)
    requester_nik = models.CharField(_("NIK"), max_length=16, blank=True)
    requester_legal_basis = models.CharField(
        _("akta pendirian/pengesahan badan hukum"), max_length=200, blank=True
    )
    requester_address = models.CharField(_("alamat"), max_length=300)
    requester_occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    requester_phone = models.CharField(_("telepon"), max_length=16, blank=True)
    # A copy of the KTP (or the legal entity's deed), as the standard of service asks:
    # kept outside MEDIA_ROOT and shown only to the PPID that handles the request.
    identity_file = models.FileField(
        _("salinan identitas"),
        storage=private_storage,
        upload_to="ppid/identitas/%Y/",
        blank=True,
    )
    requester_email = models.EmailField(_("email"), blank=True)
    information = models.TextField(_("informasi yang dimohon"), max_length=4000)
    purpose = models.TextField(_("tujuan penggunaan informasi"), max_length=2000)
    obtain_form = models.CharField(
        _("cara memperoleh informasi"), max_length=20, choices=ObtainForm.choices
    )
    delivery = models.CharField(
        _("cara mendapatkan salinan"), max_length=8, choices=Delivery.choices
    )
    status = models.CharField(
        _("status"), max_length=14, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    due_date = models.DateField(_("batas jawaban"))
    extended_at = models.DateTimeField(_("diperpanjang"), null=True, blank=True)
    extension_reason = models.TextField(_("alasan perpanjangan"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    outcome = models.CharField(_("keputusan"), max_length=16, choices=Outcome.choices, blank=True)
    refusal_grounds = models.JSONField(_("dasar penolakan (Pasal 17)"), default=list, blank=True)
    answer_text = models.TextField(_("jawaban"), max_length=6000, blank=True)
    answer_file = models.FileField(
        _("lampiran jawaban"), storage=private_storage, upload_to="ppid/jawaban/%Y/", blank=True
    )
    answer_file_name = models.CharField(max_length=150, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the requester's identity was erased (disclosure.personal_data: their request,
    # or the retention period): the request stays in the register without it.
    requester_erased_at = models.DateTimeField(_("identitas dihapus"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("permohonan informasi")
        verbose_name_plural = pgettext_lazy("plural", "permohonan informasi")
        indexes = [models.Index(fields=["body", "status"], name="ppid_request_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dijawab")
                | (~models.Q(outcome="") & models.Q(answered_at__isnull=False)),
                name="ppid_request_answered_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_at__isnull=True) | ~models.Q(extension_reason=""),
                name="ppid_request_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["ditolak", "sebagian"])
                | ~models.Q(answer_text=""),
                name="ppid_request_refusal_explained",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester_phone="")
                | ~models.Q(requester_email="")
                | models.Q(requester_erased_at__isnull=False),
                name="ppid_request_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse(
            "disclosure:request_detail", kwargs={"number": self.number, "token": self.token}
        )

    @property
    def is_open(self) -> bool:
        return self.status != RequestStatus.ANSWERED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def refusal_ground_labels(self) -> list[str]:
        labels = dict(Pasal17.choices)
        return [str(labels.get(g, g)) for g in self.refusal_grounds or []]


class Objection(models.Model):
    """A keberatan (UU 14/2008 Pasal 35-36) against the handling of one request."""

    class Reason(models.TextChoices):
        REFUSED = "a", _("a. permohonan ditolak berdasarkan alasan pengecualian Pasal 17")
        NOT_PUBLISHED = "b", _("b. tidak disediakannya informasi berkala (Pasal 9)")
        NOT_ANSWERED = "c", _("c. permohonan informasi tidak ditanggapi")
        NOT_AS_ASKED = "d", _("d. permohonan ditanggapi tidak sebagaimana yang diminta")
        NOT_FULFILLED = "e", _("e. permohonan informasi tidak dipenuhi")
        FEE = "f", _("f. pengenaan biaya yang tidak wajar")
        LATE = "g", _("g. penyampaian informasi melebihi waktu yang diatur")

    class Status(models.TextChoices):
        RECEIVED = "diterima", _("Diterima, sedang diproses")
        DECIDED = "diputus", _("Sudah diputus")

    class Decision(models.TextChoices):
        UPHELD = "dikabulkan", _("Keberatan dikabulkan")
        PARTLY = "sebagian", _("Keberatan dikabulkan sebagian")
        REJECTED = "ditolak", _("Keberatan ditolak (menguatkan jawaban PPID)")

    number = models.CharField(_("nomor registrasi keberatan"), max_length=20, unique=True)
    request = models.OneToOneField(
        InformationRequest,
        verbose_name=_("permohonan"),
        on_delete=models.CASCADE,
        related_name="objection",
    )
    reasons = models.JSONField(_("alasan keberatan (Pasal 35)"), default=list)
    text = models.TextField(_("uraian keberatan"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    submitted_at = models.DateTimeField(_("diajukan"), default=timezone.now, db_index=True)
    due_date = models.DateField(_("batas tanggapan atasan PPID"))
    decision = models.CharField(_("putusan"), max_length=12, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("tanggapan atasan PPID"), max_length=6000, blank=True)
    decided_at = models.DateTimeField(_("diputus"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("keberatan")
        verbose_name_plural = pgettext_lazy("plural", "keberatan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="diputus")
                | (
                    ~models.Q(decision="")
                    & ~models.Q(decision_text="")
                    & models.Q(decided_at__isnull=False)
                ),
                name="ppid_objection_decided_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.RECEIVED and self.due_date < timezone.localdate()

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons or []]


class InformationCommission(models.Model):
    """The provincial Komisi Informasi that settles information disputes (UU 14/2008
    Pasal 37-38): a requester unhappy with the superior's decision, or who got none in
    30 working days, files there within 14 working days. Keyed by the province's code so
    that the row exists before the region list is imported."""

    province_code = models.CharField(_("kode provinsi"), max_length=2, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    address = models.CharField(_("alamat"), max_length=300)
    website = models.URLField(_("situs web"), blank=True)
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        ordering = ["province_code"]
        verbose_name = _("Komisi Informasi")
        verbose_name_plural = pgettext_lazy("plural", "Komisi Informasi")

    def __str__(self) -> str:
        return self.name


class RequesterMail(models.Model):
    """A step of a request the requester was mailed about: each step is mailed once,
    however often the task runs (a retry after a lost answer from the mail server)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="mails")
    step = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="ppid_mail_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.step}"


class PpidSettings(models.Model):
    """A kabupaten's PPID rules: the deadlines (working days), the Komisi Informasi its
    requesters go to, and when the annual report is due. No row means the law's values
    (``settings_for``); Diskominfo changes them where a regional rule differs."""

    kabupaten = models.OneToOneField(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # UU 14/2008 Pasal 22 ayat (7) and (8).
    answer_days = models.PositiveSmallIntegerField(_("batas jawaban (hari kerja)"), default=10)
    extension_days = models.PositiveSmallIntegerField(
        _("perpanjangan jawaban (hari kerja)"), default=7
    )
    # UU 14/2008 Pasal 36 ayat (1); Perki 1/2021 (objection window and decision).
    objection_window_days = models.PositiveSmallIntegerField(
        _("batas pengajuan keberatan (hari kerja)"), default=30
    )
    objection_answer_days = models.PositiveSmallIntegerField(
        _("batas tanggapan atasan PPID (hari kerja)"), default=30
    )
    # UU 14/2008 Pasal 37 ayat (2).
    dispute_filing_days = models.PositiveSmallIntegerField(
        _("batas pengajuan sengketa ke Komisi Informasi (hari kerja)"), default=14
    )
    commission_name = models.CharField(
        _("nama Komisi Informasi"),
        max_length=150,
        blank=True,
        help_text=_("Kosongkan untuk “Komisi Informasi Provinsi <nama provinsi>”."),
    )
    commission_address = models.CharField(_("alamat Komisi Informasi"), max_length=300, blank=True)
    commission_website = models.URLField(_("situs web Komisi Informasi"), blank=True)
    # Perki 1/2021 Pasal 56: the annual report is published by 31 March; a reminder
    # shows in the workspace from the reminder date.
    report_reminder_month = models.PositiveSmallIntegerField(
        _("bulan mulai pengingat laporan tahunan"), default=3
    )
    report_reminder_day = models.PositiveSmallIntegerField(
        _("tanggal mulai pengingat laporan tahunan"), default=1
    )
    report_due_month = models.PositiveSmallIntegerField(_("bulan batas laporan tahunan"), default=3)
    report_due_day = models.PositiveSmallIntegerField(
        _("tanggal batas laporan tahunan"), default=31
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan PPID")
        verbose_name_plural = pgettext_lazy("plural", "pengaturan PPID")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer_days__gte=1)
                & models.Q(objection_window_days__gte=1)
                & models.Q(objection_answer_days__gte=1)
                & models.Q(dispute_filing_days__gte=1),
                name="ppid_settings_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.kabupaten_id)


class AnnualReport(models.Model):
    """The narrative parts of a kabupaten's annual report (Perki 1/2021 Pasal 56) for one
    year; the figures (requests, outcomes, refusal grounds, objections) are counted from
    the requests. Published once staff have written it: the public page shows the text
    only then."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    policy = models.TextField(
        _("kebijakan pelayanan informasi publik"), max_length=6000, blank=True
    )
    facilities = models.TextField(_("sarana dan prasarana"), max_length=6000, blank=True)
    staff = models.TextField(_("sumber daya manusia"), max_length=6000, blank=True)
    budget = models.TextField(_("anggaran pelayanan informasi"), max_length=6000, blank=True)
    disputes_commission = models.PositiveIntegerField(_("sengketa di Komisi Informasi"), default=0)
    disputes_court = models.PositiveIntegerField(_("sengketa di pengadilan"), default=0)
    disputes_text = models.TextField(_("uraian sengketa informasi"), max_length=6000, blank=True)
    obstacles = models.TextField(_("kendala"), max_length=6000, blank=True)
    recommendations = models.TextField(
        _("rekomendasi dan rencana tindak lanjut"), max_length=6000, blank=True
    )
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["kabupaten_id", "-year"]
        verbose_name = _("laporan tahunan PPID")
        verbose_name_plural = pgettext_lazy("plural", "laporan tahunan PPID")
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "year"], name="ppid_annual_report_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabupaten_id} {self.year}"
