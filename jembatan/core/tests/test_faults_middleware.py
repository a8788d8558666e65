"""The 503 page of DatabaseUnavailableMiddleware, on both databases.

The real broken connection is in test_faults_database.py (PostgreSQL only); here the
database errors are raised by a view and by a middleware, to check the page itself: its
language, headers, and that a failure below the middleware (the session, the user) gets it
too.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path


def _down(request):
    raise OperationalError("server closed the connection unexpectedly")


def _closed(request):
    raise InterfaceError("connection already closed")


def _fine(request):
    return HttpResponse("ok")


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("down/", _down, name="down"),
    path("closed/", _closed, name="closed"),
    path("fine/", _fine, name="fine"),
    path("broken/", _broken, name="broken"),
]


class SessionSaveFailsMiddleware:
    """Stands for SessionMiddleware saving a session on a dead database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path == "/fine/":
            raise OperationalError("could not connect to server")
        return response


# A request resolves its tenant from the host (jembatan.tenants): a database test.
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.mark.parametrize("url", ["/down/", "/closed/"])
def test_a_view_failing_on_the_database_gets_a_503_page(client, url, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Content-Security-Policy" in response.headers
    text = response.content.decode()
    assert "Layanan sedang tidak tersedia" in text
    assert "server closed" not in text and "Traceback" not in text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Database unavailable" in errors[0].getMessage()


def test_the_503_page_speaks_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/down/")
    assert response.status_code == 503
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_a_middleware_failing_on_the_database_gets_the_503_page_too(client):
    middleware = [*settings.MIDDLEWARE, f"{__name__}.SessionSaveFailsMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        client.raise_request_exception = False
        response = client.get("/fine/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Layanan sedang tidak tersedia" in response.content.decode()


def test_other_errors_stay_500(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
