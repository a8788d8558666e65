"""Turn what a villager typed into a region: one desa, a short list to choose from, or none.

People write "Desa Sebalo", "Kelurahan Sebalo", "sebalo bengkayang", "SEBALO",
"Sebalo, Kec. Bengkayang" or "Seballo", without picking a suggestion (no JavaScript, no
signal, or simply typed). Words such as Desa, Kel., Kec. or the kabupaten's name are not
part of the name; a kecamatan or kabupaten named after it narrows the choice.

Within a kabupaten (a few hundred names at most) the names are kept in each process's
memory (jembatan.core.localcache) and one small typo is forgiven. Without such a bound
(a picker over the whole country) the database answers exact names only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q

from jembatan.core.localcache import LocalCache
from jembatan.regions.models import Region

MAX_CHOICES = 6
MAX_WORDS = 8
# Written before or around a name, never part of the name people mean.
NOISE = frozenset(
    {"desa", "ds", "kelurahan", "kel", "kec", "kecamatan", "kab", "kabupaten", "kota", "prov"}
    | {"provinsi", "dsn", "dusun"}
)
# A typo is forgiven only in names long enough that one letter does not make another name.
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True)
class Place:
    code: str
    key: str  # the name's letters and digits, lower case, without spaces
    context: tuple[str, ...]  # ancestors' names, normalized, nearest first


@dataclass(frozen=True)
class Match:
    codes: tuple[str, ...]  # best first, at most MAX_CHOICES
    sure: bool  # one code and sure: take it; else the person chooses


NO_MATCH = Match(codes=(), sure=False)


def words(text: str) -> list[str]:
    """Letters and digits, lower case: Saba'u, Kec. Samalantan -> sabau kec samalantan."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", re.sub(r"['`]", "", text))[:MAX_WORDS]


def _key(parts: list[str]) -> str:
    return "".join(parts)


def _hint_key(parts: list[str]) -> str:
    return " ".join(w for w in parts if w not in NOISE)


def _context_names(region: Region) -> tuple[str, ...]:
    names = []
    node = region.parent
    while node is not None:
        names.append(_hint_key(words(node.name)))
        node = node.parent
    return tuple(n for n in names if n)


def _fits(context: tuple[str, ...], hint: str) -> bool:
    """Whether the words after the name are the names of the place's ancestors."""
    if not hint:
        return True
    rest = f" {hint} "
    for name in sorted(context, key=len, reverse=True):
        rest = rest.replace(f" {name} ", " ")
    return not rest.strip()


def _readings(text: str) -> Iterator[tuple[str, str]]:
    """(name key, hint) pairs: the longest name first, as typed, then without Desa, Kec. ..."""
    typed = words(text)
    cleaned = [w for w in typed if w not in NOISE]
    seen = set()
    for variant in (typed, cleaned):
        for end in range(len(variant), 0, -1):
            reading = (_key(variant[:end]), _hint_key(variant[end:]))
            if reading not in seen:
                seen.add(reading)
                yield reading


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most 1: one letter wrong, missing, extra or swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one letter wrong
        # two neighbouring letters swapped
        return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]  # one letter missing from a


_places: LocalCache[list[Place]] = LocalCache(seconds=300)


def places_within(*, level: int, within: str) -> list[Place]:
    """The regions of a level below an ancestor, in this process's memory for a while."""

    def load() -> list[Place]:
        regions = (
            Region.objects.filter(level=level)
            .within(within)
            .select_related("parent__parent__parent")
            .order_by("code")
        )
        return [Place(r.code, _key(words(r.name)), _context_names(r)) for r in regions]

    return _places.get((level, within), load)


def clear_cache(*args, **kwargs) -> None:
    _places.clear()


def _match_in(places: list[Place], text: str) -> Match:
    readings = list(_readings(text))
    for key, hint in readings:
        found = [p.code for p in places if p.key == key and _fits(p.context, hint)]
        if found:
            return Match(tuple(found[:MAX_CHOICES]), sure=len(found) == 1)
    for key, hint in readings:
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        found = [p.code for p in places if _within_one_edit(p.key, key) and _fits(p.context, hint)]
        if found:
            return Match(tuple(found[:MAX_CHOICES]), sure=len(found) == 1)
    # "Sungai Jaga" for Sungai Jaga A and B: offered, never taken on its own.
    for key, hint in readings:
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        found = [p.code for p in places if p.key.startswith(key) and _fits(p.context, hint)]
        if found and len(found) <= MAX_CHOICES:
            return Match(tuple(found), sure=False)
    return NO_MATCH


def _match_in_database(queryset, text: str) -> Match:
    """Exact names (Desa, Kec. and ancestors' names understood) among any regions."""
    typed = words(text)
    cleaned = [w for w in typed if w not in NOISE]
    seen = set()
    for variant in (typed, cleaned):
        for end in range(len(variant), 0, -1):
            name, hint = " ".join(variant[:end]), _hint_key(variant[end:])
            if (name, hint) in seen:
                continue
            seen.add((name, hint))
            # Names are stored with their own spacing and punctuation: compare loosely.
            rows = queryset.filter(
                Q(name__iexact=name) | Q(name__iexact=name.replace(" ", ""))
            ).select_related("parent__parent__parent")[:50]
            found = [r.code for r in rows if _fits(_context_names(r), hint)]
            if found:
                return Match(tuple(found[:MAX_CHOICES]), sure=len(found) == 1)
    return NO_MATCH


def region_match(text: str, *, queryset=None, level: int | None = None, within: str = "") -> Match:
    """What the text names among the regions of ``level`` below ``within`` (or ``queryset``).

    With a level and an ancestor at kabupaten level or below, the names come from memory
    and one typo is forgiven; else the database is asked for exact names.
    """
    if level is not None and within.count(".") >= 1:
        return _match_in(places_within(level=level, within=within), text)
    if queryset is None:
        queryset = Region.objects.all()
    return _match_in_database(queryset, text)
