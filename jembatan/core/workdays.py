"""Working days: the calendar that legal deadlines are counted in.

Aspirations (answer within 5 working days, verification within 3) and public-information
requests under UU 14/2008 (10 working days, extendable by 7) count working days: Monday to
Friday, minus national holidays and cuti bersama (core.Holiday, loaded with
``manage.py load_holidays``) and minus the regional holidays of the kabupaten concerned.

Holidays are read one year range per query and kept in process memory for
``CACHE_SECONDS``, so that a list of 1,000 cases with deadlines costs one query, not
1,000. Saving or deleting a Holiday clears this process's copy at once; other processes
(gunicorn workers, the task consumer) see the change within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone

from jembatan.core.localcache import LocalCache
from jembatan.core.models import Holiday

CACHE_SECONDS = 60
# Past this many cached (year, kabupaten) entries everything is dropped: a bound on
# memory, not an eviction policy (a deployment touches a few years of a few kabupaten).
_MAX_ENTRIES = 2048

# A year's holidays (weekdays or not) by year.
_ByYear = dict[int, frozenset[date]]

# Functions naming the time zone of a region's kabupaten (the tenants app registers one).
_zone_sources: list[Callable[[str | None], tzinfo | None]] = []


def register_zone_source(source: Callable[[str | None], tzinfo | None]) -> None:
    """``source(region_code)`` gives the zone deadlines in that kabupaten are counted in,
    or None for the active one. Core knows no app: the tenants app registers itself."""
    if source not in _zone_sources:
        _zone_sources.append(source)


def zone_for(kabupaten_code: str | None) -> tzinfo:
    """The zone a date in ``kabupaten_code`` is read in (the active zone by default)."""
    if kabupaten_code:
        for source in _zone_sources:
            zone = source(kabupaten_code)
            if zone is not None:
                return zone
    return timezone.get_current_timezone()


def local_date(value: datetime | None = None, kabupaten_code: str | None = None) -> date:
    """The date of an aware datetime (now by default) in the zone of ``kabupaten_code``.

    Outside a request (tasks, commands) the active zone is the install's default, not the
    tenant's: code that knows the region of what it works on asks here, not
    ``timezone.localdate()``. Without a code (or a tenant for it) the active zone counts.
    """
    return timezone.localdate(value or timezone.now(), zone_for(kabupaten_code))


def local_time(value: datetime | None = None, kabupaten_code: str | None = None) -> datetime:
    """An aware datetime (now by default) in the zone of ``kabupaten_code``."""
    return timezone.localtime(value or timezone.now(), zone_for(kabupaten_code))


def format_local(value: datetime, kabupaten_code: str | None = None, fmt: str = "j F Y H.i") -> str:
    """A moment as people of ``kabupaten_code`` read it, with their zone named:
    ``7 Desember 2026 00.30 WITA``. For texts that leave the site (PDFs, mails, SMS)."""
    zone = zone_for(kabupaten_code)
    local = timezone.localtime(value, zone)
    return f"{formats.date_format(local, fmt)} {zone_abbreviation(zone, value)}"


# Indonesia's three zones by their UTC offset in hours (the names its law uses).
_ABBREVIATIONS = {7: "WIB", 8: "WITA", 9: "WIT"}


def zone_abbreviation(zone: tzinfo | str | None = None, when: datetime | None = None) -> str:
    """WIB, WITA or WIT for a zone of Indonesia (Asia/Pontianak is WIB, Asia/Makassar WITA,
    Asia/Jayapura WIT); elsewhere the zone's own abbreviation or its offset ("+0530").
    The active zone by default."""
    if zone is None:
        zone = timezone.get_current_timezone()
    elif isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    moment = (when or timezone.now()).astimezone(zone)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 3600 == 0:
        label = _ABBREVIATIONS.get(int(offset.total_seconds() // 3600))
        if label:
            return label
    name = moment.tzname() or ""
    return name if name.isalpha() else moment.strftime("%z")


# (year, kabupaten code or None) -> that year's holidays, kept CACHE_SECONDS.
_Key = tuple[int, str | None]
_cache: LocalCache[frozenset[date]] = LocalCache(seconds=CACHE_SECONDS, max_entries=_MAX_ENTRIES)


def clear_cache() -> None:
    """Forget the cached holidays (tests; Holiday changes do it through a signal)."""
    _cache.clear()


def holiday_changed(**kwargs: Any) -> None:
    """post_save/post_delete receiver for Holiday (connected in CoreConfig.ready)."""
    clear_cache()
    # A request in another thread may read the old rows before this transaction
    # commits and cache them again: forget them once more after the commit.
    transaction.on_commit(clear_cache, using=kwargs.get("using"))


def is_working_day(day: date, *, kabupaten_code: str | None = None) -> bool:
    """Whether a day is a working day (in the kabupaten, when its code is given).

    ``kabupaten_code`` may be the code of the kabupaten/kota or of any region within it
    (``61.07`` or ``61.07.04.2001``); without it only nationwide holidays count.
    """
    day = _as_date(day, kabupaten_code)
    kabupaten = _kabupaten_key(kabupaten_code)
    return _is_working_day(day, _holidays(day.year, day.year, kabupaten), kabupaten)


def add_working_days(
    start: date | datetime, days: int, *, kabupaten_code: str | None = None
) -> date:
    """The date that is ``days`` working days after ``start``.

    A start on a non-working day counts from the next working day, so ``days=0`` gives
    the first working day on or after ``start``. An aware datetime counts as its local
    date: in the time zone of the tenant serving ``kabupaten_code`` (a registered zone
    source), else the active time zone. A Friday plus 1 is the following Monday.
    """
    if days < 0:
        raise ValueError("days must not be negative.")
    day = _as_date(start, kabupaten_code)
    kabupaten = _kabupaten_key(kabupaten_code)
    # Enough calendar days for the usual case, so that one query serves the whole walk;
    # a longer walk (a year of holidays ahead) loads the next year when it gets there.
    horizon = day + timedelta(days=days * 7 // 5 + 60)
    off = _holidays(day.year, horizon.year, kabupaten)
    while not _is_working_day(day, off, kabupaten):
        day += timedelta(days=1)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if _is_working_day(day, off, kabupaten):
            remaining -= 1
    return day


def working_days_between(
    start: date | datetime, end: date | datetime, *, kabupaten_code: str | None = None
) -> int:
    """The number of working days after ``start`` up to and including ``end``.

    0 when ``end`` is on or before ``start``. For a working-day ``start``,
    ``working_days_between(start, add_working_days(start, n)) == n``.
    """
    first = _as_date(start, kabupaten_code)
    last = _as_date(end, kabupaten_code)
    if last <= first:
        return 0
    kabupaten = _kabupaten_key(kabupaten_code)
    off = _holidays(first.year, last.year, kabupaten)
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if _is_working_day(day, off, kabupaten):
            count += 1
    return count


def _is_working_day(day: date, off: _ByYear, kabupaten: str | None) -> bool:
    if day.weekday() >= 5:  # Saturday, Sunday
        return False
    dates = off.get(day.year)
    if dates is None:
        # Past the years loaded up front: fetch this one and keep it for the rest of the walk.
        off.update(_holidays(day.year, day.year, kabupaten))
        dates = off[day.year]
    return day not in dates


def _holidays(first_year: int, last_year: int, kabupaten: str | None) -> _ByYear:
    """The holidays of the years ``first_year..last_year``: cached ones, the rest in one query."""

    def load(missing: list[_Key]) -> dict[_Key, frozenset[date]]:
        years = [year for year, _kabupaten in missing]
        scope = Q(kabupaten__isnull=True)
        if kabupaten is not None:
            scope |= Q(kabupaten_id=kabupaten)
        rows = Holiday.objects.filter(
            scope, date__gte=date(years[0], 1, 1), date__lte=date(years[-1], 12, 31)
        ).values_list("date", flat=True)
        loaded: dict[int, set[date]] = {year: set() for year in years}
        for day in rows:
            loaded.setdefault(day.year, set()).add(day)
        return {(year, kabupaten): frozenset(dates) for year, dates in loaded.items()}

    keys = [(year, kabupaten) for year in range(first_year, last_year + 1)]
    return {year: dates for (year, _kabupaten), dates in _cache.get_many(keys, load).items()}


def _as_date(value: date | datetime, kabupaten_code: str | None = None) -> date:
    # datetime is a subclass of date: test for it first.
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValueError("Naive datetime: pass an aware datetime or a date.")
        return timezone.localdate(value, zone_for(kabupaten_code))
    if isinstance(value, date):
        return value
    raise TypeError(f"Expected a date or datetime, got {type(value).__name__}.")


def _kabupaten_key(code: str | None) -> str | None:
    """The kabupaten/kota code of a region code (``61.07.04.2001`` -> ``61.07``)."""
    if not code:
        return None
    parts = code.strip().split(".")
    if len(parts) < 2 or not all(part.isdigit() for part in parts):
        raise ValueError(f"Not the code of a kabupaten/kota or a region within one: {code!r}.")
    return ".".join(parts[:2])
