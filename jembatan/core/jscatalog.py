"""The scripts' translations (Django's JavaScript catalogue) as hashed static files.

``manage.py build_js_catalog`` writes the catalogue of each language in LANGUAGES to
JS_CATALOG_ROOT/jsi18n/<language>/djangojs.js; JS_CATALOG_ROOT is one of
STATICFILES_DIRS, so collectstatic gives each a hashed, compressed copy that browsers and
nginx keep for a year. ``{% js_catalog %}`` (templatetags/jscatalog.py) links the hashed
file of the page's language, and the view /jsi18n/ while no such file was collected (a
checkout without the build step, the tests); /jsi18n/ keeps answering old pages.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

from jembatan.core.urlmemo import memo_urls


def catalog_path(language: str) -> str:
    """The catalogue's name among the static files."""
    return f"jsi18n/{language}/djangojs.js"


def render_catalog(language: str) -> bytes:
    """The catalogue of ``language`` as /jsi18n/ serves it."""
    with translation.override(language):
        request = HttpRequest()
        request.method = "GET"
        response = JavaScriptCatalog.as_view()(request)
    return response.content  # type: ignore[attr-defined]  # an HttpResponse


def build(root: Path) -> list[Path]:
    """Writes every language's catalogue under ``root``; returns the files written."""
    written = []
    for language, _name in settings.LANGUAGES:
        target = root / catalog_path(language)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_catalog(language))
        written.append(target)
    return written


def catalog_url(language: str) -> str:
    """The hashed static file of ``language``'s catalogue when collectstatic stored one
    (a manifest names it), else the view; worked out once per process (``core.urlmemo``:
    a changed setting works it out again)."""
    return memo_urls(("jscatalog", language), lambda: _catalog_url(language))


def _catalog_url(language: str) -> str:
    # ManifestFilesMixin: the hashed names collectstatic wrote; absent, not collected.
    collected = getattr(staticfiles_storage, "hashed_files", {})
    if catalog_path(language) in collected:
        return staticfiles_storage.url(catalog_path(language))
    return reverse("javascript-catalog")
