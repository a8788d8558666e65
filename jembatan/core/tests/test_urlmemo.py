"""``core.urlmemo``: a reversal kept per process is what ``reverse()`` gives in every
language, script prefix and URLconf; a changed setting and ``clear_all`` forget it; the
memo stays bounded."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from django.urls import get_script_prefix, get_urlconf, reverse, set_script_prefix, set_urlconf
from django.utils import translation

from jembatan.core import localcache, urlmemo
from jembatan.core.urlmemo import memo_reverse, memo_urls

CALLS = [
    ("accounts:logout", None, None),
    ("sites:hub_feed", None, None),
    ("dashboard:list", None, {"metric": "aspirasi"}),
    ("dashboard:list", None, {"metric": "berita"}),
    ("dashboard:list", ["kim"], None),
]


@pytest.fixture(autouse=True)
def _fresh():
    urlmemo.clear()
    prefix = get_script_prefix()
    yield
    set_script_prefix(prefix)
    urlmemo.clear()


@pytest.fixture
def reversals(monkeypatch):
    """The names ``urlmemo`` really reverses (a hit reverses nothing)."""
    names: list[str] = []

    def counting(viewname, **kwargs):
        names.append(viewname)
        return reverse(viewname, **kwargs)

    monkeypatch.setattr(urlmemo, "reverse", counting)
    return names


@pytest.mark.parametrize("prefix", ["/", "/jembatan/", "/sub/situs/"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_same_as_reverse_in_each_language_and_prefix(language, prefix):
    # Asked twice, in alternation with another prefix: each variant keeps its own.
    for _round in range(2):
        for asked_prefix in (prefix, "/lain/"):
            set_script_prefix(asked_prefix)
            with translation.override(language):
                for name, args, kwargs in CALLS:
                    expected = reverse(name, args=args, kwargs=kwargs)
                    assert expected.startswith(asked_prefix)
                    assert memo_reverse(name, args=args, kwargs=kwargs) == expected


def test_a_hit_reverses_nothing_and_each_variant_once(reversals):
    for _round in range(3):
        memo_reverse("dashboard:list", kwargs={"metric": "aspirasi"})
        memo_reverse("dashboard:list", kwargs={"metric": "berita"})
        with translation.override("en"):
            memo_reverse("dashboard:list", kwargs={"metric": "aspirasi"})
    assert reversals == ["dashboard:list"] * 3


def test_the_urlconf_of_the_request_is_part_of_the_key():
    built = []

    def build():
        built.append(1)
        return len(built)

    before = get_urlconf()
    try:
        assert memo_urls("k", build) == 1
        set_urlconf("jembatan.tenants.tests.urls")  # as a request.urlconf does
        assert memo_urls("k", build) == 2
        assert memo_urls("k", build) == 2
    finally:
        set_urlconf(before)
    assert memo_urls("k", build) == 1


def _served(path: str, script_name: str = "") -> str:
    """The page as the WSGI server gives it (the test client sets no script prefix),
    on the test's own database connection (which the server would close after each
    request, as the test client also prevents)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, SCRIPT_NAME=script_name)
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: None)
        try:
            return b"".join(response).decode()
        finally:
            response.close()  # request_finished: the request's URLconf is reset
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.mark.django_db
def test_pages_served_under_a_script_name_link_under_it():
    _served("/tidak-ada/")  # the layout's links are kept without a prefix first
    prefixed = _served("/tidak-ada/", "/jembatan")
    plain = _served("/tidak-ada/")
    feed = reverse("sites:hub_feed")
    assert f'href="/jembatan{feed}"' in prefixed
    assert f'href="{feed}"' in plain and "/jembatan/" not in plain


def test_a_changed_setting_forgets_every_url(reversals):
    memo_reverse("accounts:logout")
    memo_reverse("accounts:logout")
    with override_settings(ROOT_URLCONF="jembatan.tenants.tests.urls"):
        memo_reverse("accounts:logout")
    memo_reverse("accounts:logout")
    assert reversals == ["accounts:logout"] * 3


def test_clear_all_forgets_every_url(reversals):
    memo_reverse("accounts:logout")
    localcache.clear_all()
    memo_reverse("accounts:logout")
    assert reversals == ["accounts:logout"] * 2


def test_the_memo_stays_within_its_bound(monkeypatch):
    monkeypatch.setattr(urlmemo, "MAX_ENTRIES", 8)
    for number in range(50):
        assert memo_urls(("n", number), lambda n=number: n) == number
        assert len(urlmemo._memo) <= 8
    # Past the bound the values are still right, worked out again.
    assert memo_reverse("accounts:logout") == reverse("accounts:logout")
