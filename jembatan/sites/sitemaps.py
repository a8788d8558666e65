"""/sitemap.xml and /robots.txt.

The sitemap covers the tenant the host serves (its kabupaten only): the hub's pages, every
active KIM's home, its published pages (agenda, potential, products, pages) and every live post,
and the sections the capabilities above register (core.sitemaps: information, dialogue,
trainings and modules, PPID, open data). On a KIM's own host name (jembatan.sites.hosts) it lists
only that KIM's pages, so that search engines do not see the whole site twice.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from jembatan.communities.models import Kim
from jembatan.core.pagecache import cache_public_page
from jembatan.core.sitemaps import hub_sitemaps
from jembatan.sites.content import KINDS
from jembatan.sites.models import served_posts

# The signed-in workspace, accounts, the Django admin and the JSON API.
ROBOTS_DISALLOW = ["/kelola/", "/akun/", "/admin/", "/api/"]
CACHE_SECONDS = 60 * 60


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["sites:hub", "sites:news", "sites:kim_directory"]

    def location(self, item: str) -> str:
        return reverse(item)


class KimSitemap(Sitemap):
    changefreq = "weekly"

    def __init__(self, kim: str | None = None) -> None:
        self.kim = kim

    def items(self):
        kims = Kim.objects.served().order_by("pk")
        return kims.filter(slug=self.kim) if self.kim else kims


class PostSitemap(Sitemap):
    def __init__(self, kim: str | None = None) -> None:
        self.kim = kim

    def items(self):
        posts = served_posts().order_by("pk")
        return posts.filter(kim__slug=self.kim) if self.kim else posts

    def lastmod(self, item):
        return item.updated_at


class ContentSitemap(Sitemap):
    """The published pages of active KIMs: agenda items, potential, products, pages."""

    def __init__(self, kim: str | None = None) -> None:
        self.kim = kim

    def items(self) -> list:
        rows: list = []
        for kind in KINDS.values():
            query = kind.model.objects.filter(is_published=True, kim__in=Kim.objects.served())
            if self.kim:
                query = query.filter(kim__slug=self.kim)
            rows += query.select_related("kim").order_by("pk")
        return rows


def sitemaps_for(request: HttpRequest) -> dict[str, Sitemap]:
    kim = getattr(request, "kim_host", None)
    if kim:
        return {
            "kim": KimSitemap(kim),
            "halaman-kim": ContentSitemap(kim),
            "berita": PostSitemap(kim),
        }
    return {
        "halaman": StaticSitemap(),
        "kim": KimSitemap(),
        "halaman-kim": ContentSitemap(),
        "berita": PostSitemap(),
        **hub_sitemaps(),
    }


@require_safe
@cache_control(max_age=CACHE_SECONDS, public=True)
@cache_public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=sitemaps_for(request))


@require_safe
@cache_control(max_age=CACHE_SECONDS, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /"]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sites:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
