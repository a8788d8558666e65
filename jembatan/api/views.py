"""The JSON API, version 1 (/api/v1/): public reads, token-authenticated writes."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jembatan.api import serializers as s
from jembatan.api.open311 import _cases as public_cases_with_answers
from jembatan.api.services import api_post_create
from jembatan.aspirations import services as aspiration_services
from jembatan.aspirations.idempotency import tenant_scoped_id
from jembatan.aspirations.models import Aspiration, Category
from jembatan.aspirations.views import LOOKUP_WINDOW, count_code_guess, lookup_over_limit
from jembatan.communities.models import Kim
from jembatan.dashboard.stats import public_statistics
from jembatan.dissemination.models import Attachment, InfoItem
from jembatan.regions.models import Region
from jembatan.sites.models import Category as PostCategory
from jembatan.sites.models import Post, served_posts
from jembatan.tenants.current import served_code

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")


def _errors(*codes: int) -> dict:
    descriptions = {
        400: gettext_lazy("Data atau parameter tidak valid."),
        401: gettext_lazy("Token tidak ada, tidak valid, kedaluwarsa atau dicabut."),
        403: gettext_lazy("Pemilik token tidak berhak melakukan ini."),
        404: gettext_lazy("Tidak ditemukan (termasuk halaman melewati akhir)."),
        429: gettext_lazy("Terlalu banyak permintaan."),
    }
    return {
        code: OpenApiResponse(response=s.ErrorSerializer, description=descriptions[code])
        for code in codes
    }


class TokenRequired(permissions.BasePermission):
    """Writing needs a token (a bad, expired or revoked one has been refused earlier)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not hasattr(view, request.method.lower()):
            return True  # a method the address does not have: its 405 follows
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                _("Perlu token: kirim header “Authorization: Bearer <token>”.")
            )
        return True


def _filters(serializer_class: type, request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PublicApiView(generics.GenericAPIView):
    """Reading is public, writing needs a token."""

    def get_permissions(self):
        if self.request is not None and self.request.method in permissions.SAFE_METHODS:
            return [permissions.AllowAny()]
        return [TokenRequired()]


# --- Index ------------------------------------------------------------------------------


def docs(request: HttpRequest) -> HttpResponse:
    """A short human-readable page: what the API offers and how to authenticate."""
    return render(
        request,
        "api/index.html",
        {
            "base": request.build_absolute_uri(reverse("api:root")),
            "schema_url": reverse("api:schema"),
        },
    )


class ApiRootView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("Daftar sumber daya API"),
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "version": "v1",
                "schema": link("api:schema"),
                "documentation": link("api:docs"),
                "kim": link("api:kim_list"),
                "berita": link("api:post_list"),
                "informasi": link("api:info_list"),
                "aspirasi": link("api:aspiration_list"),
                "statistik": request.build_absolute_uri(reverse("api:root")) + "statistik/{kode}/",
            }
        )


# --- KIM --------------------------------------------------------------------------------


def _public_kims() -> QuerySet[Kim]:
    return Kim.objects.served().select_related("region", "kabupaten")


@extend_schema(
    summary=gettext_lazy("Daftar KIM aktif"),
    parameters=[s.KimFilterSerializer],
    responses={200: s.KimSerializer(many=True), **_errors(400, 404, 429)},
)
class KimListView(PublicApiView, generics.ListAPIView):
    serializer_class = s.KimSerializer

    def get_queryset(self) -> QuerySet[Kim]:
        chosen = _filters(s.KimFilterSerializer, self.request)
        kims = _public_kims()
        if "kabupaten" in chosen:
            kims = kims.filter(kabupaten_id=chosen["kabupaten"])
        if "kecamatan" in chosen:
            code = chosen["kecamatan"]
            kims = kims.filter(Q(region_id=code) | Q(region__parent_id=code))
        if "level" in chosen:
            kims = kims.filter(level=chosen["level"])
        return kims.order_by("name", "slug")


