"""The app's side of nginx's shared page cache, without nginx: when a page may be shared
(X-Accel-Expires), what it leaves out, the form token endpoint and the page that sends a
form again (core.pagecache, core.views.csrf_failure)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jembatan.sites.models import Comment
from jembatan.testing.factories import PostFactory

SHARED = {"HTTP_X_SHARED_CACHE": "1"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def post(db, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.SHARED_CACHE_SECONDS = 3
    settings.SHARED_CACHE_STALE_SECONDS = 2
    return PostFactory(title="Kerja bakti")


@pytest.mark.parametrize("second", [False, True], ids=["rendered", "from the app's cache"])
def test_a_page_nginx_may_share_has_no_token_and_no_cookie(client, post, second):
    url = post.get_absolute_url()
    if second:
        client.get(url)  # the app's own page cache now holds it
        client.cookies.clear()
    response = client.get(url, **SHARED)
    assert response.headers["X-Accel-Expires"] == "3"
    assert response.headers["Cache-Control"] == "max-age=3, stale-while-revalidate=2"
    assert set(TOKEN.findall(response.content.decode())) == {""}
    assert django_settings.CSRF_COOKIE_NAME not in response.cookies


def test_nothing_is_shared_without_nginx_asking_or_with_a_csrf_cookie(client, post, settings):
    url = post.get_absolute_url()
    response = client.get(url)
    assert "X-Accel-Expires" not in response.headers
    assert TOKEN.search(response.content.decode()).group(1) != ""
    # The visitor now has a CSRF cookie: their page carries their token, never shared.
    response = client.get(url, **SHARED)
    assert "X-Accel-Expires" not in response.headers
    assert TOKEN.search(response.content.decode()).group(1) != ""


def test_the_tenants_lifetime_bounds_the_shared_one(client, post, served_tenant):
    served_tenant.page_cache_seconds = 2
    served_tenant.save(update_fields=["page_cache_seconds"])
    assert client.get(post.get_absolute_url(), **SHARED).headers["X-Accel-Expires"] == "2"
    served_tenant.page_cache_seconds = 0
    served_tenant.save(update_fields=["page_cache_seconds"])
    client.cookies.clear()
    assert "X-Accel-Expires" not in client.get(post.get_absolute_url(), **SHARED).headers


def test_a_personal_page_is_never_shared(client, post):
    for path in (reverse("aspirations:track"), reverse("disclosure:track"), "/akun/masuk/"):
        client.cookies.clear()
        assert "X-Accel-Expires" not in client.get(path, **SHARED).headers, path


def test_the_form_token_endpoint(client, db):
    response = client.get(reverse("core:form_token"))
    assert response.status_code == 200 and len(response.json()["token"]) == 64
    assert django_settings.CSRF_COOKIE_NAME in response.cookies
    assert "no-store" in response.headers["Cache-Control"]


def test_a_form_without_its_token_is_shown_again_only_from_this_site(post):
    browser = Client(enforce_csrf_checks=True)
    action = reverse("sites:comment_submit", args=[post.kim.slug, post.slug])
    form = {"csrfmiddlewaretoken": "", "name": "Sari", "body": "<b>Bagus</b>", "website": ""}
    response = browser.post(action, form, HTTP_ORIGIN="http://testserver")
    page = response.content.decode()
    assert response.status_code == 403 and not Comment.objects.exists()
    assert 'value="&lt;b&gt;Bagus&lt;/b&gt;"' in page and "<b>Bagus</b>" not in page
    assert TOKEN.search(page).group(1) != ""
    # From the site's own page without an Origin header, by its Referer: the same.
    response = Client(enforce_csrf_checks=True).post(
        action, form, HTTP_REFERER=f"http://testserver{post.get_absolute_url()}"
    )
    assert response.status_code == 403 and "Sari" in response.content.decode()
    # No Origin or Referer, another site's, or a file upload: the plain refusal.
    for headers in ({}, {"HTTP_ORIGIN": "http://jahat.example"}):
        response = Client(enforce_csrf_checks=True).post(action, form, **headers)
        assert response.status_code == 403 and "Sari" not in response.content.decode()
    upload = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = Client(enforce_csrf_checks=True).post(
        action, {**form, "photo": upload}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 403 and "Sari" not in response.content.decode()
