"""A KIM on its own host name (settings.KIM_HOSTS, e.g. sebalo.kim.bengkayangkab.go.id).

On a mapped host the KIM's site is served at the host's root:

* ``/`` is the KIM home, ``/berita/`` its news, ``/berita/<slug>/`` a post, ``/feed/`` its
  Atom feed, and likewise every other route under ``/kim/<kim>/`` (``/potensi/`` ...);
* the canonical content URLs ``/kim/<kim>/...`` keep working on that host as they are,
  without a redirect: every link the pages render is in that form, so a redirect would
  cost each click a round trip, and the QR posters already printed keep working;
* everything else (``/kelola/``, ``/akun/``, ``/kim/`` the directory, ``/sitemap.xml``,
  ``/robots.txt``, static files...) is served as on the main host.

Hosts that are not mapped are not touched at all.

How: the path is rewritten (``/berita/x/`` -> ``/kim/<kim>/berita/x/``) before URL
resolution. Rewriting was chosen over a per-KIM ``request.urlconf`` because it leaves
URL reversing alone: a second URLconf would need the "sites" namespace twice (short and
long form), one cached resolver per mapped host, and would depend on Django reversing
to the *last* pattern of a name while resolving to the *first*, which is easy to break
by adding a route. Here the one URLconf stays the single source of truth, and a route
added later under ``/kim/<kim>/`` is reachable on mapped hosts without touching this file.

The rule: a path is rewritten when it does not resolve on the main site, or resolves to
one of the hub pages that the KIM replaces on its own host (SHADOWED) — and only if the
rewritten path resolves. Routes of the whole site therefore always keep precedence.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve

from jembatan.communities.models import Kim
from jembatan.core.localcache import LocalCache

# Hub pages whose place the KIM's own page takes on a mapped host.
SHADOWED = {"sites:hub", "sites:news", "sites:hub_feed"}


def kim_for_host(request: HttpRequest) -> str | None:
    """The slug of the KIM mapped to the request's host, or None."""
    mapping = settings.KIM_HOSTS
    if not mapping:
        return None
    # get_host() validates against ALLOWED_HOSTS (CommonMiddleware has already called it).
    domain, _port = split_domain_port(request.get_host())
    return mapping.get(domain)


_kim_kabupaten: LocalCache[str | None] = LocalCache(seconds=60, max_entries=4096)


def kim_host_region(host: str) -> str | None:
    """The kabupaten code of the KIM mapped to ``host``, for the tenant resolver (a KIM's
    own host belongs to its kabupaten's tenant). Kept per process for a minute."""
    slug = settings.KIM_HOSTS.get(host)
    if not slug:
        return None
    return _kim_kabupaten.get(
        slug,
        lambda: Kim.objects.filter(slug=slug).values_list("kabupaten_id", flat=True).first(),
    )


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def kim_host_path(path: str, kim: str) -> str | None:
    """The path to serve for `path` on the host of KIM `kim`, or None to keep it."""
    if path.startswith("/kim/"):
        return None
    try:
        if resolve(path).view_name not in SHADOWED:
            return None
    except Resolver404:
        pass
    rewritten = f"/kim/{kim}{path}"
    if _resolves(rewritten):
        return rewritten
    if settings.APPEND_SLASH and not rewritten.endswith("/") and _resolves(rewritten + "/"):
        # CommonMiddleware then redirects to the long form with the slash.
        return rewritten
    return None


class KimHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kim = kim_for_host(request)
        if kim is not None:
            # Read by the sitemap and robots.txt, which describe only this KIM here.
            request.kim_host = kim
            rewritten = kim_host_path(request.path_info, kim)
            if rewritten is not None:
                script_name = request.path[: len(request.path) - len(request.path_info)]
                request.path_info = rewritten
                request.path = script_name + rewritten
        return self.get_response(request)