@extend_schema(
    summary=gettext_lazy("Satu KIM"),
    responses={200: s.KimSerializer, **_errors(404, 429)},
)
class KimDetailView(PublicApiView, generics.RetrieveAPIView):
    serializer_class = s.KimSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "kim"

    def get_queryset(self) -> QuerySet[Kim]:
        return _public_kims()

    def get_object(self) -> Kim:
        kim = self.get_queryset().filter(slug=self.kwargs["kim"]).first()
        if kim is None:
            raise exceptions.NotFound(_("KIM tidak ditemukan."))
        return kim


# --- Posts ------------------------------------------------------------------------------


def _posts(chosen: dict) -> QuerySet[Post]:
    posts = served_posts()
    if "kim" in chosen:
        posts = posts.filter(kim__slug=chosen["kim"])
    if "kabupaten" in chosen:
        posts = posts.filter(kim__kabupaten_id=chosen["kabupaten"])
    if "since" in chosen:
        posts = posts.filter(published_at__gte=chosen["since"])
    return posts.order_by("-published_at", "-id")


@extend_schema(
    summary=gettext_lazy("Berita terbit dari semua KIM aktif"),
    parameters=[s.PostFilterSerializer],
    responses={200: s.PostSerializer(many=True), **_errors(400, 404, 429)},
)
class PostListView(PublicApiView, generics.ListAPIView):
    serializer_class = s.PostSerializer

    def get_queryset(self) -> QuerySet[Post]:
        return _posts(_filters(s.PostFilterSerializer, self.request))


