"""Counting reach without slowing pages, counting bots or keeping personal data.

A page view (a small beacon sent by the page's script after it loaded) or a short-link
click only computes a visitor digest and enqueues a task; the task (in the consumer)
drops repeats of the same visitor within REPEAT_WINDOW and bumps a number. The digest
is an HMAC of the day, the address and the browser string under the secret key: it
changes every day, lives only in the task queue and the cache until it expires, and is
never written to the database. Crawlers and link-preview fetchers (WhatsApp, Facebook,
Telegram fetch every shared link once to draw its card) are recognised by their
User-Agent and never counted; neither are prefetches and HEAD requests.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

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


def visitor_digest(request: HttpRequest) -> str:
    day = timezone.localdate().isoformat()
    message = f"{day}|{client_address(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    key = f"reach:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def count_once(kind: str, pk: int, visitor: str) -> bool:
    """Whether this visitor's hit on (kind, pk) is new within the window (and claim it)."""
    return cache.add(f"reach:seen:{kind}:{pk}:{visitor}", 1, timeout=REPEAT_WINDOW)


def forget(kind: str, pk: int, visitor: str) -> None:
    cache.delete(f"reach:seen:{kind}:{pk}:{visitor}")


def bump(model, pk: int, field: str) -> int:
    return model.objects.filter(pk=pk).update(**{field: F(field) + 1})
