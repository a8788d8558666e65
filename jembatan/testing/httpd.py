"""Small HTTP servers the tests start in a thread of their own (a feed, a gateway, a DSN).

``socketserver`` checks for ``shutdown()`` once per poll interval, half a second by
default: a test that stops its server at the end would wait that out every time. These
servers poll more often, so that stopping one takes a few milliseconds; the requests
themselves are answered as they come, whatever the interval.
"""

from __future__ import annotations

import socketserver
import threading

POLL_SECONDS = 0.01


def start(server: socketserver.BaseServer) -> threading.Thread:
    """Serves ``server`` in a daemon thread until ``stop(server)``."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    return thread


def stop(server: socketserver.BaseServer) -> None:
    """Stops serving (within a poll interval) and closes the listening socket."""
    server.shutdown()
    server.server_close()
