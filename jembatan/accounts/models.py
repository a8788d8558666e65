"""Users, government offices, government roles and the audit log.

KIM membership (ketua, sekretaris, bendahara, anggota) lives in the communities app,
which depends on this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.accounts.audit_registry import action_label
from jembatan.accounts.phone import normalize_phone
from jembatan.regions.models import Region


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(
        self, email: str | None, phone: str | None, password: str | None, **extra: Any
    ) -> User:
        if not email and not phone:
            raise ValueError("A user needs an email address or a phone number.")
        user = self.model(
            email=self.normalize_email(email).lower() if email else None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self,
        email: str | None = None,
        password: str | None = None,
        *,
        phone: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, extra.pop("phone", None), password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: logs in with an email address or an Indonesian phone number."""

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("nomor telepon"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Nomor Indonesia, mis. 0812 3456 7890."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    is_active = models.BooleanField(_("aktif"), default=True)
    # Admin-site access; platform operators only.
    is_staff = models.BooleanField(_("akses admin"), default=False)
    # Demo accounts have published passwords: they cannot log in when DEBUG is off.
    is_demo = models.BooleanField(_("akun demo"), default=False, editable=False)
    date_joined = models.DateTimeField(_("terdaftar"), default=timezone.now)
    # When the last invitation to choose a password was mailed (accounts.tasks).
    invited_at = models.DateTimeField(_("diundang"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    if TYPE_CHECKING:
        # Only on the request's user, where django-otp's OTPMiddleware sets it: whether
        # this session passed the second step.
        def is_verified(self) -> bool: ...

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("plural", "pengguna")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or str(self.pk)

    def clean(self) -> None:
        super().clean()
        self._normalize_contacts()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every path (forms, admin, factories, services) stores one canonical form,
        # which is what login looks up.
        self._normalize_contacts()
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        # The roles memoised for the request (accounts.access.actor) are read again too.
        self.__dict__.pop("_jembatan_actor", None)
        super().refresh_from_db(*args, **kwargs)

    def _normalize_contacts(self) -> None:
        self.email = self.email.strip().lower() if self.email else None
        self.phone = normalize_phone(self.phone) if self.phone else None

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""


class Office(models.Model):
    """A government body of a kabupaten: Diskominfo, an OPD, a kecamatan office."""

    class Kind(models.TextChoices):
        DISKOMINFO = "diskominfo", _("Dinas Komunikasi dan Informatika")
        OPD = "opd", _("Organisasi Perangkat Daerah")
        KECAMATAN = "kecamatan", _("Kantor kecamatan")

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="offices",
        limit_choices_to={"level": 2},
    )
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.OPD)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["kabupaten_id", "name"]
        verbose_name = _("instansi")
        verbose_name_plural = pgettext_lazy("plural", "instansi")
        constraints = [
            models.UniqueConstraint(fields=["kabupaten", "name"], name="office_name_unique"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    """Government and platform roles. KIM positions are communities.Position."""

    OPERATOR = "operator", _("Operator platform")
    KABUPATEN_ADMIN = "kabupaten_admin", _("Admin kabupaten (Diskominfo)")
    OPD_OFFICER = "opd_officer", _("Petugas OPD")
    CAMAT = "camat", _("Camat")


class Membership(models.Model):
    """A user's government role, scoped to a kabupaten, a kecamatan or an office."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    # The kabupaten (admin, OPD officer) or kecamatan (camat); none for operators.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("instansi"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    # The head of an OPD (kepala dinas) is whom overdue aspirations escalate to.
    is_head = models.BooleanField(
        _("kepala instansi"),
        default=False,
        help_text=_("Kepala OPD: menerima eskalasi aspirasi yang melewati tenggat."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = pgettext_lazy("plural", "peran pengguna")
        constraints = [
            # NULLs never collide in a unique index, so each scope shape has its own.
            models.UniqueConstraint(
                fields=["user", "role", "region", "office"],
                name="membership_unique_office",
                condition=models.Q(office__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                name="membership_unique_region",
                condition=models.Q(office__isnull=True, region__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                name="membership_unique_platform",
                condition=models.Q(office__isnull=True, region__isnull=True),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.OPERATOR, region__isnull=True, office__isnull=True)
                    | models.Q(role=Role.KABUPATEN_ADMIN, region__isnull=False)
                    | models.Q(role=Role.OPD_OFFICER, region__isnull=False, office__isnull=False)
                    | models.Q(role=Role.CAMAT, region__isnull=False)
                ),
                name="membership_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=models.Q(is_head=False) | models.Q(role=Role.OPD_OFFICER),
                name="membership_head_is_opd_officer",
            ),
        ]

    def __str__(self) -> str:
        scope = self.office or self.region
        return f"{self.role_label} — {scope}" if scope else str(self.role_label)

    @property
    def role_label(self) -> Any:
        """The role as its holder reads it: the Diskominfo role held at a province is the
        province's (it oversees the kabupaten of the province and administers none)."""
        if (
            self.role == Role.KABUPATEN_ADMIN
            and self.region is not None
            and self.region.level == Region.Level.PROVINSI
        ):
            return _("Diskominfo provinsi (pemantau)")
        return self.get_role_display()


class AuditLog(models.Model):
    """Who did what to which object, when, with the values before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=80, db_index=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.CharField(_("ID objek"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("objek"), max_length=200, blank=True)
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    # The kabupaten/kota the change was made for: given by the writer, else the tenant of
    # the request or task (audit.audit_record); empty for platform-wide changes.
    tenant = models.ForeignKey(
        "tenants.Tenant",
        verbose_name=_("tenant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = pgettext_lazy("plural", "catatan audit")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> Any:
        """What the action means for a reader (accounts.audit_registry)."""
        return action_label(self.action)


class AccessRecord(models.Model):
    """A staff member read an object holding a citizen's personal data (a case's page, its
    export): the record of processing (UU 27/2022 Pasal 31) that the data subject sees
    beside the audit rows of changes. One row per reader, object and day is enough to
    answer "who looked, when", and keeps a busy desk from writing a row per page view."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(_("ID objek"), max_length=64)
    day = models.DateField(_("tanggal"))
    tenant = models.ForeignKey(
        "tenants.Tenant",
        verbose_name=_("tenant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catatan akses data pribadi")
        verbose_name_plural = pgettext_lazy("plural", "catatan akses data pribadi")
        indexes = [models.Index(fields=["target_type", "target_id"], name="access_target_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "target_type", "target_id", "day"],
                name="access_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.actor_id} {self.target_id}"


class Notification(models.Model):
    """A message for one user, listed in /kelola/ and (once) mailed.

    The text is not stored: ``kind`` names a registered template (accounts.notifications)
    and ``params`` fill it, so each reader sees it in their own language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("jenis"), max_length=40)
    params = models.JSONField(_("isi"), default=dict)
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    # One notification per recipient and event: the same event never notifies twice.
    key = models.CharField(_("kunci"), max_length=120)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim ke email"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = pgettext_lazy("plural", "pemberitahuan")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["key"], name="notification_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
