"""The KIM registry: groups, the region each serves and their members."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.accounts.phone import normalize_phone
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code


def on_kimid(url: str) -> bool:
    """Whether a URL is on the ministry's kim.id domain (or one of its subdomains)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    domain = settings.KIMID_DOMAIN.lower()
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class KimidAddress:
    """A kim.id address as it will be fetched: the host to resolve and send (Host, SNI),
    the port, and the path with its query."""

    scheme: str
    host: str
    port: int
    target: str

    @property
    def url(self) -> str:
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}{self.target}"


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\Z")
# Characters kept as they are in a path or query; anything else is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


def kimid_address(url: str) -> KimidAddress:
    """The address a kim.id URL (a KIM's site or its feed) names, or a ValidationError
    saying why it is refused: one parse for the KIM form and for the feed fetch
    (sites.kimid), so that the form saves only what the fetch will read. Only http(s),
    no user name or password, no backslash, space or control character, a plain host
    name on the kim.id domain, and a port from KIMID_FEED_PORTS (80 and 443)."""
    invalid = ValidationError(_("Alamat ini tidak sah."), code="invalid")
    if not isinstance(url, str) or any(c <= " " or c in "\\\x7f" for c in url):
        raise invalid
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise invalid from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(_("Alamat harus diawali http:// atau https://."), code="scheme")
    if "@" in parts.netloc or not parts.hostname or not _HOST.match(parts.hostname):
        raise invalid
    host = parts.hostname
    if not on_kimid(url):
        raise ValidationError(
            _("Alamat harus berada di %(domain)s.") % {"domain": settings.KIMID_DOMAIN},
            code="domain",
        )
    port = port or (443 if scheme == "https" else 80)
    if port not in settings.KIMID_FEED_PORTS:
        raise ValidationError(_("Alamat ini memakai port yang tidak diizinkan."), code="port")
    target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_PATH_SAFE)
    return KimidAddress(scheme=scheme, host=host, port=port, target=target)


def kimid_key(number: str) -> str:
    """A kim.id number as compared for uniqueness: upper case, every separator (dot, slash,
    hyphen) a hyphen, so that KIM.6107.0001, KIM/6107/0001 and kim-6107-0001 are one."""
    return re.sub(r"[./-]", "-", (number or "").strip().upper())


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


# New columns on existing tables carry a database default (db_default) as well: code that
# knows only the older schema (a migration test that goes back, an old worker during a
# rolling upgrade) can still insert rows.
# A kim.id registration number as the ministry's registry shows it: letters and digits,
# with dots, hyphens or slashes between groups (stored upper case).
KIMID_NUMBER_RE = r"^[A-Z0-9]+(?:[./-][A-Z0-9]+)*$"


KIMID_TAKEN = _("Nomor ini sudah tercatat untuk KIM lain; hubungi Diskominfo bila ini keliru.")


class DecreeSigner(models.TextChoices):
    """Who signs a KIM's SK pengukuhan (Permenkominfo 08/2010; 4/2024): the head of the
    government at the level that confirms it."""

    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    LURAH = "lurah", _("Lurah")
    CAMAT = "camat", _("Camat")
    BUPATI = "bupati", _("Bupati/wali kota")


class DecreeState(models.TextChoices):
    VALID = "valid", _("Berlaku")
    EXPIRING = "expiring", _("Segera berakhir")
    EXPIRED = "expired", _("Masa bakti berakhir")
    UNKNOWN = "unknown", _("Masa bakti belum dicatat")


