"""Reading a KIM's kim.id feed (RSS 2.0 or Atom 1.0): fetched with a timeout and a size
limit from the kim.id domain only, parsed with defusedxml (no entities, no external DTDs).

The import itself (posts written, errors recorded) is ``sites.services.kim_feed_import``.
"""

from __future__ import annotations

import datetime
import email.utils
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jembatan.communities.models import on_kimid

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


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


class _KimidOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another address on the kim.id domain."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not on_kimid(newurl):
            raise FeedError(
                _("Feed dialihkan ke luar %(domain)s.") % {"domain": settings.KIMID_DOMAIN}
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_error_message(exc: Exception) -> str:
    """A translated, non-technical reason for a failed fetch."""
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in (404, 410):
            return _("Feed tidak ditemukan di kim.id. Periksa alamat feed-nya.")
        if exc.code in (401, 403):
            return _("Situs kim.id menolak memberikan feed ini.")
        if exc.code >= 500:
            return _("Situs kim.id sedang bermasalah. Coba lagi nanti.")
        return _("Situs kim.id tidak memberikan feed ini. Periksa alamat feed-nya.")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return _("Situs kim.id tidak menjawab tepat waktu. Coba lagi nanti.")
    if isinstance(reason, socket.gaierror):
        return _("Alamat situs kim.id tidak dikenal. Periksa alamat feed-nya.")
    if isinstance(reason, ValueError):
        return _("Alamat feed tidak sah. Periksa alamat feed-nya.")
    return _("Situs kim.id tidak dapat dihubungi. Coba lagi nanti.")


def fetch(url: str) -> bytes:
    """The feed's bytes, or FeedError (not on kim.id, unreachable, too slow, too big)."""
    if not url.startswith(("https://", "http://")) or not on_kimid(url):
        raise FeedError(
            _("Alamat feed harus berada di %(domain)s.") % {"domain": settings.KIMID_DOMAIN}
        )
    opener = urllib.request.build_opener(_KimidOnly)
    request = urllib.request.Request(  # noqa: S310 (http/https on the kim.id domain, checked above)
        url,
        headers={
            "User-Agent": "Jembatan feed import",
            "Accept": "application/atom+xml, application/rss+xml, application/xml, text/xml",
        },
    )
    limit = settings.KIMID_FEED_MAX_BYTES
    try:
        with opener.open(request, timeout=settings.KIMID_FEED_TIMEOUT) as response:
            data = response.read(limit + 1)
    except (OSError, ValueError) as exc:  # HTTPError, URLError, timeouts, refused, bad URL
        # Staff see a plain reason; the technical one goes to the log only.
        logger.warning("kim.id feed %s not fetched: %r", url, exc)
        raise FeedError(_fetch_error_message(exc)) from exc
    if len(data) > limit:
        raise FeedError(
            _("Feed lebih besar dari %(kb)s KB; tidak diambil.") % {"kb": limit // 1024}
        )
    return data


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
