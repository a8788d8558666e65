"""The machine-readable value of a `<time datetime>` attribute.

Django's `date:'c'` keeps microseconds, which HTML does not allow (at most three digits of
a second); readers of the attribute need no more than the second anyway.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from jembatan.core.workdays import zone_abbreviation

register = template.Library()


@register.filter
def zone_abbr(value=None) -> str:
    """The abbreviation of the active zone (WIB, WITA, WIT) at a datetime, to print after
    a time: ``{{ when|time:"H.i" }} {{ when|zone_abbr }}``. Any other value: at this moment."""
    when = value if isinstance(value, datetime.datetime) and timezone.is_aware(value) else None
    return zone_abbreviation(None, when)


@register.filter
def datetime_attr(value) -> str:
    """ISO 8601 in the site's time zone, to the second: `2026-12-07T03:09:49+07:00`."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