def decree_scan_path(instance: Kim, filename: str) -> str:
    return f"kim/sk/{instance.pk or 'baru'}/{filename}"


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
    sk_signer = models.CharField(
        _("penanda tangan SK"),
        max_length=12,
        choices=DecreeSigner.choices,
        blank=True,
        default="",
        db_default="",
    )
    # A decree is a public act of government: its scan is shown on the public profile.
    # Only ever written by the service, after core.attachments has checked the content.
    sk_scan = models.FileField(
        _("scan SK"),
        upload_to=decree_scan_path,
        blank=True,
        max_length=200,
        default="",
        db_default="",
    )
    term_start = models.DateField(_("masa bakti mulai"), null=True, blank=True)
    term_end = models.DateField(_("masa bakti berakhir"), null=True, blank=True)
    # The KIM's national registration and its free website at kim.id.
    kimid_number = models.CharField(
        _("nomor registrasi kim.id"),
        max_length=40,
        blank=True,
        default="",
        db_default="",
        validators=[
            RegexValidator(
                KIMID_NUMBER_RE,
                _("Nomor registrasi hanya berisi huruf dan angka, dipisah titik, - atau /."),
            )
        ],
    )
    # kimid_number as compared (kimid_key): the registry is national, so one number is one
    # KIM in the whole install. Whoever records a number first holds it; a KIM that finds
    # its number taken asks Diskominfo, who corrects the wrong record.
    kimid_key = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )
    kimid_url = models.URLField(_("situs kim.id"), blank=True, default="", db_default="")
    kimid_feed_url = models.URLField(
        _("feed RSS/Atom situs kim.id"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Jika diisi, berita di situs kim.id diambil ke sini; tidak perlu menulis dua kali."
        ),
    )
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
            models.UniqueConstraint(
                fields=["kimid_key"],
                condition=~models.Q(kimid_key=""),
                name="kim_kimid_key_unique",
                violation_error_message=KIMID_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="kim_sk_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.kabupaten_id = self.region.kabupaten_code
        self.level = self.level_for(self.region)
        # A new row left to the database default has no number yet (DatabaseDefault).
        self.kimid_key = kimid_key(self.kimid_number if isinstance(self.kimid_number, str) else "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "kimid_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "kimid_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sites:kim_home", kwargs={"kim": self.slug})

    def clean(self) -> None:
        if self.region_id and self.region.level < Region.Level.KECAMATAN:
            raise ValidationError(
                {"region": _("KIM berada di tingkat kecamatan, desa atau kelurahan.")}
            )
        if self.kimid_number:
            self.kimid_number = self.kimid_number.strip().upper()
        self.kimid_key = kimid_key(self.kimid_number)  # checked by kim_kimid_key_unique
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError(
                {"term_end": _("Masa bakti tidak dapat berakhir sebelum dimulai.")}
            )
        if self.sk_date and self.sk_date > timezone.localdate():
            raise ValidationError({"sk_date": _("Tanggal SK tidak boleh di masa depan.")})
        if self.sk_signer and self.region_id:
            level = self.level_for(self.region)
            if self.sk_signer not in SIGNERS_FOR_LEVEL[level]:
                raise ValidationError(
                    {
                        "sk_signer": _("SK KIM tingkat %(level)s tidak ditandatangani %(signer)s.")
                        % {
                            "level": Kim.Level(level).label.lower(),
                            "signer": DecreeSigner(self.sk_signer).label.lower(),
                        }
                    }
                )
        for name in ("kimid_url", "kimid_feed_url"):
            if getattr(self, name):
                try:
                    kimid_address(getattr(self, name))
                except ValidationError as exc:
                    raise ValidationError({name: exc.messages}) from None
        if self.whatsapp:
            try:
                self.whatsapp = normalize_phone(self.whatsapp)
            except ValidationError as exc:
                raise ValidationError({"whatsapp": exc.messages}) from None

    def decree_state(self, today: datetime.date | None = None) -> str:
        """Whether the SK's term of office still runs, ends within KIM_TERM_WARNING_DAYS,
        or has ended: staff see it and renew the decree in time."""
        if self.term_end is None:
            return DecreeState.UNKNOWN
        today = today or timezone.localdate()
        if self.term_end < today:
            return DecreeState.EXPIRED
        if (self.term_end - today).days <= settings.KIM_TERM_WARNING_DAYS:
            return DecreeState.EXPIRING
        return DecreeState.VALID

    def get_decree_state_display(self) -> str:
        return str(DecreeState(self.decree_state()).label)

    @staticmethod
    def level_for(region: Region) -> str:
        if region.level == Region.Level.KECAMATAN:
            return Kim.Level.KECAMATAN
        if region.kind == Region.Kind.KELURAHAN:
            return Kim.Level.KELURAHAN
        return Kim.Level.DESA


# Who may sign a KIM's SK at each level: a desa's kepala desa, a kelurahan's lurah (a
# civil servant, no kepala desa), a kecamatan's camat; the bupati/wali kota signs any.
SIGNERS_FOR_LEVEL: dict[str, set[str]] = {
    Kim.Level.DESA: {DecreeSigner.KEPALA_DESA, DecreeSigner.CAMAT, DecreeSigner.BUPATI},
    Kim.Level.KELURAHAN: {DecreeSigner.LURAH, DecreeSigner.CAMAT, DecreeSigner.BUPATI},
    Kim.Level.KECAMATAN: {DecreeSigner.CAMAT, DecreeSigner.BUPATI},
}


# The profile a KIM's people and Diskominfo edit, in form order.
PROFILE_FIELDS = [
    "name",
    "region",
    "slug",
    "description",
    "address",
    "email",
    "whatsapp",
    "kimid_number",
    "kimid_url",
    "kimid_feed_url",
    "sk_number",
    "sk_date",
    "sk_signer",
    "term_start",
    "term_end",
    "facebook_url",
    "instagram_url",
    "youtube_url",
    "posts_need_review",
    "comments_need_moderation",
    "is_active",
]


class Position(models.TextChoices):
    """Posts in a KIM, in the order the structure is shown. The minimum structure is ketua,
    sekretaris and bendahara; wakil ketua and seksi (each with its own name, e.g. "Seksi
    Humas") are optional."""

    KETUA = "ketua", _("Ketua")
    WAKIL_KETUA = "wakil_ketua", _("Wakil ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    BENDAHARA = "bendahara", _("Bendahara")
    SEKSI = "seksi", _("Seksi")
    ANGGOTA = "anggota", _("Anggota")


# Positions that run the KIM: approve posts, manage members. A wakil ketua stands in for the
# ketua; a seksi leads one field of work and has an anggota's rights on the site.
PENGURUS = {Position.KETUA, Position.WAKIL_KETUA, Position.SEKRETARIS, Position.BENDAHARA}
# Posts recorded in the public history of the KIM's pengurus (every post but anggota).
STRUCTURE = PENGURUS | {Position.SEKSI}


def position_label(position: str, seksi_name: str = "") -> str:
    """ "Seksi Humas" for a seksi with a name, else the post's label."""
    if position == Position.SEKSI and seksi_name:
        return f"{Position.SEKSI.label} {seksi_name}"
    return str(Position(position).label)


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
    seksi_name = models.CharField(
        _("nama seksi"),
        max_length=60,
        blank=True,
        default="",
        db_default="",
        help_text=_("Mis. Humas, Pemberdayaan."),
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
        return f"{self.user} — {self.position_label} {self.kim}"

    @property
    def position_label(self) -> str:
        return position_label(self.position, self.seksi_name)


class PostTerm(models.Model):
    """A post held from when to when (a KIM's pengurus, a Forum KIM's): the post, the
    seksi's name, the dates and the post's label. The rule that a term ends on or after
    its start is ``ends_after_start(name)`` in each model's constraints, under the name
    its table already has."""

    position = models.CharField(_("jabatan"), max_length=12, choices=Position.choices)
    seksi_name = models.CharField(_("nama seksi"), max_length=60, blank=True)
    started_on = models.DateField(_("mulai"), default=timezone.localdate)
    ended_on = models.DateField(_("sampai"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_on", "-id"]

    @staticmethod
    def ends_after_start(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(ended_on__isnull=True)
            | models.Q(ended_on__gte=models.F("started_on")),
            name=name,
        )

    @property
    def position_label(self) -> str:
        return position_label(self.position, self.seksi_name)


class KimTerm(PostTerm):
    """One person's term in one post of a KIM, from when to when: the history of its
    pengurus. Written by the membership services; a change of post or leaving the KIM
    closes the open term (ended_on) and a new post opens the next."""

    membership = models.ForeignKey(
        KimMembership, verbose_name=_("anggota"), on_delete=models.CASCADE, related_name="terms"
    )
    kim = models.ForeignKey(
        Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="terms"
    )

    class Meta(PostTerm.Meta):
        verbose_name = _("masa jabatan")
        verbose_name_plural = pgettext_lazy("plural", "masa jabatan")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(ended_on__isnull=True),
                name="kim_term_one_open_per_membership",
            ),
            PostTerm.ends_after_start("kim_term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.position} {self.started_on}-{self.ended_on or ''}"


class ForumQuerySet(models.QuerySet["Forum"]):
    def served(self) -> ForumQuerySet:
        """The active forums of the tenant being served."""
        return self.filter(is_active=True, kabupaten_id=served_code())


class Forum(models.Model):
    """A Forum KIM: a body at kecamatan or kabupaten level whose members are the KIMs of
    that region, with its own pengurus (ForumPengurus) and public page."""

    name = models.CharField(_("nama"), max_length=150)
    slug = models.SlugField(_("alamat web"), max_length=80, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="kim_forums",
        limit_choices_to={"level__in": [Region.Level.KABUPATEN, Region.Level.KECAMATAN]},
    )
    kabupaten = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    description = models.TextField(_("deskripsi"), blank=True)
    kims = models.ManyToManyField(
        Kim, verbose_name=_("KIM anggota"), related_name="forums", blank=True
    )
    sk_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    sk_signer = models.CharField(
        _("penanda tangan SK"),
        max_length=12,
        choices=DecreeSigner.choices,
        blank=True,
        default="",
        db_default="",
    )
    term_start = models.DateField(_("masa bakti mulai"), null=True, blank=True)
    term_end = models.DateField(_("masa bakti berakhir"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Forum KIM")
        verbose_name_plural = pgettext_lazy("plural", "Forum KIM")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="forum_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.kabupaten_id = self.region.kabupaten_code
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forums:detail", kwargs={"slug": self.slug})

    @property
    def level_label(self) -> str:
        if self.region.level == Region.Level.KECAMATAN:
            return str(_("Forum KIM kecamatan"))
        return str(_("Forum KIM kabupaten/kota"))

    def clean(self) -> None:
        if self.region_id and self.region.level not in (
            Region.Level.KABUPATEN,
            Region.Level.KECAMATAN,
        ):
            raise ValidationError(
                {"region": _("Forum KIM berada di tingkat kecamatan atau kabupaten/kota.")}
            )
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError(
                {"term_end": _("Masa bakti tidak dapat berakhir sebelum dimulai.")}
            )
        if self.sk_date and self.sk_date > timezone.localdate():
            raise ValidationError({"sk_date": _("Tanggal SK tidak boleh di masa depan.")})
        # A kecamatan's forum is confirmed by its camat or the bupati; a kabupaten's by the
        # bupati/wali kota.
        if self.sk_signer and self.region_id:
            allowed = (
                {DecreeSigner.CAMAT, DecreeSigner.BUPATI}
                if self.region.level == Region.Level.KECAMATAN
                else {DecreeSigner.BUPATI}
            )
            if self.sk_signer not in allowed:
                raise ValidationError(
                    {"sk_signer": _("Penanda tangan ini tidak mengukuhkan Forum KIM tingkat ini.")}
                )


class ForumPengurus(PostTerm):
    """A person in a post of a Forum KIM, from when to when; usually from a member KIM.
    Named by hand: the forum's pengurus need no account."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="pengurus")
    full_name = models.CharField(_("nama"), max_length=150)
    kim = models.ForeignKey(
        Kim,
        verbose_name=_("dari KIM"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(PostTerm.Meta):
        verbose_name = _("pengurus forum")
        verbose_name_plural = pgettext_lazy("plural", "pengurus forum")
        constraints = [
            PostTerm.ends_after_start("forum_pengurus_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.position_label}"
