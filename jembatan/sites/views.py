"""The regency hub and the KIM directory (public)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from jembatan.communities.models import Kim, Position
from jembatan.core.pagecache import cache_public_page
from jembatan.core.params import get_page
from jembatan.regions.models import Region
from jembatan.sites.models import Photo, Post, kim_photo_of, live_posts, served_posts
from jembatan.sites.views_comments import post_page
from jembatan.tenants.current import served_code

PAGE_SIZE = 10


def _page(request: HttpRequest, queryset):
    """One page of a list; a page number past the end shows the last page."""
    return get_page(Paginator(queryset, PAGE_SIZE), request.GET.get("halaman"))


def hub_kabupaten() -> Region | None:
    return Region.objects.filter(code=served_code(), level=Region.Level.KABUPATEN).first()


def kecamatan_coverage(kabupaten: Region) -> list[Region]:
    """Each kecamatan with its KIM count and the share of its desa/kelurahan with a KIM."""
    kecamatan = list(
        Region.objects.filter(parent=kabupaten).annotate(village_count=Count("children"))
    )
    kim_regions = list(
        Kim.objects.active().in_kabupaten(kabupaten).values_list("region_id", flat=True)
    )
    covered_villages = {code for code in kim_regions if code.count(".") == 3}
    for k in kecamatan:
        prefix = f"{k.code}."
        k.kim_count = sum(1 for code in kim_regions if code == k.code or code.startswith(prefix))
        k.covered_count = sum(1 for code in covered_villages if code.startswith(prefix))
        k.coverage_percent = (
            round(100 * k.covered_count / k.village_count) if k.village_count else 0
        )
    return kecamatan


@require_safe
@cache_public_page
def hub(request: HttpRequest) -> HttpResponse:
    kabupaten = hub_kabupaten()
    context: dict[str, object] = {"kabupaten": kabupaten}
    if kabupaten is not None:
        kims = (
            Kim.objects.active().in_kabupaten(kabupaten).select_related("region", "region__parent")
        )
        context.update(
            news=_page(request, live_posts().filter(kim__kabupaten=kabupaten)),
            kecamatan=kecamatan_coverage(kabupaten),
            kims=kims.order_by("-created_at", "name")[:12],
            kim_total=kims.count(),
        )
    return render(request, "sites/hub.html", context)


@require_safe
@cache_public_page
def kim_directory(request: HttpRequest) -> HttpResponse:
    kabupaten = hub_kabupaten()
    kims = Kim.objects.active().select_related("region", "region__parent")
    kecamatan_list: list[Region] = []
    selected = (request.GET.get("kecamatan") or "").strip()
    if kabupaten is not None:
        kims = kims.in_kabupaten(kabupaten)
        kecamatan_list = kecamatan_coverage(kabupaten)
    else:
        # The directory is the hub kabupaten's; without it there is nothing to list.
        kims = kims.none()
    selected_region = next((k for k in kecamatan_list if k.code == selected), None)
    if selected_region is not None:
        kims = kims.filter(Q(region=selected_region) | Q(region__parent=selected_region))
    return render(
        request,
        "sites/kim_directory.html",
        {
            "kabupaten": kabupaten,
            "kims": kims.order_by("name"),
            "kecamatan_list": kecamatan_list,
            "selected": selected_region,
        },
    )


@require_safe
@cache_public_page
def kim_home(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_object_or_404(Kim.objects.served().select_related("region__parent"), slug=kim)
    # A visitor wants to know whom to talk to: the officers by name and post, the
    # members as a number (every name is on the profile page).
    active = obj.memberships.filter(is_active=True)
    officers = list(active.exclude(position=Position.ANGGOTA).select_related("user").by_rank())
    member_count = active.filter(position=Position.ANGGOTA).count()
    posts = live_posts().filter(kim=obj)[:5]
    logo = kim_photo_of(obj, Photo.Purpose.LOGO)
    return render(
        request,
        "sites/kim_home.html",
        {
            "kim": obj,
            "officers": officers,
            "member_count": member_count,
            "posts": posts,
            "logo": logo,
        },
    )


@require_safe
@cache_public_page
def news(request: HttpRequest) -> HttpResponse:
    """All news of the hub's kabupaten (/berita/)."""
    kabupaten = hub_kabupaten()
    posts = live_posts().filter(kim__kabupaten=kabupaten) if kabupaten else Post.objects.none()
    return render(
        request, "sites/news.html", {"kabupaten": kabupaten, "page": _page(request, posts)}
    )


@require_safe
@cache_public_page
def kim_posts(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_object_or_404(Kim.objects.served().select_related("region__parent"), slug=kim)
    return render(
        request,
        "sites/kim_posts.html",
        {"kim": obj, "page": _page(request, live_posts().filter(kim=obj))},
    )


@require_safe
@cache_public_page
def post_detail(request: HttpRequest, kim: str, slug: str) -> HttpResponse:
    post = get_object_or_404(served_posts(), kim__slug=kim, slug=slug)
    return post_page(request, post)