class KimPostsView(PublicApiView, generics.ListCreateAPIView):
    serializer_class = s.PostSerializer

    def _kim(self) -> Kim:
        kim = _public_kims().filter(slug=self.kwargs["kim"]).first()
        if kim is None:
            raise exceptions.NotFound(_("KIM tidak ditemukan."))
        return kim

    def get_queryset(self) -> QuerySet[Post]:
        kim = self._kim()
        chosen = _filters(s.PostFilterSerializer, self.request)
        chosen["kim"] = kim.slug
        return _posts(chosen)

    @extend_schema(
        summary=gettext_lazy("Berita terbit satu KIM"),
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description=_("Terbit sejak."))
        ],
        responses={200: s.PostSerializer(many=True), **_errors(400, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Tulis berita untuk KIM ini (perlu token)"),
        description=gettext_lazy(
            "Anggota KIM dapat membuat draf atau mengajukannya untuk disetujui; yang berhak "
            "menerbitkan (ketua, sekretaris, Diskominfo, atau anggota bila KIM tidak memakai "
            "persetujuan) dapat langsung menerbitkan. Isi HTML dibersihkan."
        ),
        request=s.PostCreateSerializer,
        examples=[
            OpenApiExample(
                "Draf",
                request_only=True,
                value={
                    "title": "Kerja bakti membersihkan parit",
                    "summary": "Warga RT 03 bergotong royong.",
                    "body": "<p>Warga bergotong royong membersihkan parit.</p>",
                    "tags": "gotong royong, lingkungan",
                    "status": "draft",
                },
            )
        ],
        responses={201: s.PostSerializer, **_errors(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        kim = self._kim()
        serializer = s.PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted_status = data.pop("status")
        category_slug = data.pop("category")
        if category_slug:
            data["category"] = PostCategory.objects.filter(kim=kim, slug=category_slug).first()
            if data["category"] is None:
                raise exceptions.ValidationError(
                    {"category": [_("Kategori ini tidak ada di KIM ini.")]}
                )
        post = api_post_create(actor=request.user, kim=kim, data=data, status=wanted_status)
        post = Post.objects.select_related("kim", "category", "photo").get(pk=post.pk)
        return Response(
            s.PostSerializer(post, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Information ------------------------------------------------------------------------


def _public_items() -> QuerySet[InfoItem]:
    return (
        InfoItem.objects.public()
        .served()
        .select_related("office", "area")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
        )
    )


@extend_schema(
    summary=gettext_lazy("Informasi pembangunan yang terbit"),
    description=gettext_lazy("Tidak termasuk draf dan informasi yang sudah ditarik."),
    parameters=[s.InfoFilterSerializer],
    responses={200: s.InfoItemSerializer(many=True), **_errors(400, 404, 429)},
)
class InfoListView(PublicApiView, generics.ListAPIView):
    serializer_class = s.InfoItemSerializer

    def get_queryset(self) -> QuerySet[InfoItem]:
        chosen = _filters(s.InfoFilterSerializer, self.request)
        items = _public_items()
        if "kategori" in chosen:
            items = items.filter(category=chosen["kategori"])
        if "kabupaten" in chosen:
            code = chosen["kabupaten"]
            items = items.filter(
                Q(area__isnull=True) | Q(area_id=code) | Q(area__code__startswith=f"{code}.")
            )
        if "since" in chosen:
            items = items.filter(published_at__gte=chosen["since"])
        return items.order_by("-published_at", "-id")


@extend_schema(
    summary=gettext_lazy("Satu informasi pembangunan"),
    responses={200: s.InfoItemSerializer, **_errors(404, 429)},
)
class InfoDetailView(PublicApiView, generics.RetrieveAPIView):
    serializer_class = s.InfoItemSerializer

    def get_object(self) -> InfoItem:
        item = _public_items().filter(slug=self.kwargs["slug"]).first()
        if item is None:
            raise exceptions.NotFound(_("Informasi tidak ditemukan atau sudah ditarik."))
        return item


# --- Aspirations ------------------------------------------------------------------------


class AspirationListView(PublicApiView, generics.ListCreateAPIView):
    serializer_class = s.AspirationSerializer

    def get_queryset(self) -> QuerySet[Aspiration]:
        # The public list's rules (aspirations.views._public_cases): the hub kabupaten's
        # cases, never confidential ones nor those closed as spam.
        chosen = _filters(s.AspirationFilterSerializer, self.request)
        cases = public_cases_with_answers()
        if "status" in chosen:
            cases = cases.filter(status=chosen["status"])
        if "kategori" in chosen:
            cases = cases.filter(category_id=chosen["kategori"])
        if "kecamatan" in chosen:
            cases = cases.filter(region__parent_id=chosen["kecamatan"])
        if "since" in chosen:
            cases = cases.filter(created_at__gte=chosen["since"])
        return cases.order_by("-created_at", "-id")

    @extend_schema(
        summary=gettext_lazy("Aspirasi publik"),
        description=gettext_lazy(
            "Aspirasi kabupaten yang dilayani situs ini, tanpa yang rahasia dan spam; tanpa "
            "nama, kontak dan keterangan lokasi pelapor; titik peta dibulatkan ±100 m."
        ),
        parameters=[s.AspirationFilterSerializer],
        responses={200: s.AspirationSerializer(many=True), **_errors(400, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Kirim aspirasi (perlu token)"),
        description=gettext_lazy(
            "Seperti formulir web: nomor HP atau email pelapor wajib. Header Idempotency-Key "
            "membuat kiriman ulang mengembalikan aspirasi yang sama (200) alih-alih yang baru."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                pattern=IDEMPOTENCY_KEY.pattern,
                description=_("Kunci unik kiriman (huruf, angka, . _ : -; paling panjang 40)."),
            )
        ],
        request=s.AspirationCreateSerializer,
        examples=[
            OpenApiExample(
                "Aspirasi",
                request_only=True,
                value={
                    "region": "61.07.04.1010",
                    "category": 1,
                    "description": "Lampu jalan di depan sekolah mati sejak seminggu.",
                    "visibility": "anonim",
                    "reporter_phone": "081234567890",
                },
            )
        ],
        responses={
            201: s.AspirationCreatedSerializer,
            200: s.AspirationCreatedSerializer,
            **_errors(400, 401, 429),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if key and not IDEMPOTENCY_KEY.fullmatch(key):
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Pakai huruf, angka, . _ : - saja, paling panjang 40.")]}
            )
        serializer = s.AspirationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # A desa and a category of the kabupaten this host serves: another's are unknown.
        hub = served_code()
        data["region"] = Region.objects.filter(
            code=data["region"], level=Region.Level.DESA, code__startswith=f"{hub}."
        ).first()
        data["category"] = Category.objects.filter(pk=data["category"], kabupaten_id=hub).first()
        case, created = aspiration_services.aspiration_submit(
            data=data,
            channel=Aspiration.Channel.WEB,
            actor=request.user,
            # Per API token: another client's same key makes its own case.
            client_id=(
                tenant_scoped_id(
                    "api",
                    client=f"token:{getattr(request.auth, 'pk', '')}:{request.user.pk}",
                    key=key,
                )
                if key
                else None
            ),
        )
        code = aspiration_services.display_code(case.code)
        body = {
            "code": code,
            "status": case.status,
            "url": request.build_absolute_uri(case.get_absolute_url()),
            "message": _("Aspirasi diterima. Kode lacak: %(code)s") % {"code": code},
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    summary=gettext_lazy("Satu aspirasi publik menurut kode lacaknya"),
    responses={200: s.AspirationSerializer, **_errors(404, 429)},
)
class AspirationDetailView(PublicApiView, generics.RetrieveAPIView):
    serializer_class = s.AspirationSerializer

    def get_object(self) -> Aspiration:
        # The tracking-code lookup limit of the web pages: one bucket per visitor.
        if lookup_over_limit(self.request):
            raise exceptions.Throttled(wait=LOOKUP_WINDOW)
        code = aspiration_services.normalize_code(self.kwargs["code"])
        case = public_cases_with_answers().filter(code=code).first() if code else None
        if case is None:  # confidential too: not to be told apart from unknown codes
            count_code_guess(self.request)
            raise exceptions.NotFound(_("Aspirasi tidak ditemukan."))
        return case


# --- Statistics -------------------------------------------------------------------------


class StatisticsView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("Statistik publik satu kabupaten/kota"),
        responses={200: s.StatisticsSerializer, **_errors(404, 429)},
    )
    def get(self, request: Request, kabupaten: str) -> Response:
        # Checked for shape first: NUL in the path would reach PostgreSQL, which refuses it.
        if not re.fullmatch(r"\d{2}\.\d{2}", kabupaten) or not (
            Region.objects.filter(code=kabupaten, level=Region.Level.KABUPATEN).exists()
        ):
            raise exceptions.NotFound(_("Kabupaten/kota dengan kode ini tidak ada."))
        if kabupaten != served_code():  # another tenant's statistics are on its own host
            raise exceptions.NotFound(_("Kabupaten/kota dengan kode ini tidak ada."))
        return Response(public_statistics(kabupaten_code=kabupaten))


# --- Anything else under /api/ ----------------------------------------------------------


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Unknown addresses under /api/ answer in the API's error format, for every method."""

    permission_classes = [permissions.AllowAny]

    def _not_found(self, request: Request, *args, **kwargs) -> Response:
        message = _("Alamat ini tidak ada di API. Daftar alamat: %(root)s") % {
            "root": reverse("api:root")
        }
        if not request.path.endswith("/"):
            try:
                match = resolve(request.path + "/")
            except Resolver404:
                match = None
            if match is not None and match.url_name != "not_found":
                message = _("Alamat ini tidak ada. Maksud Anda %(path)s (dengan garis miring)?") % {
                    "path": request.path + "/"
                }
        raise exceptions.NotFound(message)

    get = post = put = patch = delete = head = options = _not_found
