"""The installable web app, server side: manifest, service worker, offline page, head links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from jembatan.core import views_pwa
from jembatan.testing.factories import UserFactory, region_chain

CSS = Path(views_pwa.__file__).parent / "static" / "css" / "jembatan.css"


def _static_path(url: str) -> str:
    from django.conf import settings

    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url[len(settings.STATIC_URL) :])
    assert found, f"{url} is not a static file"
    return found


def _sw_config(body: str) -> dict:
    match = re.search(r"^var CONFIG = (\{.*\});$", body, re.MULTILINE)
    assert match, "the service worker's CONFIG was not filled in"
    return json.loads(match.group(1))


@pytest.fixture
def hub(settings, db):
    region_chain("61.07", "Kabupaten Bengkayang")


def test_manifest_is_served_as_a_web_app_manifest(client, settings):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == settings.SITE_NAME == "Jembatan"
    assert data["short_name"] == "Jembatan"
    assert data["start_url"] == "/"
    assert data["scope"] == "/"
    assert data["id"] == "/"
    assert data["display"] == "standalone"
    assert data["lang"] == "id"
    assert data["description"]


def test_manifest_colours_are_the_stylesheets(client):
    data = json.loads(client.get("/manifest.webmanifest").content)
    css = CSS.read_text(encoding="utf-8")
    brand = re.search(r"--brand:\s*(#[0-9a-f]{6})", css).group(1)
    paper = re.search(r"--paper:\s*(#[0-9a-f]{6})", css).group(1)
    assert data["theme_color"] == brand
    assert data["background_color"] == paper


@pytest.mark.django_db
def test_manifest_icons_exist_at_their_declared_sizes(client):
    data = json.loads(client.get("/manifest.webmanifest").content)
    pngs = [icon for icon in data["icons"] if icon["type"] == "image/png"]
    declared = {(icon["sizes"], icon.get("purpose", "any")) for icon in pngs}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= declared
    for icon in pngs:
        with Image.open(_static_path(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
    maskable = next(i for i in pngs if i.get("purpose") == "maskable")
    with Image.open(_static_path(maskable["src"])) as image:
        # A maskable icon is cut by the launcher: it must be opaque to the corners.
        assert image.convert("RGBA").getpixel((0, 0))[3] == 255
    for shortcut in data["shortcuts"]:
        assert client.get(shortcut["url"]).status_code == 200


def test_manifest_follows_the_chosen_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = json.loads(client.get("/manifest.webmanifest").content)
    assert data["lang"] == "en"


def test_service_worker_carries_the_shell_and_the_rules(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    config = _sw_config(response.content.decode())
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert config["shellPages"] == ["/offline/", "/aspirasi/kirim/", "/jsi18n/"]
    assert config["offlinePage"] == "/offline/"
    for url in config["shellStatic"]:
        _static_path(url)
    assert any(url.endswith(".css") for url in config["shellStatic"])
    assert any("offline-form" in url for url in config["shellStatic"])
    assert config["pagesCache"] == views_pwa.PAGES_CACHE
    assert config["pagesLimit"] == 30
    assert {"/kelola/", "/akun/"} <= set(config["privatePrefixes"])
    assert "/admin/" in config["bypassPrefixes"]
    assert config["privateMarker"] == views_pwa.PRIVATE_MARKER


def test_service_worker_version_changes_with_the_static_files(client, settings):
    first = _sw_config(client.get("/sw.js").content.decode())["version"]
    settings.STATIC_URL = "/static-new/"
    second = _sw_config(client.get("/sw.js").content.decode())["version"]
    assert first != second


@pytest.mark.django_db  # /offline/ is served as a tenant's page (jembatan.tenants)
def test_service_worker_only_answers_get(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405
    assert client.post("/offline/").status_code == 405


@pytest.mark.django_db
def test_offline_page_lists_the_saved_pages_with_static_javascript(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tanpa sinyal" in html
    assert f'id="saved-pages" class="list" data-cache="{views_pwa.PAGES_CACHE}"' in html
    assert 'href="/aspirasi/kirim/"' in html
    assert "js/offline-page.js" in html
    # Strict CSP: every script is a file, no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html


@pytest.mark.django_db
def test_offline_page_is_translated(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/offline/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def _queue_message(client: Client, text: str) -> None:
    """A one-time message waiting for the next page, as a view's messages.success leaves it."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value


@pytest.mark.django_db
def test_offline_page_is_the_same_for_a_signed_in_visitor(client, hub):
    """Stored once and shown in place of any page: no name, no message, no marker."""
    client.force_login(UserFactory(full_name="Siti Rahmawati"))
    _queue_message(client, "Aspirasi Anda diterima.")
    html = client.get("/offline/").content.decode()
    assert "Siti" not in html
    assert "Keluar" not in html
    assert "Aspirasi Anda diterima." not in html
    assert views_pwa.PRIVATE_MARKER not in html
    # The message was not used up by the offline page: the next page shows it.
    assert "Aspirasi Anda diterima." in client.get("/").content.decode()


@pytest.mark.django_db
def test_head_links_the_manifest_icons_and_service_worker(client, hub):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    # The browser's bar takes the header's colour: the served tenant's palette (hijau).
    assert '<meta name="theme-color" content="#1b5e20">' in html
    assert re.search(
        r'<link rel="apple-touch-icon" href="/static/img/apple-touch-icon[^"]*png">', html
    )
    assert re.search(
        r'<script src="/static/js/pwa[^"]*\.js" data-service-worker="/sw.js" defer>', html
    )
    # An anonymous public page may be kept on the phone.
    assert views_pwa.PRIVATE_MARKER not in html


@pytest.mark.django_db
def test_pages_for_a_signed_in_visitor_are_marked_private(client, hub):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert views_pwa.PRIVATE_MARKER in html


@pytest.mark.django_db
def test_a_page_showing_a_one_time_message_is_marked_private(client, hub):
    _queue_message(client, "Aspirasi Anda diterima.")
    html = client.get("/").content.decode()
    assert "Aspirasi Anda diterima." in html
    assert views_pwa.PRIVATE_MARKER in html
