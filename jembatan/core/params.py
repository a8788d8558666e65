"""Query parameters parsed one way: a bad value is a clear, translated 400, never a 500.

Python's dates stop at year 1 and 9999, and a moment near either end overflows when it
is moved to UTC for the database; PostgreSQL refuses integers past 2**63 and NUL in text.
So years and moments are held to a range that a real filter can mean (1900-2100), page
numbers to a few digits, and anything else is refused with a message that names the
parameter. HTML views let ``BadParameter`` propagate (it is Django's ``BadRequest``, so
``core.views.bad_request`` renders the site's 400 page with the message); the API and
Open311 catch it and answer in their own error formats.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

MIN_YEAR = 1900
MAX_YEAR = 2100
# Far more pages than any list has; short enough that no database refuses the number.
MAX_PAGE_DIGITS = 9
MAX_ID = 2**31 - 1  # the largest value of an integer column on every database
SHOWN = 20
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


class BadParameter(BadRequest):
    """A query parameter that cannot be used; its message is shown to the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown(value: str) -> str:
    """The bad value as it may appear in a message: short, without control characters."""
    text = _UNPRINTABLE.sub("", value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def parse_year(value: str | None, *, name: str = "tahun") -> int | None:
    """A four-digit year between MIN_YEAR and MAX_YEAR; None when the parameter is empty."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdecimal() and len(text) == 4:
        year = int(text)
        if MIN_YEAR <= year <= MAX_YEAR:
            return year
    raise BadParameter(
        _("%(name)s “%(value)s” tidak valid: tulis tahun empat angka antara %(min)s dan %(max)s.")
        % {"name": name, "value": shown(text), "min": MIN_YEAR, "max": MAX_YEAR}
    )


def check_moment(moment: datetime.datetime, *, name: str) -> datetime.datetime:
    """``moment`` made aware (in the site's time zone) if it is within the years allowed."""
    if timezone.is_naive(moment):
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise _bad_moment(name)
        moment = timezone.make_aware(moment)
    # Compared in UTC: 9999-12-31T23:59:59-12:00 is a valid datetime that UTC cannot hold.
    # A day's slack either side, for the offsets of the first and last day.
    lowest = datetime.datetime(MIN_YEAR - 1, 12, 31, tzinfo=datetime.UTC)
    highest = datetime.datetime(MAX_YEAR + 1, 1, 2, tzinfo=datetime.UTC)
    try:
        within = lowest <= moment <= highest
    except OverflowError:
        within = False
    if not within:
        raise _bad_moment(name)
    return moment


def _bad_moment(name: str) -> BadParameter:
    return BadParameter(
        _("%(name)s harus antara tahun %(min)s dan %(max)s.")
        % {"name": name, "min": MIN_YEAR, "max": MAX_YEAR}
    )


def validate_moment(moment: datetime.datetime | None) -> None:
    """Form validator: the same years as query parameters, for date-times people type in
    (a post scheduled for 9999 would overflow the first time something adds to it)."""
    if moment is None:
        return
    try:
        check_moment(moment, name=_("Waktu"))
    except BadParameter as exc:
        raise ValidationError(exc.message, code="out_of_range") from exc


def parse_moment(value: str | None, *, name: str, end: bool = False) -> datetime.datetime | None:
    """An ISO 8601 datetime or date, made aware; a date means its whole day (its first
    moment, or with ``end`` its last). None when the parameter is empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        # A date first: parse_datetime would read "2026-01-31" as its midnight.
        day = parse_date(text)
        moment = None if day is not None else parse_datetime(text)
    except ValueError:  # well-formed but impossible: 2026-02-30, a +25:00 offset
        day = moment = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    if moment is None:
        raise BadParameter(
            _("%(name)s tidak valid: pakai format ISO 8601, misalnya %(example)s.")
            % {"name": name, "example": "2026-01-31T00:00:00+07:00"}
        )
    return check_moment(moment, name=name)


def parse_id(value: str | None, *, name: str) -> int | None:
    """A row's number (a filter by id): a positive integer a database column can hold;
    None when the parameter is empty."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdecimal() and len(text) <= 10 and 1 <= int(text) <= MAX_ID:
        return int(text)
    raise BadParameter(
        _("%(name)s “%(value)s” tidak valid: tulis nomor berupa bilangan bulat 1 atau lebih.")
        % {"name": name, "value": shown(text)}
    )


def parse_page_number(value: str | None, *, name: str = "halaman") -> int:
    """A page number: a positive integer of a few digits; 1 when the parameter is empty."""
    text = (value or "").strip()
    if not text:
        return 1
    if text.isascii() and text.isdecimal() and len(text) <= MAX_PAGE_DIGITS and int(text) >= 1:
        return int(text)
    raise BadParameter(
        _("%(name)s “%(value)s” tidak valid: tulis bilangan bulat 1 atau lebih.")
        % {"name": name, "value": shown(text)}
    )


def get_page(paginator: Paginator, value: str | None, *, name: str = "halaman") -> Page:
    """The page asked for on an HTML list: a number that is no page number is a 400; a
    page past the end shows the last page, as Paginator.get_page always has (a link kept
    from a longer list still lands somewhere useful)."""
    return paginator.get_page(parse_page_number(value, name=name))


# --- Text that no form means ------------------------------------------------------------

# Control characters other than tab and line breaks, DEL, and the noncharacters U+FFFE and
# U+FFFF: no keyboard types them; stored, they garble exports, mails and XML (which cannot
# carry them at all). Refused rather than stripped, so that the sender learns of it.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text or ""))


def urlencoded_is_utf8(body: bytes) -> bool:
    """Whether every name and value of an url-encoded body is UTF-8 once unquoted.

    Django reads bytes that are not UTF-8 as Latin-1 (raw ``\\xff\\xfe`` becomes "ÿþ") or
    as U+FFFD (``%FF%FE``): either way the text stored is not what was sent."""
    for pair in body.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True
