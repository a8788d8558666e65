"""The database going away: a 503 page, no partial writes, recovery without a restart.

A real broken connection: Django talks to PostgreSQL through a small TCP proxy in this
process, which the test cuts (every open connection dropped, new ones refused) and
restores. SQLite has no server to lose: these tests run in the PostgreSQL leg only.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.models.signals import post_save
from django.test import RequestFactory

from jembatan.accounts.models import AuditLog
from jembatan.aspirations.models import Aspiration, CaseEvent, Category
from jembatan.core.models import TaskRecord
from jembatan.testing.factories import OfficeFactory, region_chain

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

SUBMIT = "/aspirasi/kirim/"


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the real server until cut; refuses while cut."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.up:
                client.close()  # the server is "gone": the connection drops at once
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self._closed = True
        self._listener.close()


@pytest.fixture
def proxy():
    """The default connection reconnects through a proxy in front of PostgreSQL."""
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    proxy = CuttableProxy((saved[0] or "127.0.0.1", int(saved[1] or 5432)))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        proxy.restore()
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
        proxy.close()


def wsgi_get(path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET through Django's real WSGI handler: its request_started/request_finished
    signals run close_old_connections (the health check) as under gunicorn, which the
    test client switches off."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    environ["wsgi.input"] = io.BytesIO(b"")
    status: list[str] = []
    headers: dict[str, str] = {}

    def start_response(line, header_list, exc_info=None):
        status.append(line)
        headers.update(header_list)

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()  # sends request_finished, as a WSGI server does
    return int(status[0].split()[0]), headers, body


def assert_503_page(status: int, headers, body: bytes) -> None:
    assert status == 503
    assert headers["Retry-After"] == "30"
    text = body.decode()
    assert "Layanan sedang tidak tersedia" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert "no-cache" in headers["Cache-Control"]


@pytest.fixture
def category():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    return Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)


def test_database_cut_in_the_middle_of_a_write_leaves_no_partial_rows(client, proxy, category):
    written = []

    def cut_after_first_insert(sender, instance, created, **kwargs):
        if created:
            written.append(instance.pk)
            proxy.cut()  # the aspiration row is written; its event and audit are not

    post_save.connect(cut_after_first_insert, sender=Aspiration, dispatch_uid="cut")
    try:
        response = client.post(
            SUBMIT,
            {
                "category": category.pk,
                "region": "61.07.04.1010",
                "description": "Lampu jalan di RT 04 mati sejak seminggu.",
                "reporter_name": "Siti Aminah",
                "reporter_email": "siti@example.test",
                "visibility": "anonim",
                "website": "",
            },
        )
    finally:
        post_save.disconnect(sender=Aspiration, dispatch_uid="cut")
    assert written  # the cut came after the aspiration's INSERT, mid-transaction
    assert_503_page(response.status_code, response.headers, response.content)

    proxy.restore()
    connection.close()  # this test's own next query, on a fresh connection
    assert Aspiration.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert AuditLog.objects.filter(action="aspiration.submit").count() == 0
    assert TaskRecord.objects.count() == 0  # no mail owed for a case that does not exist


def test_database_gone_gives_a_503_page_and_the_site_recovers_by_itself(proxy, category, caplog):
    status, _headers, _body = wsgi_get("/aspirasi/")
    assert status == 200  # through the proxy
    proxy.cut()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert_503_page(*wsgi_get("/aspirasi/"))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # logged once
    message = errors[0].getMessage()
    assert "Database unavailable" in message and "aspirations:list" in message
    assert not errors[0].exc_info  # no traceback in the log either
    assert_503_page(*wsgi_get("/aspirasi/kirim/"))
    status, _headers, body = wsgi_get("/healthz")
    assert status == 503 and b'"database"' in body

    proxy.restore()
    # No restart, no manual reconnect: the next requests find the database again
    # (Django's health check drops the broken connection at the start of a request).
    status, _headers, body = wsgi_get("/aspirasi/")
    assert status == 200 and b"Aspirasi" in body
    assert wsgi_get("/healthz")[0] == 200
