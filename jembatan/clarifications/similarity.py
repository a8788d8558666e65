"""Is this rumour already answered? A plain word comparison, the same on SQLite and
PostgreSQL: the report's words against each published clarification's title and claim,
and the report's link against the links of the clarification's sources and of the
reports already pointed to it.

Short function words are left out; two texts are alike when enough of the shorter one's
words are in the other (``CLARIFICATION_SIMILAR_PERCENT``, at least
``CLARIFICATION_SIMILAR_MIN_WORDS`` words in common). Only the most recent
``CANDIDATES`` answers are compared: rumours come back while they are fresh.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

from jembatan.clarifications.models import Clarification, RumourReport

CANDIDATES = 500
LIMIT = 5
WORD = re.compile(r"[0-9a-zà-ÿ]+")
_STOPWORDS = """yang dan di ke dari untuk dengan pada ini itu atau akan ada tidak juga sudah
telah oleh karena dalam para bagi agar bisa dapat kita kami kalian mereka anda saya dia ia
jadi lagi saja masih hanya bahwa adalah sebagai seperti tentang kepada hingga sampai
the and for with this that from are was"""
STOPWORDS = frozenset(_STOPWORDS.split())


def words(text: str) -> set[str]:
    return {w for w in WORD.findall((text or "").lower()) if len(w) > 2 and w not in STOPWORDS}


def normalized_link(url: str) -> str:
    """The link without scheme, "www.", query order, fragment or trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return ""
    path = parts.path.rstrip("/")
    query = "&".join(sorted(p for p in parts.query.split("&") if p))
    return f"{host}{path}" + (f"?{query}" if query else "")


def alike(a: set[str], b: set[str]) -> bool:
    common = len(a & b)
    if common < settings.CLARIFICATION_SIMILAR_MIN_WORDS:
        return False
    return common * 100 >= settings.CLARIFICATION_SIMILAR_PERCENT * min(len(a), len(b))


def similar_clarifications(
    *, kabupaten_code: str, text: str, link: str = "", exclude: int | None = None
) -> list[Clarification]:
    """Published clarifications of the kabupaten that answer this text or link, best
    first (a same link before shared words)."""
    rows = Clarification.objects.filter(
        kabupaten_id=kabupaten_code, status=Clarification.Status.PUBLISHED
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    candidates = list(rows.order_by("-published_at")[:CANDIDATES])
    if not candidates:
        return []
    wanted_link = normalized_link(link)
    same_link: set[int] = set()
    if wanted_link:
        for c in candidates:
            if any(normalized_link(url) == wanted_link for _name, url in c.source_list()):
                same_link.add(c.pk)
        reported = RumourReport.objects.filter(
            clarification__in=candidates, link__icontains=wanted_link.split("/")[0]
        ).values_list("clarification_id", "link")
        same_link |= {pk for pk, url in reported if normalized_link(url) == wanted_link}
    mine = words(text)
    scored = []
    for c in candidates:
        if c.pk in same_link:
            scored.append((2.0, c))
            continue
        theirs = words(f"{c.title} {c.claim}")
        if mine and theirs and alike(mine, theirs):
            scored.append((len(mine & theirs) / min(len(mine), len(theirs)), c))
    scored.sort(key=lambda pair: -pair[0])
    return [c for _score, c in scored[:LIMIT]]
