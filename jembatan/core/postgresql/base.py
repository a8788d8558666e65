"""Django's PostgreSQL backend, whose connection health check asks the socket first.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a connection, so that a connection the server dropped (a restart, a
failover, an idle timeout) is replaced before the request uses it: a round trip to the
database and a statement for it to run on every request, a fifth of the statements of a
submitted aspiration. A server that ends a connection says so on its socket: PostgreSQL
sends the client an error ("terminating connection due to administrator command") and
closes it, on a fast or an immediate shutdown and when a backend is terminated, and the
kernel reports the socket readable from then on. An idle connection has nothing to read
otherwise. So the check first polls the socket without waiting: nothing to read, the
connection is as the server left it; anything at all (the goodbye, the closed socket, a
notice), and Django's ``SELECT 1`` decides as before.

What no poll sees (a server host that vanished without closing its sockets) fails the
first query of the request, which answers 503 (``core.middleware``); Django then finds
the connection unusable at the request's end (``close_if_unusable_or_obsolete``) and the
next request connects afresh, as it would have after a ``SELECT 1`` that timed out.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base


def nothing_to_read(connection: Any) -> bool:
    """Whether the server sent nothing on this idle connection (no goodbye, no close)."""
    try:
        if connection.closed or getattr(connection, "broken", False):
            return False
        descriptor = connection.fileno()
    except (psycopg.Error, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLPRI)  # errors and hangups too
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        wrapper: Any = self  # Django's attributes below are not in its type stubs
        if (
            self.connection is not None
            and wrapper.health_check_enabled
            and not wrapper.health_check_done
            and not wrapper.pool  # a pool checks its connections itself
            and nothing_to_read(self.connection)
        ):
            wrapper.health_check_done = True
            return
        super().close_if_health_check_failed()
