"""The shared page cache of the production profile, through a real nginx: anonymous public
pages come from nginx's microcache; nothing signed in, personal or cookie-setting ever
does; forms on cached pages still work with and without script; a change is seen within
SHARED_CACHE_SECONDS + SHARED_CACHE_STALE_SECONDS + 1 s of nginx's whole-second clock
(here 1 + 1 + 1 s; with the production defaults 2 + 1 + 1 s, within the 5 s promised)."""

from __future__ import annotations

import gzip
import re
import time
import urllib.parse

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from jembatan.core.pagecache import holds_token
from jembatan.core.tests.nginx_proxy import fetch, live_upstream, running_nginx
from jembatan.sites.models import Comment, Post
from jembatan.testing.factories import (
    AspirationFactory,
    InfoRequestFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
# 1 s fresh, 1 s more of the old copy while it is rendered again, and up to 1 s more as
# nginx counts whole seconds from the one it stored the copy in (which was before the change).
BOUND = 3.0
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def cached(live_server, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 60  # the test settings turn it off
    settings.SHARED_CACHE_SECONDS = 1
    settings.SHARED_CACHE_STALE_SECONDS = 1
    with running_nginx([live_upstream(live_server)], tmp_path) as base:
        yield base


@pytest.fixture
def post(db):
    return PostFactory(title="Gotong royong di Sebalo", body="<p>Kerja bakti pagi.</p>")


def cookie_of(headers, name: str) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0]
    return ""


def test_an_anonymous_article_comes_from_the_cache_without_a_token_or_cookie(cached, post):
    url = cached + post.get_absolute_url()
    status, headers, first = fetch(url)
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    assert headers.get_all("Set-Cookie") is None
    assert "X-Accel-Expires" not in headers  # nginx keeps it to itself
    # The page's forms (comments, reports, the language switcher) carry no visitor's token.
    tokens = TOKEN.findall(first)
    assert tokens and set(tokens) == {b""}
    status, headers, second = fetch(url)
    assert status == 200 and headers["X-Cache-Status"] == "HIT"
    assert second == first and b"Gotong royong di Sebalo" in second
    # The lifetime is nginx's alone: the browser asks again each time (no-cache).
    assert headers["Cache-Control"] == "no-cache"
    # The visitor who chose English gets the English page, never the Indonesian copy.
    english = f"{django_settings.LANGUAGE_COOKIE_NAME}=en"
    status, headers, page = fetch(url, Cookie=english)
    assert headers["X-Cache-Status"] == "MISS" and b'<html lang="en">' in page
    assert fetch(url, Cookie=english)[1]["X-Cache-Status"] == "HIT"
    assert b'<html lang="id">' in fetch(url)[2]


def test_lists_feeds_the_sitemap_statistics_and_open_data_come_from_the_cache(cached, post):
    names = [
        "sites:hub", "sites:news", "sites:kim_directory", "sites:hub_feed", "sites:sitemap",
        "dissemination:list", "dashboard:statistics", "dashboard:data", "dashboard:catalog",
    ]  # fmt: skip
    for name in names:
        url = cached + reverse(name)
        status, headers, _body = fetch(url)
        assert status == 200 and headers["X-Cache-Status"] == "MISS", name
        assert headers.get_all("Set-Cookie") is None, name
        assert fetch(url)[1]["X-Cache-Status"] == "HIT", name


def test_a_signed_in_visitor_and_an_anonymous_one_never_see_each_others_page(cached, post):
    url = cached + post.get_absolute_url()
    logout = reverse("accounts:logout").encode()
    user = UserFactory(full_name="Siti Pengguna Rahasia")
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    session = f"{name}={client.cookies[name].value}"
    # The signed-in page first: it must not fill the cache.
    for _ in range(2):
        status, headers, page = fetch(url, Cookie=session)
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert logout in page and TOKEN.search(page).group(1) != b""
    status, headers, page = fetch(url)
    assert headers["X-Cache-Status"] == "MISS" and logout not in page
    status, headers, page = fetch(url)
    assert headers["X-Cache-Status"] == "HIT" and logout not in page
    # Now the cache holds the anonymous page: the signed-in visitor still gets their own,
    # even when asking for the shared copy themselves (nginx alone sends that header).
    status, headers, page = fetch(url, Cookie=session, **{"X-Shared-Cache": "1"})
    assert headers["X-Cache-Status"] == "BYPASS" and logout in page
    assert TOKEN.search(page).group(1) != b""
    # A pending message or credentials keep a visitor out of it too; a CSRF cookie does not
    # (test_a_visitor_with_a_csrf_cookie_shares_the_cache_without_leaving_their_token).
    status, headers, page = fetch(url, Cookie="messages=abc")
    assert headers["X-Cache-Status"] == "BYPASS"
    status, headers, page = fetch(url, Authorization="Bearer x")
    assert headers["X-Cache-Status"] == "BYPASS"
    status, headers, page = fetch(url, Cookie="csrftoken=" + "a" * 32)
    assert headers["X-Cache-Status"] == "HIT" and logout not in page


def test_a_response_that_sets_a_cookie_is_never_stored(cached):
    for path in (reverse("core:form_token"), reverse("accounts:login")):
        for _ in range(2):
            status, headers, _body = fetch(cached + path)
            assert status == 200
            assert cookie_of(headers, django_settings.CSRF_COOKIE_NAME)
            assert headers["X-Cache-Status"] == "MISS"


def test_tracking_my_data_and_ppid_request_pages_are_never_cached(cached):
    case = AspirationFactory()
    request = InfoRequestFactory()
    paths = [
        reverse("aspirations:track_detail", args=[case.code]),
        reverse("aspirations:my_data", args=[case.code]),
        reverse("aspirations:track"),
        reverse("disclosure:request_detail", args=[request.number, request.token]),
        reverse("disclosure:track"),
    ]
    for path in paths:
        for _ in range(2):
            status, headers, _body = fetch(cached + path)
            assert status < 500, path
            assert headers["X-Cache-Status"] == "MISS", path


def wait_until(check, bound: float) -> float:
    """Seconds until check() holds, polling; fails after bound."""
    start = time.monotonic()
    while time.monotonic() - start < bound:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"not seen within {bound} s")


