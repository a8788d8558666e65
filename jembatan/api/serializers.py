"""What the API shows and accepts. Read serializers list fields explicitly: nothing
private (reporter data, drafts, members) can appear by adding a model field."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jembatan.aspirations import services as aspiration_services
from jembatan.aspirations.lapor import referral_note
from jembatan.aspirations.merge import merged_note
from jembatan.aspirations.models import Aspiration, Status
from jembatan.communities.models import Kim
from jembatan.core.params import BadParameter, check_moment
from jembatan.dissemination.models import Attachment, InfoItem
from jembatan.sites.models import Post


def _no_surrogates(value: str) -> None:
    # Lone surrogates pass JSON parsing but no database encoding.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise serializers.ValidationError(_("Teks berisi karakter yang tidak valid."))


class Text(serializers.CharField):
    """A CharField that also refuses lone surrogates (NUL is refused by DRF already)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_no_surrogates)


# --- Errors (for the schema) ------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField(
        help_text=_("Pesan per kolom untuk 400; retry_after (detik) untuk 429; selain itu kosong.")
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# --- Shared -----------------------------------------------------------------------------


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class KimRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


# --- KIM --------------------------------------------------------------------------------


class KimSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer()
    kabupaten = RegionRefSerializer()
    url = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()

    class Meta:
        model = Kim
        fields = [
            "slug",
            "name",
            "level",
            "region",
            "kabupaten",
            "description",
            "address",
            "email",
            "whatsapp",
            "sk_number",
            "sk_date",
            "facebook_url",
            "instagram_url",
            "youtube_url",
            "verified",
            "url",
        ]

    def get_url(self, kim: Kim) -> str:
        return self.context["request"].build_absolute_uri(kim.get_absolute_url())

    def get_verified(self, kim: Kim) -> bool:
        return kim.verified_at is not None


# --- Posts ------------------------------------------------------------------------------


class PostSerializer(serializers.ModelSerializer):
    kim = KimRefSerializer()
    category = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    body = serializers.CharField(help_text=_("HTML yang sudah dibersihkan."))

    class Meta:
        model = Post
        fields = [
            "id",
            "kim",
            "slug",
            "title",
            "summary",
            "body",
            "category",
            "tags",
            "photo_url",
            "status",
            "published_at",
            "updated_at",
            "url",
        ]

    def get_category(self, post: Post) -> str | None:
        return post.category.name if post.category_id else None

    def get_tags(self, post: Post) -> list[str]:
        return post.tag_list

    def get_photo_url(self, post: Post) -> str | None:
        url = post.photo.default_url if post.photo_id else ""
        return self.context["request"].build_absolute_uri(url) if url else None

    def get_url(self, post: Post) -> str:
        return self.context["request"].build_absolute_uri(post.get_absolute_url())


class PostCreateSerializer(serializers.Serializer):
    title = Text(max_length=200)
    summary = Text(max_length=300, required=False, allow_blank=True, default="")
    body = Text(
        max_length=100_000,
        help_text=_("HTML (tag yang diizinkan saja; sisanya dibuang) atau teks biasa."),
    )
    tags = Text(max_length=200, required=False, allow_blank=True, default="")
    category = serializers.SlugField(
        max_length=60,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Alamat (slug) kategori berita milik KIM ini."),
    )
    status = serializers.ChoiceField(
        choices=[Post.Status.DRAFT, Post.Status.REVIEW, Post.Status.PUBLISHED],
        default=Post.Status.DRAFT,
        help_text=_(
            "draft: draf; review: ajukan untuk disetujui; published: terbitkan (hanya bagi "
            "yang berhak menerbitkan)."
        ),
    )

    def validate_title(self, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise serializers.ValidationError(_("Judul tidak boleh kosong."))
        return value


# --- Information ------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["name", "kind", "size", "pages", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.file.url)


class InfoItemSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher_name")
    area = RegionRefSerializer(allow_null=True)
    is_expired = serializers.BooleanField()
    attachments = AttachmentSerializer(many=True)
    url = serializers.SerializerMethodField()
    body = serializers.CharField(help_text=_("HTML yang sudah dibersihkan."))

    class Meta:
        model = InfoItem
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "category",
            "priority",
            "publisher",
            "area",
            "valid_from",
            "valid_until",
            "is_expired",
            "published_at",
            "corrected_at",
            "correction_note",
            "attachments",
            "url",
        ]

    def get_url(self, item: InfoItem) -> str:
        return self.context["request"].build_absolute_uri(item.get_absolute_url())


# --- Aspirations ------------------------------------------------------------------------


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(OpenApiTypes.NUMBER)
class RoundedCoordinate(serializers.Field):
    """A point rounded to three decimals (about 100 m): the place, not the house."""

    def to_representation(self, value: Decimal | None) -> float | None:
        return None if value is None else float(round(value, 3))


