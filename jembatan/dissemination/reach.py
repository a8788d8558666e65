"""Counting reach without slowing pages, counting bots or keeping personal data.

A page view (a small beacon sent by the page's script after it loaded) or a short-link
click only computes a visitor digest and enqueues a task; the task (in the consumer)
drops repeats of the same visitor within REPEAT_WINDOW and bumps a number. So each item
(or KIM delivery, or share link) counts at most one view or click per client address
per REPEAT_WINDOW, whatever the browser string says: one machine rotating its
User-Agent counted a hundred views in seconds when the digest included it. Phones
behind one shared address (a village's mobile carrier) count as one per half hour; an
undercount is the price of numbers that cannot be inflated.

The digest is an HMAC of the address (its /64 network for IPv6, which one machine
holds whole) under the secret key: it lives only in the task queue and in a cache key
that expires after REPEAT_WINDOW, and is never written to the database. Crawlers and
link-preview fetchers (WhatsApp, Facebook, Telegram fetch every shared link once to draw
its card) are recognised by their User-Agent and never counted; neither are prefetches
and HEAD requests.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest

from jembatan.core.ratelimit import client_address

REPEAT_WINDOW = 30 * 60  # seconds: a reload within half an hour is the same view

BOTS = re.compile(
    r"bot|crawl|spider|slurp|scrape|preview|facebookexternalhit|facebookcatalog|"
    r"whatsapp|telegram|twitter|skype|discord|slack|linkedin|pinterest|embedly|"
    r"curl|wget|python|httpclient|okhttp|go-http|java/|libwww|headless|lighthouse|"
    r"pingdom|uptime|monitor|feedfetcher|checker|validator|archive",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or BOTS.search(agent):
        return True
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE", "")
    return "prefetch" in purpose.lower() or request.method == "HEAD"


def from_own_page(request: HttpRequest) -> bool:
    """Whether a beacon was sent by one of this site's own pages.

    Browsers say so in Sec-Fetch-Site. Without it (older browsers, or no browser at all)
    the origin is unknown, never taken as ours: then the Origin header, which browsers
    put on every beacon, must name this host; a request with neither is not counted."""
    site = request.META.get("HTTP_SEC_FETCH_SITE", "")
    if site:
        return site == "same-origin"
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin or origin == "null":
        return False
    # The host alone: behind a proxy that ends TLS the scheme seen here may differ.
    return urlsplit(origin).netloc == request.get_host()


def _address_key(address: str) -> str:
    """The address a visitor is counted by: an IPv6 client gets a whole /64 (its privacy
    addresses change at will), an IPv4-mapped address is the IPv4 one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def visitor_digest(request: HttpRequest) -> str:
    """The client address, keyed and hashed: never the browser string (see the module)."""
    key = f"reach:{settings.SECRET_KEY}".encode()
    message = _address_key(client_address(request)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def count_once(kind: str, pk: int, visitor: str) -> bool:
    """Whether this visitor's hit on (kind, pk) is new within the window (and claim it)."""
    return cache.add(f"reach:seen:{kind}:{pk}:{visitor}", 1, timeout=REPEAT_WINDOW)


def forget(kind: str, pk: int, visitor: str) -> None:
    cache.delete(f"reach:seen:{kind}:{pk}:{visitor}")


def bump(model, pk: int, field: str) -> int:
    return model.objects.filter(pk=pk).update(**{field: F(field) + 1})
