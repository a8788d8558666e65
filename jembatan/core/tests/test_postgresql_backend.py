"""The PostgreSQL backend's health check (jembatan.core.postgresql): a reused connection
costs no SELECT 1 at the start of a request, and one the server ended is replaced before
the request uses it, on a real server."""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from jembatan.core.postgresql.base import nothing_to_read

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """Every statement the driver sends from now on, Django's own health check included
    (it bypasses Django's query log)."""
    statements: list[str] = []
    real = psycopg.Cursor.execute

    def execute(self, query, params=None, **kwargs):
        statements.append(str(query))
        return real(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return statements


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def end_from_elsewhere(pid: int) -> None:
    """What a restart does to every connection: the server ends it (pg_terminate_backend
    sends the same FATAL goodbye as a fast shutdown), from a connection of its own."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # The backend is gone once it no longer shows among the server's processes.
        for _ in range(200):
            gone = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if gone == (0,):
                return
            other.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("the server did not end the connection")


def test_the_backend_is_ours_with_the_health_checks_on():
    assert settings.DATABASES["default"]["ENGINE"] == "jembatan.core.postgresql"
    assert connection.health_check_enabled


def test_a_reused_connection_sends_no_select_1(sent):
    backend_pid()
    close_old_connections()  # what request_started does
    sent.clear()
    with transaction.atomic():
        pid = backend_pid()
    assert sent == ["SELECT pg_backend_pid()"]
    close_old_connections()
    assert backend_pid() == pid  # the same connection, checked without a statement


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(sent):
    pid = backend_pid()
    end_from_elsewhere(pid)
    assert not nothing_to_read(connection.connection)  # the goodbye waits on the socket
    close_old_connections()  # the next request
    sent.clear()
    with transaction.atomic():  # the first statement of the request goes through
        new = backend_pid()
    assert new != pid
    assert sent[0] == "SELECT 1"  # Django's own check, asked because the socket spoke


def test_an_idle_healthy_connection_has_nothing_to_read():
    backend_pid()
    assert nothing_to_read(connection.connection)