def test_a_correction_and_a_withdrawal_are_seen_within_the_bound(cached, post):
    url = cached + post.get_absolute_url()
    fetch(url)
    assert fetch(url)[1]["X-Cache-Status"] == "HIT"
    post.title = "Gotong royong di Sebalo (ralat)"
    post.save(update_fields=["title"])
    wait_until(lambda: b"(ralat)" in fetch(url)[2], bound=BOUND)
    # A new post of the KIM shows on its (cached) list of news.
    listing = cached + reverse("sites:kim_posts", args=[post.kim.slug])
    fetch(listing)
    assert fetch(listing)[1]["X-Cache-Status"] == "HIT"
    PostFactory(kim=post.kim, title="Panen raya jagung")
    wait_until(lambda: b"Panen raya jagung" in fetch(listing)[2], bound=BOUND)
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status"])
    wait_until(lambda: fetch(url)[0] == 404, bound=BOUND)
    # A 404 is never stored: the page is back as soon as it is published again.
    post.status = Post.Status.PUBLISHED
    post.save(update_fields=["status"])
    assert fetch(url)[0] == 200


def test_a_withdrawal_just_after_nginx_stored_its_copy_is_seen_within_5_s(
    live_server, settings, tmp_path, post
):
    """The worst case with the production lifetimes: nginx counts whole seconds from the
    second it stored its copy, and a withdrawn post's 404 is never stored, so the old copy
    is given out for the whole of its stale time."""
    settings.PAGE_CACHE_SECONDS = 60  # the test settings turn it off
    # The defaults of jembatan.settings, not the short ones of the `cached` fixture.
    assert settings.SHARED_CACHE_SECONDS + settings.SHARED_CACHE_STALE_SECONDS + 1 <= 4
    with running_nginx([live_upstream(live_server)], tmp_path) as base:
        url = base + post.get_absolute_url()
        time.sleep(1.02 - time.time() % 1)  # just after nginx's clock turned a second
        status, headers, _body = fetch(url)
        assert status == 200 and headers["X-Cache-Status"] == "MISS"
        post.status = Post.Status.DRAFT
        post.save(update_fields=["status"])
        start = time.monotonic()
        assert fetch(url)[1]["X-Cache-Status"] == "HIT"  # nginx still has the old copy
        wait_until(lambda: fetch(url)[0] == 404, bound=5.0 - (time.monotonic() - start))


