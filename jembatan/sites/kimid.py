"""Reading a KIM's kim.id feed (RSS 2.0 or Atom 1.0), parsed with defusedxml (no entities,
no external DTDs).

The fetch is made to be safe whatever a KIM types as its feed address (attacker report o2
S3): the address is parsed once, by the same function the KIM form uses
(``communities.models.kimid_address``: http(s) only, a kim.id host, ports 80/443); the name
is resolved once and every address it gives must be public (no loopback, private,
link-local, multicast, reserved or unspecified address, IPv4 or IPv6, nor one wrapped in an
IPv6 address); the connection goes to the address checked (no second lookup), sending the
name as Host and TLS server name; a redirect is followed only after the same checks; and
the whole fetch, slow answers included, ends at KIMID_FEED_TIMEOUT seconds. What staff see
says what to do, never what the network answered (one "tidak dapat diambil" for a refused
connection, a server error or an unexpected answer).

The import itself (posts written, errors recorded) is ``sites.services.kim_feed_import``.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jembatan.communities.models import KimidAddress, kimid_address

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class FeedError(Exception):
    """The feed could not be read; the message is shown to staff."""


@dataclass(frozen=True)
class Entry:
    guid: str
    link: str
    title: str
    summary: str
    body: str
    published: datetime.datetime | None


def _unreadable() -> FeedError:
    return FeedError(_("Feed tidak dapat diambil dari situs kim.id; coba lagi nanti."))


def _timed_out() -> FeedError:
    return FeedError(_("Situs kim.id terlalu lama menjawab; coba lagi nanti."))


def _not_found() -> FeedError:
    return FeedError(_("Feed tidak ditemukan di alamat ini; periksa alamat feed di profil KIM."))


def _refused() -> FeedError:
    return FeedError(_("Alamat feed ini tidak diizinkan."))


def public_address(value: str) -> bool:
    """Whether an IP address is one on the public internet: not loopback, private,
    shared (CGNAT), link-local, multicast, reserved or unspecified, nor an IPv6 address
    wrapping such an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        candidates += [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
        candidates += list(address.teredo or ())
        if any(address in network for network in NAT64):
            candidates.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(
        a.is_global
        and not (
            a.is_private
            or a.is_loopback
            or a.is_link_local
            or a.is_multicast
            or a.is_reserved
            or a.is_unspecified
        )
        for a in candidates
    )


class _Deadline:
    """The time left of the whole fetch; a watchdog shuts a socket down when it is up, so
    that no answer, however slowly it drips, holds a worker longer."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise _timed_out()
        return remaining


class _Watchdog:
    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._handle = sock.dup()  # the same connection, whatever wraps the original
        self._lock = threading.Lock()
        self._done = False
        self._deadline = deadline
        self._timer = threading.Timer(max(deadline.end - time.monotonic(), 0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._deadline.expired = True
            with contextlib.suppress(OSError):
                self._handle.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with self._lock:
            self._done = True
            self._timer.cancel()
            self._handle.close()


def _resolve(address: KimidAddress, deadline: _Deadline) -> list[tuple]:
    """The addresses the host name has, each checked, looked up once within the deadline."""
    found: dict[str, list[tuple] | Exception] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(
                address.host, address.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(deadline.left())
    if worker.is_alive():
        raise _timed_out()
    infos = found.get("infos")
    if not isinstance(infos, list) or not infos:
        raise _not_found()
    if not settings.KIMID_ALLOW_PRIVATE_ADDRESSES and not all(
        public_address(info[4][0]) for info in infos
    ):
        raise _refused()
    return infos


def _connect(infos: list[tuple], deadline: _Deadline) -> socket.socket:
    """A connection to one of the addresses checked (never a new lookup of the name)."""
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.left())
            sock.connect(sockaddr)
            return sock
        except FeedError:
            sock.close()
            raise
        except OSError:
            sock.close()
            if deadline.expired or time.monotonic() >= deadline.end:
                raise _timed_out() from None
    raise _unreadable()


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP over a socket already connected to the checked address; Host is the name."""

    def __init__(self, address: KimidAddress, sock: socket.socket, timeout: float) -> None:
        super().__init__(address.host, address.port, timeout=timeout)
        self.default_port = 443 if address.scheme == "https" else 80
        self.sock = sock

    def connect(self) -> None:  # pragma: no cover (the socket is given, never reopened)
        raise http.client.NotConnected()


def _get(address: KimidAddress, deadline: _Deadline) -> tuple[int, str, bytes]:
    """(status, Location, body) of one GET of the address."""
    infos = _resolve(address, deadline)
    sock = _connect(infos, deadline)
    watchdog = _Watchdog(sock, deadline)
    connection = None
    limit = settings.KIMID_FEED_MAX_BYTES
    try:
        if address.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=address.host)
        connection = _PinnedConnection(address, sock, deadline.left())
        connection.request(
            "GET",
            address.target,
            headers={
                "User-Agent": "Jembatan feed import",
                "Accept": "application/atom+xml, application/rss+xml, application/xml, text/xml",
            },
        )
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location") or "", b""
        length = response.getheader("Content-Length") or ""
        if length.isdigit() and int(length) > limit:
            raise FeedError(
                _("Feed lebih besar dari %(kb)s KB; tidak diambil.") % {"kb": limit // 1024}
            )
        data = response.read(limit + 1)
    except FeedError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # A socket timeout can come a moment before the watchdog marks the deadline: it
        # is the same slowness, so it says the same thing.
        if deadline.expired or isinstance(exc, TimeoutError) or time.monotonic() >= deadline.end:
            raise _timed_out() from exc
        raise _unreadable() from exc
    finally:
        watchdog.stop()
        if connection is not None:
            connection.close()
        sock.close()
    if deadline.expired:  # cut at the limit: what came is not the whole feed
        raise _timed_out()
    if len(data) > limit:
        raise FeedError(
            _("Feed lebih besar dari %(kb)s KB; tidak diambil.") % {"kb": limit // 1024}
        )
    return 200, "", data


def fetch(url: str) -> bytes:
    """The feed's bytes, or FeedError (an address refused, not found, unreadable, too slow
    in all, too big): see the module's docstring for the checks."""
    deadline = _Deadline(settings.KIMID_FEED_TIMEOUT)
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            address = kimid_address(url)
        except ValidationError as exc:
            raise FeedError(" ".join(exc.messages)) from None
        status, location, data = _get(address, deadline)
        if status == 200:
            return data
        if status in REDIRECTS and location:
            url = urljoin(address.url, location)
            continue
        if status in (404, 410):
            raise _not_found()
        raise _unreadable()
    raise _unreadable()


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(value: str) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)  # Atom: RFC 3339
    if moment is None:
        try:
            moment = email.utils.parsedate_to_datetime(value)  # RSS: RFC 822
        except (TypeError, ValueError):
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _atom_link(entry: Element) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


def _atom_entries(root: Element) -> list[Entry]:
    entries = []
    for item in root.findall(f"{ATOM}entry"):
        link = _atom_link(item)
        content = item.find(f"{ATOM}content")
        summary = _text(item.find(f"{ATOM}summary"))
        entries.append(
            Entry(
                guid=_text(item.find(f"{ATOM}id")) or link,
                link=link,
                title=_text(item.find(f"{ATOM}title")),
                summary=summary,
                body=_text(content) or summary,
                published=_date(
                    _text(item.find(f"{ATOM}published")) or _text(item.find(f"{ATOM}updated"))
                ),
            )
        )
    return entries


def _rss_entries(root: Element) -> list[Entry]:
    entries = []
    for item in root.iter("item"):
        link = _text(item.find("link"))
        description = _text(item.find("description"))
        entries.append(
            Entry(
                guid=_text(item.find("guid")) or link,
                link=link,
                title=_text(item.find("title")),
                summary=description,
                body=_text(item.find(CONTENT)) or description,
                published=_date(_text(item.find("pubDate"))),
            )
        )
    return entries


def parse(data: bytes) -> list[Entry]:
    """The feed's entries with an id and a title, newest first as the feed lists them."""
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise FeedError(_("Isi feed bukan RSS atau Atom yang sah.")) from exc
    if root.tag == f"{ATOM}feed":
        entries = _atom_entries(root)
    elif root.tag == "rss" or root.tag.endswith("RDF"):
        entries = _rss_entries(root)
    else:
        raise FeedError(_("Isi feed bukan RSS atau Atom yang sah."))
    kept = [e for e in entries if e.guid and e.title]
    return kept[: settings.KIMID_FEED_MAX_ENTRIES]
