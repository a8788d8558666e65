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

from jembatan.core.pagecache import holds_token
from jembatan.sites.models import Comment
from jembatan.testing.factories import PostFactory

# What nginx sends for an anonymous visitor: it may keep the page, under this language.
SHARED = {"HTTP_X_SHARED_CACHE": "1", "HTTP_X_SHARED_CACHE_LANGUAGE": "id"}
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


def test_nothing_is_shared_without_nginx_asking(client, post):
    url = post.get_absolute_url()
    response = client.get(url)
    assert "X-Accel-Expires" not in response.headers
    assert TOKEN.search(response.content.decode()).group(1) != ""


def test_without_nginx_a_browser_is_never_told_to_keep_a_page(client, post):
    """`make run` has no nginx: the app's own cache (and its fast path) is invalidated at
    once by a change, and the browser gets nothing that would let it keep the old page
    (no lifetime, no Expires, no Last-Modified for a heuristic one)."""
    url = post.get_absolute_url()
    for expected in ("miss", "hit", "hit"):  # rendered, the view's cache, the fast path
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == expected
        for header in ("Cache-Control", "Expires", "Last-Modified"):
            assert header not in response.headers, (expected, header)


def test_a_visitor_with_a_csrf_cookie_gets_a_shared_page_without_their_token(client, post):
    url = post.get_absolute_url()
    client.get(reverse("core:form_token"))
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.get(url, **SHARED)
    page = response.content.decode()
    assert response.headers["X-Accel-Expires"] == "3"
    assert set(TOKEN.findall(page)) == {""} and not holds_token(page, secret)
    assert django_settings.CSRF_COOKIE_NAME not in response.cookies


def test_a_page_in_another_language_than_nginx_keys_it_under_is_not_shared(client, post):
    url = post.get_absolute_url()
    # nginx read no language cookie (its parser missed it), Django read "en".
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url, **SHARED)
    assert response.status_code == 200 and "X-Accel-Expires" not in response.headers
    assert '<html lang="en">' in response.content.decode()
    response = client.get(url, **{**SHARED, "HTTP_X_SHARED_CACHE_LANGUAGE": "en"})
    assert response.headers["X-Accel-Expires"] == "3"
    # Without the language at all (an older nginx configuration): never shared.
    client.cookies.clear()
    assert "X-Accel-Expires" not in client.get(url, HTTP_X_SHARED_CACHE="1").headers
    # Nor with credentials, whatever nginx said.
    response = client.get(url, HTTP_AUTHORIZATION="Bearer x", **SHARED)
    assert "X-Accel-Expires" not in response.headers


def _page_view(body: str, vary: str = ""):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from jembatan.core.pagecache import cache_public_page

    @cache_public_page
    def view(request):
        token = get_token(request)
        response = HttpResponse(body.replace("TOKEN", token))
        if vary:
            response["Vary"] = vary
        return response

    return view


def _request(rf, cookie: str = ""):
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import CsrfViewMiddleware

    request = rf.get("/halaman/", **SHARED)
    if cookie:
        request.COOKIES[django_settings.CSRF_COOKIE_NAME] = cookie
    request.user = AnonymousUser()
    CsrfViewMiddleware(lambda r: None).process_request(request)
    return request


@pytest.mark.parametrize(
    "body",
    [
        '<form><input name="csrfmiddlewaretoken" value="TOKEN"></form>',
        '<meta name="csrf-token" content="TOKEN"><p>Berita</p>',
        '<script>var token = "TOKEN";</script>',
    ],
    ids=["in a form field", "in a meta tag", "in a script"],
)
def test_a_token_outside_a_form_field_keeps_the_page_private(rf, post, body):
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    response = _page_view(body)(_request(rf, secret))
    page = response.content.decode()
    if "csrfmiddlewaretoken" in body:  # cut out: shared
        assert response.headers["X-Accel-Expires"] == "3" and not holds_token(page, secret)
    else:  # the visitor's token stays in their own page, never marked nor kept
        assert "X-Accel-Expires" not in response.headers and holds_token(page, secret)
        assert response.headers.get("X-Page-Cache") is None
        again = _page_view(body)(_request(rf, _get_new_csrf_string()))
        assert not holds_token(again.content.decode(), secret)


def test_a_page_that_varies_on_what_nginx_does_not_key_is_not_shared(rf, post):
    response = _page_view("<p>Data</p>", vary="Accept")(_request(rf))
    assert response.status_code == 200 and "X-Accel-Expires" not in response.headers
    response = _page_view("<p>Data</p>", vary="Accept-Encoding, Cookie")(_request(rf))
    assert response.headers["X-Accel-Expires"] == "3"


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
    # A step of the visit, not an error: 200, never stored.
    assert response.status_code == 200 and not Comment.objects.exists()
    assert "no-store" in response.headers["Cache-Control"]
    assert 'value="&lt;b&gt;Bagus&lt;/b&gt;"' in page and "<b>Bagus</b>" not in page
    assert TOKEN.search(page).group(1) != ""
    # From the site's own page without an Origin header, by its Referer: the same.
    response = Client(enforce_csrf_checks=True).post(
        action, form, HTTP_REFERER=f"http://testserver{post.get_absolute_url()}"
    )
    assert response.status_code == 200 and "Sari" in response.content.decode()
    # A visitor who already has a CSRF cookie (any earlier page with a form): the same.
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(reverse("core:form_token"))
    response = visitor.post(action, form, HTTP_ORIGIN="http://testserver")
    page = response.content.decode()
    assert response.status_code == 200 and "Sari" in page and not Comment.objects.exists()
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))
    assert visitor.post(action, fields, HTTP_ORIGIN="http://testserver").status_code == 302
    assert Comment.objects.get().name == "Sari"
    # The page's own form refused again (a browser that keeps no cookie): plainly, once.
    response = Client(enforce_csrf_checks=True).post(
        action, fields, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 403 and "Sari" not in response.content.decode()
    # No Origin or Referer, another site's, or a file upload: the plain refusal.
    for headers in ({}, {"HTTP_ORIGIN": "http://jahat.example"}):
        response = Client(enforce_csrf_checks=True).post(action, form, **headers)
        assert response.status_code == 403 and "Sari" not in response.content.decode()
    upload = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = Client(enforce_csrf_checks=True).post(
        action, {**form, "photo": upload}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 403 and "Sari" not in response.content.decode()
