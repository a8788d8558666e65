"""The page cache's fast path: a cached page answered before the rest of the middleware
stack, to exactly the visitors the view's cache would have served it to."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.core.pagecache import FAST_PREFIX, _fast_key, _version
from jembatan.sites.models import Comment
from jembatan.sites.services import post_create, post_transition, post_update
from jembatan.testing.factories import serve_tenant


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(two_tenants):
    a = two_tenants.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Kerja bakti", "body": "x"})
    return post_transition(actor=a.owner, post=draft, action="publish")


def _queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def _fast(response) -> bool:
    """Answered by the fast path: no middleware below it (session, tenant, auth) ran."""
    request = response.wsgi_request
    return response.headers.get("X-Page-Cache") == "hit" and not any(
        hasattr(request, name) for name in ("session", "tenant", "user")
    )


def _without_token(response) -> str:
    return re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _fast_entry(url, language="id", host="testserver"):
    return cache.get(f"{FAST_PREFIX}:{_version()}:{language}:http://{host}:{url}")


def test_a_repeated_anonymous_get_is_answered_before_the_stack(client, post):
    url = post.get_absolute_url()
    first = client.get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    assert _fast_entry(url) is not None
    second, queries = _queries(client, url)
    # Neither the tenant, the session nor the user were looked up: no query at all.
    assert queries == 0
    assert _fast(second)
    assert second.content.decode().count("Kerja bakti") == first.content.decode().count(
        "Kerja bakti"
    )
    # The page's own headers, as the whole stack set them.
    for header in ("Content-Type", "Content-Language", "Vary", "X-Frame-Options"):
        assert second.headers.get(header) == first.headers.get(header), header
    assert int(second.headers["Content-Length"]) == len(second.content)


def test_a_change_retires_the_fast_copy(client, post, two_tenants):
    url = post.get_absolute_url()
    client.get(url)
    client.get(url)
    post_update(actor=two_tenants.a.owner, post=post, data={"title": "Kerja bakti massal"})
    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Kerja bakti massal" in response.content.decode()


def test_signed_in_users_never_get_the_fast_copy(client, post, two_tenants):
    url = post.get_absolute_url()
    client.get(url)
    client.force_login(two_tenants.a.owner)
    response = client.get(url)
    assert "X-Page-Cache" not in response.headers
    assert "Keluar" in response.content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_session_or_message_cookie_takes_the_whole_stack(client, post, settings, cookie):
    url = post.get_absolute_url()
    client.get(url)
    name = settings.SESSION_COOKIE_NAME if cookie == "sessionid" else cookie
    client.cookies[name] = "tidak-dikenal"
    request = Client().get(url).wsgi_request
    request.COOKIES[name] = "tidak-dikenal"
    assert _fast_key(request, "id") is None
    response = client.get(url)
    assert not _fast(response)
    assert hasattr(response.wsgi_request, "session")


def test_credentials_or_nginx_asking_take_the_whole_stack(client, post, settings):
    settings.SHARED_CACHE_SECONDS = 3
    url = post.get_absolute_url()
    client.get(url)
    assert _fast(client.get(url))
    assert not _fast(client.get(url, HTTP_AUTHORIZATION="Token x"))
    shared = Client().get(url, HTTP_X_SHARED_CACHE="1", HTTP_X_SHARED_CACHE_LANGUAGE="id")
    assert not _fast(shared)
    # The shared answer (no form token, X-Accel-Expires) comes from the view's cache.
    assert shared.headers["X-Accel-Expires"]
    assert 'name="csrfmiddlewaretoken" value=""' in shared.content.decode()


def test_languages_get_their_own_fast_copy(client, post, settings):
    url = post.get_absolute_url()
    client.get(url)
    client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert english.headers["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode()
    again = client.get(url)
    assert _fast(again)
    assert 'lang="en"' in again.content.decode()
    assert again.headers["Content-Language"] == "en"


def test_tenants_get_their_own_fast_copy(client, post, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    ours = client.get("/")
    theirs = client.get("/", HTTP_HOST="mempawah.test")
    assert theirs.headers["X-Page-Cache"] == "miss"
    assert "Mempawah" in theirs.content.decode() and "Mempawah" not in ours.content.decode()
    again = client.get("/", HTTP_HOST="mempawah.test")
    assert _fast(again)
    assert _without_token(again) == _without_token(theirs)
    assert "Mempawah" not in client.get("/").content.decode()


def test_a_deactivated_tenant_is_not_served_its_fast_copy(client, post, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    client.get("/", HTTP_HOST="mempawah.test")
    assert _fast(client.get("/", HTTP_HOST="mempawah.test"))
    mempawah.is_active = False
    mempawah.save()
    assert not _fast(client.get("/", HTTP_HOST="mempawah.test"))


def _token(response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found is not None
    return found[1]


def test_each_visitor_gets_a_working_token_and_cookie_from_the_fast_copy(post, settings):
    url = post.get_absolute_url()
    for _ in range(2):  # a new visitor, then one who already has the CSRF cookie
        Client().get(url)  # the fast copy is now stored (again: a comment retires it)
        visitor = Client(enforce_csrf_checks=True)
        if _:
            visitor.get("/formulir/token/")
            assert settings.CSRF_COOKIE_NAME in visitor.cookies
        response = visitor.get(url)
        assert _fast(response)
        assert "__CSRF_TOKEN__" not in response.content.decode()
        assert settings.CSRF_COOKIE_NAME in visitor.cookies
        data = {"name": f"Warga {_}", "body": "Ikut!", "csrfmiddlewaretoken": _token(response)}
        posted = visitor.post(f"{url}komentar/", data)
        assert posted.status_code == 302
        assert Comment.objects.filter(name=f"Warga {_}").exists()


def test_a_visitor_with_a_cookie_keeps_it(post, settings):
    url = post.get_absolute_url()
    Client().get(url)
    Client().get(url)
    visitor = Client()
    visitor.get(url)
    cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    response = visitor.get(url)
    assert _fast(response)
    # Sent again to renew its expiry, as Django does below, with the same secret.
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == cookie
