"""The kim.id feed fetch cannot be turned against the server's own network (attacker report
o2 S3): names are resolved once and must lead to public addresses, only ports 80/443,
redirects checked the same way, one time limit for the whole fetch, and messages that say
nothing about the network. The feeds are served by real HTTP servers on localhost; a
kim.id name leading to a private address is a test resolver standing in for DNS."""

from __future__ import annotations

import datetime
import socket
import ssl
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

import pytest
from django.urls import reverse

from jembatan.sites import kimid, services
from jembatan.sites.models import Post
from jembatan.testing import httpd

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>KIM</title>'
    "<item><title>Kerja bakti</title><guid>kimid-1</guid><description>Warga.</description>"
    "</item></channel></rss>"
)


class Server:
    """Answers each path from ``routes``: (status, headers, body), or "drip" (a feed sent
    one byte at a time); records each request's path and Host."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Host", "")))
                route = outer.routes.get(self.path, (404, {}, b""))
                if route == "drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    try:
                        for byte in RSS.encode()[:60]:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.05)
                    except OSError:
                        pass
                    return
                status, headers, body = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.daemon_threads = True
        self.server: HTTPServer = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        httpd.start(self.server)

    def close(self) -> None:
        httpd.stop(self.server)


@pytest.fixture
def server(settings):
    settings.KIMID_DOMAIN = "127.0.0.1"
    settings.KIMID_ALLOW_PRIVATE_ADDRESSES = True
    running = Server()
    settings.KIMID_FEED_PORTS = [80, 443, running.port]
    running.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, RSS.encode())
    yield running
    running.close()


def _resolver(monkeypatch, answers):
    """kim.id names resolved by this table (each call pops the next answer of a name);
    every call is counted. Other names resolve as usual."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            calls.append(host)
            ip = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sockaddr = (ip, port, 0, 0) if family == socket.AF_INET6 else (ip, port)
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
        "::",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "nonsense",
    ],
)
def test_addresses_off_the_public_internet_are_not_public(address):
    assert not kimid.public_address(address)


@pytest.mark.parametrize("address", ["103.10.20.30", "8.8.8.8", "2001:4860:4860::8888"])
def test_public_addresses_are_public(address):
    assert kimid.public_address(address)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "::1", "10.0.0.5", "169.254.169.254", "::ffff:127.0.0.1"]
)
def test_a_kimid_name_leading_to_a_private_address_is_not_fetched(
    server, settings, monkeypatch, address
):
    settings.KIMID_ALLOW_PRIVATE_ADDRESSES = False
    settings.KIMID_DOMAIN = "kim.id"
    _resolver(monkeypatch, {"evil.kim.id": [address]})
    with pytest.raises(kimid.FeedError) as caught:
        kimid.fetch(f"http://evil.kim.id:{server.port}/feed")
    assert str(caught.value) == "Alamat feed ini tidak diizinkan."
    assert server.requests == []


def test_the_local_server_itself_is_refused_without_the_test_setting(server, settings):
    settings.KIMID_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(kimid.FeedError, match="tidak diizinkan"):
        kimid.fetch(f"{server.base}/feed")
    settings.KIMID_DOMAIN = "localhost"  # a name, resolved: 127.0.0.1 / ::1
    with pytest.raises(kimid.FeedError, match="tidak diizinkan"):
        kimid.fetch(f"http://localhost:{server.port}/feed")
    assert server.requests == []
    settings.KIMID_ALLOW_PRIVATE_ADDRESSES = True
    assert b"Kerja bakti" in kimid.fetch(f"http://localhost:{server.port}/feed")


def test_ports_other_than_80_and_443_are_refused(server, settings):
    settings.KIMID_FEED_PORTS = [80, 443]
    with pytest.raises(kimid.FeedError, match="port"):
        kimid.fetch(f"{server.base}/feed")
    assert server.requests == []


def test_the_name_is_resolved_once_and_sent_as_host(server, settings, monkeypatch):
    # A second lookup would get an address where nothing listens (DNS rebinding).
    settings.KIMID_DOMAIN = "kim.id"
    calls = _resolver(monkeypatch, {"sebalo.kim.id": ["127.0.0.1", "127.0.0.2"]})
    assert b"Kerja bakti" in kimid.fetch(f"http://sebalo.kim.id:{server.port}/feed")
    assert calls == ["sebalo.kim.id"]
    assert server.requests == [("/feed", f"sebalo.kim.id:{server.port}")]


