"""Content of the KIM websites: news posts (berita) with their revisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jembatan.communities.models import Kim
from jembatan.core.moderation import Moderated, Visibility, visibility_field
from jembatan.tenants.current import served_code


class PostQuerySet(models.QuerySet["Post"]):
    def live(self) -> PostQuerySet:
        """Published and due: scheduled posts appear by themselves, no cron needed."""
        return self.filter(
            status=Post.Status.PUBLISHED,
            published_at__lte=timezone.now(),
            kim__is_active=True,
        )


def live_posts() -> PostQuerySet:
    """Live posts with what list and article pages show of them."""
    return Post.objects.live().select_related("kim", "kim__region", "author", "category", "photo")


def served_posts() -> PostQuerySet:
    """Live posts of the tenant being served: another kabupaten's are not found here."""
    return live_posts().filter(kim__kabupaten_id=served_code())


class Category(models.Model):
    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("nama"), max_length=60)
    slug = models.SlugField(_("alamat"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kategori")
        verbose_name_plural = pgettext_lazy("plural", "kategori")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="category_slug_unique_in_kim"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        REVIEW = "review", _("Menunggu persetujuan")
        PUBLISHED = "published", _("Terbit")

    kim = models.ForeignKey(
        Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120)
    summary = models.CharField(_("ringkasan"), max_length=300, blank=True)
    # Sanitised HTML (services.sanitize_html) — never stored raw.
    body = models.TextField(_("isi"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    photo = models.ForeignKey(
        "kimsites.Photo",
        verbose_name=_("foto utama"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Dipakai juga sebagai gambar saat dibagikan."),
    )
    # Set when the post re-publishes information from elsewhere (dissemination): the
    # original's address and publisher, shown as the source and kept up to date.
    source_url = models.CharField(_("alamat sumber"), max_length=300, blank=True)
    source_name = models.CharField(_("sumber"), max_length=200, blank=True)
    # The source was withdrawn: this copy stays a draft for good.
    source_withdrawn = models.BooleanField(_("sumber ditarik"), default=False)
    # Set when the post was imported from the KIM's own kim.id site (services.kim_feed_import):
    # the entry's id in the feed (one post per entry) and its address there.
    kimid_guid = models.CharField(
        _("id entri kim.id"), max_length=500, blank=True, editable=False, default="", db_default=""
    )
    kimid_link = models.CharField(
        _("alamat di kim.id"), max_length=500, blank=True, editable=False, default="", db_default=""
    )
    tags = models.CharField(
        _("tag"),
        max_length=200,
        blank=True,
        help_text=_("Pisahkan dengan koma, mis. posyandu, jalan desa."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    published_at = models.DateTimeField(_("waktu terbit"), null=True, blank=True, db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("berita")
        verbose_name_plural = pgettext_lazy("plural", "berita")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="post_slug_unique_in_kim"),
            models.UniqueConstraint(
                fields=["kim", "kimid_guid"],
                condition=~models.Q(kimid_guid=""),
                name="post_kimid_entry_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="post_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="post_live_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sites:post_detail", kwargs={"kim": self.kim.slug, "slug": self.slug})

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class KimFeed(models.Model):
    """The last import of a KIM's kim.id feed, for its staff: when, how many, what failed."""

    kim = models.OneToOneField(Kim, on_delete=models.CASCADE, related_name="kimid_feed")
    checked_at = models.DateTimeField(_("terakhir diperiksa"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("terakhir berhasil"), null=True, blank=True)
    error = models.CharField(_("galat terakhir"), max_length=300, blank=True)
    created = models.PositiveIntegerField(_("berita baru"), default=0)
    updated = models.PositiveIntegerField(_("berita diperbarui"), default=0)

    class Meta:
        verbose_name = _("feed kim.id")
        verbose_name_plural = pgettext_lazy("plural", "feed kim.id")

    def __str__(self) -> str:
        return f"{self.kim_id} {self.checked_at}"


class PostRevision(models.Model):
    """A copy of a post's text as it was saved, for restoring."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revisi")
        verbose_name_plural = pgettext_lazy("plural", "revisi")

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Comment(Moderated):
    """A reader's comment on a post. Plain text; no account, no contact data kept.

    Its states and decisions are core.moderation's; the KIM's pengurus decide.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(_("nama"), max_length=80)
    body = models.TextField(_("komentar"), max_length=2000)
    # Held until a pengurus looks, unless the service says otherwise (comment_create).
    visibility = visibility_field(default=Visibility.HELD)
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("komentar")
        verbose_name_plural = pgettext_lazy("plural", "komentar")
        indexes = [models.Index(fields=["post", "visibility"], name="comment_post_visibility_idx")]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"


class KimContent(models.Model):
    """What every page type of a KIM site shares: owner, address, text, visibility."""

    kim = models.ForeignKey(Kim, verbose_name=_("KIM"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("alamat"), max_length=120)
    # Sanitised HTML, like Post.body.
    body = models.TextField(_("uraian"), blank=True)
    photo = models.ForeignKey(
        "kimsites.Photo",
        verbose_name=_("foto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_published = models.BooleanField(_("tampil di situs"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    # The URL segment under /kim/<kim>/ (set by each concrete type).
    url_segment = ""

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "sites:content_detail",
            kwargs={"kim": self.kim.slug, "kind": self.url_segment, "slug": self.slug},
        )


class Potential(KimContent):
    """Potensi desa: what the village has to offer."""

    class Kind(models.TextChoices):
        WISATA = "wisata", _("Wisata")
        PERTANIAN = "pertanian", _("Pertanian dan perkebunan")
        PERIKANAN = "perikanan", _("Perikanan dan peternakan")
        BUDAYA = "budaya", _("Seni dan budaya")
        KERAJINAN = "kerajinan", _("Kerajinan dan industri rumah")
        LAINNYA = "lainnya", _("Lainnya")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.LAINNYA)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)

    url_segment = "potensi"

    class Meta(KimContent.Meta):
        verbose_name = _("potensi desa")
        verbose_name_plural = pgettext_lazy("plural", "potensi desa")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="potential_slug_unique_in_kim"),
        ]


class Product(KimContent):
    """A UMKM product, ordered through the seller's WhatsApp."""

    price = models.PositiveIntegerField(_("harga (Rp)"), null=True, blank=True)
    unit = models.CharField(
        _("satuan"), max_length=40, blank=True, help_text=_("mis. per kg, per bungkus")
    )
    seller = models.CharField(_("penjual"), max_length=120, blank=True)
    whatsapp = models.CharField(_("WhatsApp penjual"), max_length=16, blank=True)

    url_segment = "produk"

    class Meta(KimContent.Meta):
        verbose_name = _("produk")
        verbose_name_plural = pgettext_lazy("plural", "produk")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="product_slug_unique_in_kim"),
        ]


class Event(KimContent):
    """Agenda: a meeting, posyandu day, training or festival."""

    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    place = models.CharField(_("tempat"), max_length=200, blank=True)

    url_segment = "agenda"

    class Meta(KimContent.Meta):
        ordering = ["starts_at"]
        verbose_name = _("agenda")
        verbose_name_plural = pgettext_lazy("plural", "agenda")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="event_slug_unique_in_kim"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]


class Page(KimContent):
    """A static page: sejarah, visi misi, kontak..."""

    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    url_segment = "halaman"

    class Meta(KimContent.Meta):
        ordering = ["position", "title"]
        verbose_name = _("halaman")
        verbose_name_plural = pgettext_lazy("plural", "halaman")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="page_slug_unique_in_kim"),
        ]


from jembatan.sites.photos_model import Photo  # noqa: E402


class Album(KimContent):
    """Galeri: photos of one occasion, chosen from the KIM's photo library."""

    photos = models.ManyToManyField(
        "kimsites.Photo", verbose_name=_("foto"), related_name="albums", blank=True
    )

    url_segment = "galeri"

    class Meta(KimContent.Meta):
        verbose_name = _("album")
        verbose_name_plural = pgettext_lazy("plural", "album")
        constraints = [
            models.UniqueConstraint(fields=["kim", "slug"], name="album_slug_unique_in_kim"),
        ]


def kim_photo_of(kim: Kim, purpose: str):
    """The KIM's current logo or decree scan: the latest upload of that purpose."""
    return Photo.objects.filter(kim=kim, purpose=purpose).first()


def kim_logo(kim: Kim):
    """The default image of a KIM's pages (registered with core.structured): its logo."""
    return kim_photo_of(kim, Photo.Purpose.LOGO)
