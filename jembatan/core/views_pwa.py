"""The installable web app: manifest, service worker and the page shown without signal.

What the service worker keeps on the phone and what it never keeps is decided in
static/js/sw.js; the lists and names it needs from the server (hashed static file names,
the cache names) are written into it here, so that one deploy with new static files is
also a new service worker (its bytes change) and the phones pick it up.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jembatan.core.jscatalog import catalog_url

SERVICE_WORKER_SOURCE = Path(__file__).parent / "static" / "js" / "sw.js"
CONFIG_MARKER = "/* CONFIG */ {}"
# The pages the visitor opened. Its name changes only when what is stored changes shape:
# a new deploy keeps the visitor's pages (their hashed CSS stays in the static cache).
PAGES_CACHE = "jembatan-pages-v1"
PAGES_LIMIT = 30
STATIC_LIMIT = 200
# Signed-in and personal pages carry this in their <head> (templates/base.html): the
# service worker cannot see Set-Cookie or the session, but it can read the page.
PRIVATE_MARKER = '<meta name="jembatan-offline" content="private">'
THEME_COLOR = "#0b6e4f"  # --brand in css/jembatan.css
BACKGROUND_COLOR = "#ffffff"  # --paper

_SHELL_STATIC = [
    "css/jembatan.css",
    "js/pwa.js",
    "js/form-token.js",
    "js/offline-page.js",
    "js/offline-form.js",
    "js/aspiration-similar.js",
    "js/locate.js",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
]


def _shell_pages() -> list[str]:
    # The offline page and the aspiration form open without signal; the JavaScript
    # catalogue carries the scripts' translations.
    return [reverse("core:offline"), reverse("aspirations:submit"), reverse("javascript-catalog")]


def _catalog_files() -> list[str]:
    # The scripts' translations as hashed static files, which pages link when collected
    # (jembatan.core.jscatalog): kept for offline use like the other scripts.
    urls = [catalog_url(language) for language, _name in settings.LANGUAGES]
    return [url for url in urls if url.startswith(settings.STATIC_URL)]


def _service_worker_config() -> dict:
    return {
        "shellPages": _shell_pages(),
        "shellStatic": [static(name) for name in _SHELL_STATIC] + _catalog_files(),
        "offlinePage": reverse("core:offline"),
        "pagesCache": PAGES_CACHE,
        "pagesLimit": PAGES_LIMIT,
        "staticLimit": STATIC_LIMIT,
        "staticPrefix": settings.STATIC_URL,
        "privateMarker": PRIVATE_MARKER,
        # Never stored, not even the page: personal data of signed-in people.
        "privatePrefixes": ["/kelola/", "/akun/"],
        # Not touched at all: the admin ships its own scripts and is for operators.
        "bypassPrefixes": ["/admin/", "/api/"],
    }


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that it may serve the whole site."""
    config = _service_worker_config()
    source = SERVICE_WORKER_SOURCE.read_text(encoding="utf-8")
    version = hashlib.sha256(
        (source + json.dumps(config, sort_keys=True)).encode("utf-8")
    ).hexdigest()[:12]
    config["version"] = version
    body = source.replace(CONFIG_MARKER, json.dumps(config), 1)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what a phone needs to install Jembatan on its home screen.

    It stays global (SITE_NAME, the platform's colours), not the tenant's: its path is in
    TENANT_EXEMPT_PATHS, so it costs no tenant lookup and one cached copy serves every
    host; the installed app opens on the host it was installed from, whose pages then
    show that tenant's name and look."""
    data = {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": _(
            "Berita KIM, informasi pembangunan dan aspirasi warga; tetap bisa dibaca tanpa sinyal."
        ),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["news", "government"],
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {
                "name": _("Kirim aspirasi"),
                "url": reverse("aspirations:submit"),
                "icons": [
                    {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"}
                ],
            },
            {
                "name": _("Lacak aspirasi"),
                "url": reverse("aspirations:track"),
                "icons": [
                    {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"}
                ],
            },
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a page not kept on the phone, when there is no signal.

    The service worker stores this page once for every page it stands in for, so it is
    rendered as for an anonymous visitor: no name, no messages of this visitor.
    """
    request.user = AnonymousUser()
    return render(
        request,
        "core/offline.html",
        {"messages": (), "pages_cache": PAGES_CACHE, "limit": PAGES_LIMIT},
    )