def test_a_redirect_is_followed_only_after_the_same_checks(server, settings):
    other = Server()
    try:
        other.routes["/feed"] = (200, {}, RSS.encode())
        server.routes["/lama"] = (301, {"Location": "/feed"}, b"")
        assert b"Kerja bakti" in kimid.fetch(f"{server.base}/lama")
        # To a port not allowed, to another domain, to a non-http scheme: refused.
        for target in (f"{other.base}/feed", "http://example.com/feed", "ftp://127.0.0.1/f"):
            server.routes["/pindah"] = (302, {"Location": target}, b"")
            with pytest.raises(kimid.FeedError):
                kimid.fetch(f"{server.base}/pindah")
        assert other.requests == []
        # Nor to a private address once the test setting is off.
        settings.KIMID_FEED_PORTS = [80, 443, server.port, other.port]
        settings.KIMID_ALLOW_PRIVATE_ADDRESSES = False
        with pytest.raises(kimid.FeedError, match="tidak diizinkan"):
            kimid.fetch(f"{other.base}/feed")
        assert other.requests == []
    finally:
        other.close()


def test_a_feed_dripping_slowly_is_cut_at_the_total_time_limit(server, settings):
    # Each byte comes well within the limit (0.05 s apart); the whole (3 s) does not.
    settings.KIMID_FEED_TIMEOUT = 0.2
    server.routes["/feed"] = "drip"
    started = time.monotonic()
    with pytest.raises(kimid.FeedError, match="terlalu lama"):
        kimid.fetch(f"{server.base}/feed")
    assert time.monotonic() - started < 1.2


def test_a_refused_connection_and_an_error_answer_read_the_same(server, settings):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    settings.KIMID_FEED_PORTS = [80, 443, server.port, port]
    server.routes["/feed"] = (400, {}, b"Bad request")
    messages = set()
    for url in (f"http://127.0.0.1:{port}/feed", f"{server.base}/feed"):
        with pytest.raises(kimid.FeedError) as caught:
            kimid.fetch(url)
        messages.add(str(caught.value))
    assert messages == {"Feed tidak dapat diambil dari situs kim.id; coba lagi nanti."}


def test_a_stored_address_the_fetch_refuses_is_a_message_not_a_500(server, two_tenants, client):
    kim = two_tenants.a.kim
    for url in (
        f"http://127.0.0.1:{server.port}\\@127.0.0.1/feed",
        f"http://127.0.0.1:{server.port}%23@127.0.0.1/feed",
        "ftp://127.0.0.1/feed",
        "http://[::1/feed",
    ):
        kim.kimid_feed_url = url
        kim.save(update_fields=["kimid_feed_url"])
        client.force_login(two_tenants.a.owner)
        response = client.post(
            reverse("sites:manage_kimid_import", kwargs={"kim": kim.slug}), follow=True
        )
        assert response.status_code == 200
        assert "tidak dapat diambil" in response.content.decode()
    assert server.requests == []
    assert not Post.objects.filter(kim=kim).exclude(kimid_guid="").exists()
    assert services.kim_feed_import(actor=None, kim=kim).error == "Alamat ini tidak sah."


def _self_signed(tmp_path):
    """A certificate for localhost that no authority signed: (cert file, key file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_https_sends_the_name_as_server_name_and_checks_the_certificate(
    server, settings, monkeypatch, tmp_path
):
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    settings.KIMID_DOMAIN = "kim.id"
    _resolver(monkeypatch, {"sebalo.kim.id": ["127.0.0.1"]})
    with pytest.raises(kimid.FeedError, match="tidak dapat diambil"):
        kimid.fetch(f"https://sebalo.kim.id:{server.port}/feed")
    # Connected to the address looked up, the TLS name is still the host's; an untrusted
    # certificate ends it before any request is sent.
    assert names == ["sebalo.kim.id"]
    assert server.requests == []