class AspirationSerializer(serializers.ModelSerializer):
    """A public case. Never the reporter's name, phone, email or free-text location."""

    code = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    category = CategoryRefSerializer()
    region = RegionRefSerializer()
    kecamatan = serializers.SerializerMethodField()
    office = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField(
        help_text=_("Jawaban atau catatan publik terakhir dari petugas.")
    )
    latitude = RoundedCoordinate(allow_null=True)
    longitude = RoundedCoordinate(allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Aspiration
        fields = [
            "code",
            "status",
            "status_label",
            "category",
            "description",
            "region",
            "kecamatan",
            "office",
            "answer",
            "latitude",
            "longitude",
            "created_at",
            "updated_at",
            "url",
        ]

    def get_code(self, case: Aspiration) -> str:
        return aspiration_services.display_code(case.code)

    def get_kecamatan(self, case: Aspiration) -> str | None:
        return case.region.parent.name if case.region.parent_id else None

    def get_office(self, case: Aspiration) -> str | None:
        return case.office.name if case.office_id else None

    def get_answer(self, case: Aspiration) -> str | None:
        if case.status == Status.CLOSED:
            # A merged duplicate names the case it joined (aspirations.merge); one that
            # is not this government's authority, where it was referred.
            closed_note = merged_note(case) or referral_note(case)
            return closed_note or str(case.get_close_reason_display()) or None
        return getattr(case, "latest_answer", None) or None

    def get_url(self, case: Aspiration) -> str:
        return self.context["request"].build_absolute_uri(case.get_absolute_url())


class AspirationCreateSerializer(serializers.Serializer):
    region = serializers.RegexField(
        r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$",
        max_length=13,
        help_text=_("Kode Kemendagri desa/kelurahan, mis. 61.07.04.2001."),
    )
    category = serializers.IntegerField(
        min_value=1, max_value=2_000_000_000, help_text=_("Nomor kategori aspirasi.")
    )
    description = Text(max_length=4000)
    location = Text(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Keterangan tempat untuk petugas; tidak pernah ditampilkan ke publik."),
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    visibility = serializers.ChoiceField(
        choices=Aspiration.Visibility.choices, default=Aspiration.Visibility.ANONYMOUS
    )
    reporter_name = Text(max_length=120, required=False, allow_blank=True, default="")
    reporter_phone = Text(max_length=32, required=False, allow_blank=True, default="")
    reporter_email = Text(max_length=254, required=False, allow_blank=True, default="")


class AspirationCreatedSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    url = serializers.URLField()
    message = serializers.CharField()


# --- Query parameters -------------------------------------------------------------------


class SinceField(serializers.DateTimeField):
    """An ISO 8601 moment within the years a filter can mean: year 1 or 9999 would
    overflow when the database moves it to UTC."""

    def enforce_timezone(self, value):
        # Before DRF's own conversion, which overflows on year 1 itself.
        try:
            check_moment(value, name=self.field_name)
        except BadParameter as exc:
            raise serializers.ValidationError(exc.message) from exc
        return super().enforce_timezone(value)


KABUPATEN_CODE = r"^\d{2}\.\d{2}$"
KECAMATAN_CODE = r"^\d{2}\.\d{2}\.\d{2}$"


class KimFilterSerializer(serializers.Serializer):
    kabupaten = serializers.RegexField(
        KABUPATEN_CODE, required=False, help_text=_("Kode kabupaten/kota, mis. 61.07.")
    )
    kecamatan = serializers.RegexField(
        KECAMATAN_CODE, required=False, help_text=_("Kode kecamatan, mis. 61.07.04.")
    )
    level = serializers.ChoiceField(choices=Kim.Level.choices, required=False)


class PostFilterSerializer(serializers.Serializer):
    kim = serializers.SlugField(max_length=80, required=False, help_text=_("Alamat (slug) KIM."))
    kabupaten = serializers.RegexField(
        KABUPATEN_CODE, required=False, help_text=_("Kode kabupaten/kota, mis. 61.07.")
    )
    since = SinceField(
        required=False,
        help_text=_(
            "Hanya yang terbit sejak waktu ini (ISO 8601, mis. 2026-01-31T00:00:00+07:00)."
        ),
    )


class InfoFilterSerializer(serializers.Serializer):
    kategori = serializers.ChoiceField(choices=InfoItem.Category.choices, required=False)
    kabupaten = serializers.RegexField(
        KABUPATEN_CODE,
        required=False,
        help_text=_("Kode kabupaten/kota: informasinya, kecamatannya dan informasi nasional."),
    )
    since = SinceField(required=False, help_text=_("Terbit sejak (ISO 8601)."))


class AspirationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    kategori = serializers.IntegerField(min_value=1, max_value=2_000_000_000, required=False)
    kecamatan = serializers.RegexField(
        KECAMATAN_CODE, required=False, help_text=_("Kode kecamatan, mis. 61.07.04.")
    )
    since = SinceField(required=False, help_text=_("Diterima sejak (ISO 8601)."))


# --- Statistics (jembatan.dashboard.stats.public_statistics; described for the schema) ---


class _Count(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)


class StatisticsAspirationsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    open = _Count()
    overdue = _Count()
    median_days_to_answer = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)


class StatisticsMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    posts = serializers.IntegerField()
    aspirations = serializers.IntegerField()


class StatisticsKecamatanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    desa = _Count()
    desa_with_kim = _Count()
    kims = _Count()


class StatisticsSerializer(serializers.Serializer):
    kabupaten = RegionRefSerializer()
    updated_at = serializers.DateTimeField(allow_null=True)
    kims = _Count()
    desa = _Count()
    desa_with_kim = _Count()
    coverage_percent = serializers.FloatField(allow_null=True)
    posts_published = serializers.IntegerField()
    republications = serializers.IntegerField()
    aspirations = StatisticsAspirationsSerializer()
    members_trained = _Count()
    months = StatisticsMonthSerializer(many=True)
    kecamatan = StatisticsKecamatanSerializer(many=True)
