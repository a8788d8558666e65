"""Every 429 says when to come back: views that know their window set Retry-After, the
security-headers middleware gives the rest the longest window of the public forms."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from jembatan.core.middleware import RETRY_AFTER_SECONDS, SecurityHeadersMiddleware


def _answer(status: int, **headers: str) -> HttpResponse:
    def view(request):
        response = HttpResponse(status=status)
        for name, value in headers.items():
            response[name] = value
        return response

    return SecurityHeadersMiddleware(view)(RequestFactory().get("/aspirasi/"))


def test_a_429_without_retry_after_gets_the_default():
    assert _answer(429)["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_views_own_retry_after_is_kept_and_other_statuses_get_none():
    assert _answer(429, **{"Retry-After": "60"})["Retry-After"] == "60"
    assert not _answer(200).has_header("Retry-After")