def test_browsers_revalidate_shared_pages_and_other_answers_keep_their_headers(cached, post):
    url = cached + post.get_absolute_url()
    for expected in ("MISS", "HIT"):
        _status, headers, _body = fetch(url)
        assert headers["X-Cache-Status"] == expected
        # Once: nginx replaces the app's header, it does not add a second one.
        assert headers.get_all("Cache-Control") == ["no-cache"], expected
        assert "X-Accel-Expires" not in headers
    # The form token is the visitor's: still never kept by anyone (the app's header).
    _status, headers, _body = fetch(cached + reverse("core:form_token"))
    assert headers["X-Cache-Status"] == "MISS"
    assert headers.get_all("Cache-Control") == [
        "max-age=0, no-cache, no-store, must-revalidate, private"
    ]


def test_every_answer_carries_nginx_own_request_id_the_app_got_on_a_miss(cached, post):
    from django.core.signals import request_started

    seen: list[str] = []

    def note(sender, environ=None, **kwargs):
        seen.append((environ or {}).get("HTTP_X_REQUEST_ID", ""))

    request_started.connect(note)
    try:
        url = cached + post.get_absolute_url()
        answers = [fetch(url)[1] for _ in range(3)]
    finally:
        request_started.disconnect(note)
    assert [h["X-Cache-Status"] for h in answers] == ["MISS", "HIT", "HIT"]
    ids = [h.get_all("X-Request-ID") for h in answers]
    assert all(len(one) == 1 and re.fullmatch(r"[0-9a-f]{32}", one[0]) for one in ids), ids
    assert len({one[0] for one in ids}) == 3  # each visitor their own, not the filler's
    # The MISS reached the app, which logged under nginx's id: the visitor quotes that one.
    assert seen == [ids[0][0]]


def test_a_client_that_refuses_gzip_gets_the_plain_page(cached, post):
    url = cached + post.get_absolute_url()
    refusals = ["gzip;q=0, identity", "identity, GZIP; q=0.000", "gzip;q=0"]
    for accept in refusals:
        for expected in ("MISS", "HIT") if accept == refusals[0] else ("HIT",):
            _status, headers, page = fetch(url, **{"Accept-Encoding": accept})
            assert headers["X-Cache-Status"] == expected, accept
            assert "Content-Encoding" not in headers, accept
            assert b"Gotong royong di Sebalo" in page, accept
    for accept in ("gzip, deflate", "gzip;q=0.5, identity;q=0", "x-gzip;q=0, gzip"):
        _status, headers, page = fetch(url, **{"Accept-Encoding": accept})
        assert headers["Content-Encoding"] == "gzip", accept
        assert gzip.decompress(page).count(b"Gotong royong di Sebalo"), accept


