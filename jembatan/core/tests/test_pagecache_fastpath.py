"""The page cache's fast path: a cached page answered before the rest of the middleware
stack, to exactly the visitors the view's cache would have served it to."""

import re
import warnings

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.core.pagecache import (
    FAST_PREFIX,
    MAX_KEY_PATH,
    _fast_key,
    _version,
    bounded_path,
    holds_token,
)
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


def test_a_long_address_is_kept_under_a_short_key_of_its_own(client, post):
    """A query string of kilobytes (a junk parameter) is cached under its digest: a key of
    bounded length, different for every address, and still answered from the cache."""
    base = post.get_absolute_url()
    long_a, long_b = f"{base}?x={'9' * 3000}", f"{base}?x={'9' * 2999}8"
    assert bounded_path(long_a) != bounded_path(long_b)
    assert len(bounded_path(long_a)) <= MAX_KEY_PATH
    assert bounded_path(base) == base
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert client.get(long_a).headers["X-Page-Cache"] == "miss"
    # Django warns of a key longer than 250 characters (or with spaces): none here.
    assert not [w for w in caught if issubclass(w.category, CacheKeyWarning)]
    assert _fast_entry(bounded_path(long_a)) is not None
    assert _fast(client.get(long_a))
    assert client.get(long_b).headers["X-Page-Cache"] == "miss"


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
    # The shared answer (no form token, X-Accel-Expires) comes from the view's cache: the
    # fast copy above is a visitor's, never handed to nginx.
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


# --- nginx refilling its shared copy ------------------------------------------------------

SHARED = {"HTTP_X_SHARED_CACHE": "1", "HTTP_X_SHARED_CACHE_LANGUAGE": "id"}


def test_nginx_refilling_its_copy_gets_the_shared_page_before_the_stack(post, settings):
    settings.SHARED_CACHE_SECONDS = 3
    settings.SHARED_CACHE_STALE_SECONDS = 1
    url = post.get_absolute_url()
    first = Client().get(url, **SHARED)
    assert first.headers["X-Page-Cache"] == "miss"
    second, queries = _queries(Client(), url, **SHARED)
    assert queries == 0 and _fast(second)
    # Exactly what the stack shared: the same page (form tokens cut out), the same headers
    # (nginx's lifetime and Cache-Control), and no cookie.
    assert second.content == first.content
    assert set(re.findall(r'csrfmiddlewaretoken" value="([^"]*)"', second.content.decode())) == {""}
    for header in ("Content-Type", "Content-Language", "Vary", "X-Frame-Options"):
        assert second.headers.get(header) == first.headers.get(header), header
    assert second.headers["X-Accel-Expires"] == "3"
    assert second.headers["Cache-Control"] == "max-age=3, stale-while-revalidate=1"
    assert not second.cookies
    assert int(second.headers["Content-Length"]) == len(second.content)


def test_the_shared_and_the_visitors_fast_copies_never_cross(post, settings):
    settings.SHARED_CACHE_SECONDS = 3
    url = post.get_absolute_url()
    Client().get(url, **SHARED)
    visitor = Client()
    for _ in range(2):  # a new visitor, then one with the CSRF cookie
        own = visitor.get(url)
        assert own.headers["X-Page-Cache"] == "hit"
        assert "X-Accel-Expires" not in own.headers and "Cache-Control" not in own.headers
    assert _token(own) and settings.CSRF_COOKIE_NAME in visitor.cookies
    shared = Client().get(url, **SHARED)
    assert _fast(shared) and shared.headers["X-Accel-Expires"] == "3"
    assert _token(own) not in shared.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in shared.content.decode()


def test_a_change_retires_the_shared_fast_copy(post, two_tenants, settings):
    settings.SHARED_CACHE_SECONDS = 3
    url = post.get_absolute_url()
    Client().get(url, **SHARED)
    assert _fast(Client().get(url, **SHARED))
    post_update(actor=two_tenants.a.owner, post=post, data={"title": "Kerja bakti massal"})
    response = Client().get(url, **SHARED)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Kerja bakti massal" in response.content.decode()


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_X_SHARED_CACHE_LANGUAGE": "en"},  # nginx read another language than Django
        {"HTTP_X_SHARED_CACHE_LANGUAGE": ""},  # an older configuration: no language
        {"HTTP_X_SHARED_CACHE": "yes"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
    ],
    ids=["another language", "no language", "not 1", "credentials"],
)
def test_nginx_gets_the_shared_fast_copy_only_as_the_stack_would_share(post, settings, extra):
    settings.SHARED_CACHE_SECONDS = 3
    url = post.get_absolute_url()
    Client().get(url, **SHARED)
    assert _fast(Client().get(url, **SHARED))
    response = Client().get(url, **{**SHARED, **extra})
    assert not _fast(response)
    assert "X-Accel-Expires" not in response.headers


def test_a_visitors_csrf_cookie_gets_the_shared_fast_copy_without_a_cookie(post, settings):
    settings.SHARED_CACHE_SECONDS = 3
    url = post.get_absolute_url()
    Client().get(url, **SHARED)
    visitor = Client()
    visitor.get("/formulir/token/")
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    response = visitor.get(url, **SHARED)
    assert _fast(response) and response.headers["X-Accel-Expires"] == "3"
    assert not response.cookies
    assert not holds_token(response.content.decode(), secret)


def test_a_shared_fast_copy_that_holds_the_visitors_secret_is_not_shared(two_tenants, settings):
    """A visitor whose CSRF secret the page happens to hold (here one who chose as their
    cookie a string the page shows) gets the stack's answer, unshared, as _share decides."""
    settings.SHARED_CACHE_SECONDS = 3
    secret = "Ab3" * 10 + "Zz"  # 32 letters and digits: a well-formed secret
    a = two_tenants.a
    draft = post_create(
        actor=a.owner, kim=a.kim, data={"title": "Kode", "body": f"<p>{secret}</p>"}
    )
    url = post_transition(actor=a.owner, post=draft, action="publish").get_absolute_url()
    Client().get(url, **SHARED)
    assert _fast(Client().get(url, **SHARED))
    visitor = Client()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = visitor.get(url, **SHARED)
    assert response.status_code == 200 and secret in response.content.decode()
    assert not _fast(response) and "X-Accel-Expires" not in response.headers