def test_a_comment_from_a_cached_page_with_script_fetches_a_token(cached, post):
    url = cached + post.get_absolute_url()
    fetch(url)
    assert fetch(url)[1]["X-Cache-Status"] == "HIT"
    # What static/js/form-token.js does on submit: fetch the token (with its cookie), send.
    status, headers, body = fetch(cached + reverse("core:form_token"), Accept="application/json")
    token = re.search(rb'"token": "([^"]+)"', body).group(1).decode()
    cookie = cookie_of(headers, django_settings.CSRF_COOKIE_NAME)
    form = {"csrfmiddlewaretoken": token, "name": "Andi", "body": "Mantap.", "website": ""}
    status, headers, _body = fetch(
        cached + reverse("sites:comment_submit", args=[post.kim.slug, post.slug]),
        urllib.parse.urlencode(form).encode(),
        Cookie=cookie,
        Origin=cached,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, _body[:300]
    assert Comment.objects.filter(post=post, name="Andi").exists()
    # With the CSRF cookie this visitor still gets the shared page, which holds no token.
    status, headers, page = fetch(url, Cookie=cookie)
    assert headers["X-Cache-Status"] == "HIT" and TOKEN.search(page).group(1) == b""


def test_a_comment_from_a_cached_page_without_script_is_sent_on_the_second_press(cached, post):
    url = cached + post.get_absolute_url()
    _status, _headers, page = fetch(url)
    assert TOKEN.search(page).group(1) == b""
    action = cached + reverse("sites:comment_submit", args=[post.kim.slug, post.slug])
    form = {"csrfmiddlewaretoken": "", "name": "Budi", "body": "Terima kasih, KIM!", "website": ""}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": cached}
    status, answer, confirm = fetch(action, urllib.parse.urlencode(form).encode(), **headers)
    # Not sent yet: the same fields, this visitor's token and its cookie, one button.
    assert status == 200 and not Comment.objects.filter(post=post).exists()
    assert b'value="Terima kasih, KIM!"' in confirm
    token = TOKEN.search(confirm).group(1).decode()
    cookie = cookie_of(answer, django_settings.CSRF_COOKIE_NAME)
    assert token and cookie
    again = {**dict(re.findall(r'name="([^"]+)" value="([^"]*)"', confirm.decode()))}
    again["csrfmiddlewaretoken"] = token
    status, _answer, _body = fetch(
        action, urllib.parse.urlencode(again).encode(), Cookie=cookie, **headers
    )
    assert status == 302
    assert Comment.objects.get(post=post).body == "Terima kasih, KIM!"
    # A browser that keeps no cookie is refused the second time, not sent round again.
    status, _answer, body = fetch(action, urllib.parse.urlencode(again).encode(), **headers)
    assert status == 403 and b"Terima kasih, KIM!" not in body
    # A form from another site gets the plain refusal, never the page that resends it.
    foreign = {**headers, "Origin": "https://jahat.example"}
    status, _answer, body = fetch(action, urllib.parse.urlencode(form).encode(), **foreign)
    assert status == 403 and b"Terima kasih, KIM!" not in body


def csrf_cookie(base: str) -> str:
    """A CSRF cookie as a visitor carries one after any page with a form."""
    _status, headers, _body = fetch(base + reverse("core:form_token"))
    return cookie_of(headers, django_settings.CSRF_COOKIE_NAME)


def holds_token_of(page: bytes, secret: str) -> bool:
    """The page carries a form token made from this CSRF secret (masked or not)."""
    return holds_token(page.decode(), secret)


def test_a_visitor_with_a_csrf_cookie_shares_the_cache_without_leaving_their_token(cached, post):
    url = cached + post.get_absolute_url()
    cookie = csrf_cookie(cached)
    secret = cookie.split("=", 1)[1]
    # This visitor fills the cache (other cookies beside it: a site's analytics, say).
    status, headers, page = fetch(url, Cookie=f"_ga=GA1.2.345; {cookie}")
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    assert headers.get_all("Set-Cookie") is None
    assert set(TOKEN.findall(page)) == {b""} and not holds_token_of(page, secret)
    # Another visitor with another CSRF cookie, and one without any: the same copy.
    other = "csrftoken=" + "b" * 32
    status, headers, second = fetch(url, Cookie=other)
    assert headers["X-Cache-Status"] == "HIT" and second == page
    status, headers, third = fetch(url)
    assert headers["X-Cache-Status"] == "HIT" and third == page


def test_a_refill_of_an_expired_copy_is_the_same_shared_page(cached, post):
    """nginx refilling its copy gets the page the app shared (from its own cache, before
    the middleware stack), whoever's request made nginx ask: no token, no cookie."""
    url = cached + post.get_absolute_url()
    status, headers, first = fetch(url)
    assert headers["X-Cache-Status"] == "MISS" and headers["X-Page-Cache"] == "miss"
    time.sleep(3.1)  # past the fresh second, the stale one and nginx's whole-second clock
    cookie = csrf_cookie(cached)
    status, headers, refilled = fetch(url, Cookie=f"_ga=GA1.2.345; {cookie}")
    assert status == 200 and headers["X-Cache-Status"] == "EXPIRED"
    assert headers["X-Page-Cache"] == "hit" and headers.get_all("Set-Cookie") is None
    assert refilled == first and not holds_token_of(refilled, cookie.split("=", 1)[1])
    status, headers, again = fetch(url)
    assert headers["X-Cache-Status"] == "HIT" and again == first


def test_whitespace_in_the_cookie_header_hides_neither_the_session_nor_the_language(cached, post):
    url = cached + post.get_absolute_url()
    logout = reverse("accounts:logout").encode()
    client = Client()
    client.force_login(UserFactory())
    name = django_settings.SESSION_COOKIE_NAME
    session = f"{name}={client.cookies[name].value}"
    fetch(url)
    assert fetch(url)[1]["X-Cache-Status"] == "HIT"
    for header in (f"a=1;\t{session}", f"a=1;\t {session}", f"a=1; {session}\t", f"\t{session}"):
        _status, headers, page = fetch(url, Cookie=header)
        assert headers["X-Cache-Status"] == "BYPASS", repr(header)
        assert logout in page, repr(header)
    # The language Django reads is the one the copy is stored under, or it is not stored.
    language = django_settings.LANGUAGE_COOKIE_NAME
    other = cached + reverse("sites:news")
    _status, headers, page = fetch(other, Cookie=f"a=1;\t{language}=en")
    assert b'<html lang="en">' in page
    for _ in range(2):
        _status, headers, page = fetch(other)
        assert b'<html lang="id">' in page, headers["X-Cache-Status"]


def test_the_hosts_case_and_default_port_share_one_copy(cached, post):
    port = urllib.parse.urlsplit(cached).port
    url = cached + post.get_absolute_url()
    status, headers, first = fetch(url, Host=f"localhost:{port}")
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    status, headers, second = fetch(url, Host=f"LocalHost:{port}")
    assert headers["X-Cache-Status"] == "HIT" and second == first
    # The default port is the same site: one copy, its links without the port.
    status, headers, plain = fetch(url, Host="localhost")
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    status, headers, again = fetch(url, Host="LOCALHOST:80")
    assert headers["X-Cache-Status"] == "HIT" and again == plain
    assert b"http://localhost/" in plain and b"localhost:80" not in plain


def test_clarifications_and_consultations_come_from_the_cache(cached, post):
    from jembatan.clarifications import services as clarification_services
    from jembatan.clarifications.tests.conftest import make_world
    from jembatan.clarifications.tests.test_clarifications import ANSWER
    from jembatan.testing.factories import ConsultationFactory

    world = make_world()
    clarification = clarification_services.clarification_publish(
        actor=world.admin,
        clarification=clarification_services.clarification_create(
            actor=world.admin, data=ANSWER, kabupaten_code="61.07"
        ),
    )
    consultation = ConsultationFactory()
    paths = [
        reverse("clarifications:list"),
        clarification.get_absolute_url(),
        consultation.get_absolute_url(),
        reverse("sites:search") + "?q=gotong+royong",
    ]
    for path in paths:
        status, headers, _body = fetch(cached + path)
        assert status == 200 and headers["X-Cache-Status"] == "MISS", path
        assert headers.get_all("Set-Cookie") is None, path
        assert fetch(cached + path)[1]["X-Cache-Status"] == "HIT", path


def test_a_form_from_a_cached_page_without_script_but_with_a_csrf_cookie(cached, post):
    url = cached + post.get_absolute_url()
    cookie = csrf_cookie(cached)
    _status, _headers, page = fetch(url, Cookie=cookie)
    assert TOKEN.search(page).group(1) == b""
    action = cached + reverse("sites:comment_submit", args=[post.kim.slug, post.slug])
    form = {"csrfmiddlewaretoken": "", "name": "Dewi", "body": "Kapan lagi?", "website": ""}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": cached}
    status, _answer, confirm = fetch(
        action, urllib.parse.urlencode(form).encode(), Cookie=cookie, **headers
    )
    # The form once more, the input kept, with this visitor's token: not an error page.
    assert status == 200 and not Comment.objects.filter(post=post).exists()
    assert b'value="Kapan lagi?"' in confirm
    again = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', confirm.decode()))
    assert again["csrfmiddlewaretoken"]
    status, _answer, _body = fetch(
        action, urllib.parse.urlencode(again).encode(), Cookie=cookie, **headers
    )
    assert status == 302
    assert Comment.objects.get(post=post).body == "Kapan lagi?"
