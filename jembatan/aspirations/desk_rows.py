"""The cases of one page of the staff desk's list, drawn.

The page is chosen on the case table alone (desk_list: ``cases().values_list("pk")``, in
the list's order): sorting tens of thousands of joined rows to keep thirty is what made
the list slow with 100,000 cases. The thirty are then read here with what the list shows
of them, as plain values (one query, no model instances), and each is drawn as one piece
of HTML: the labels, the link, the dates and each kabupaten's "today" are worked out once
per page. Drawn by the template engine, thirty rows of some twenty values each took more
time than everything else the page does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from jembatan.aspirations.desk_list import case_link
from jembatan.aspirations.forms import STAFF_VISIBILITY
from jembatan.aspirations.models import (
    ANSWER_STAGE,
    VERIFY_STAGE,
    Aspiration,
    Status,
    display_code,
)
from jembatan.core.workdays import local_date

# What the list shows of a case.
ROW_FIELDS = (
    "pk",
    "code",
    "status",
    "channel",
    "report_type",
    "visibility",
    "description",
    "created_at",
    "updated_at",
    "kabupaten_id",
    "verify_due",
    "answer_due",
    "category__name",
    "region__name",
    "region__parent__name",
    "office__name",
    "office__short_name",
    "assignee_id",
    "assignee__full_name",
    "assignee__email",
    "assignee__phone",
)
LINK_PLACEHOLDER = "KODEKASUS"


@dataclass(slots=True)
class DeskRow:
    """One case of the page: what tests and the template may ask of it, and its HTML."""

    pk: int
    code: str
    status: str
    overdue: bool
    html: SafeString

    def __str__(self) -> str:
        return self.html


def first_words(text: str, count: int) -> str:
    """As the template filter ``truncatewords`` (Truncator.words): the first ``count``
    words, whitespace made single spaces, " …" after a cut."""
    words = text.split()
    cut = " ".join(words[:count])
    if len(words) <= count or cut.endswith(" …"):
        return cut
    return f"{cut} …"


@lru_cache(maxsize=16)
def _short_months(language: str | None) -> tuple[str, ...]:
    """The month abbreviations of the date filter's "M" ("Des"), per language."""
    return ("", *(str(MONTHS_3[m]).title() for m in range(1, 13)))


def page_rows(
    ids: list[int], *, kabupaten: list[str] | None, daftar: str, tickable: bool, ticked: bool
) -> list[DeskRow]:
    """The cases ``ids`` (one page of the list, in its order, as DeskList.cases() gave
    them) as the list shows them; ``kabupaten``: the user's (None for an operator);
    ``tickable``: each with a box for the bulk actions, ``ticked``: every box ticked."""
    # The ids are the page of get_cases_for_user's list, read a moment ago in this
    # request: its access rule chose them and is not compiled a second time here (the
    # most costly part of this query). The kabupaten, implied, are said outright: without
    # them PostgreSQL reads every category and office to join thirty cases.
    rows = Aspiration.objects.filter(pk__in=ids)
    if kabupaten is not None:
        rows = rows.filter(kabupaten_id__in=kabupaten)
    found = {row["pk"]: row for row in rows.order_by().values(*ROW_FIELDS)}
    draw = _Drawing(daftar, tickable=tickable, ticked=ticked)
    return [draw.row(found[pk]) for pk in ids if pk in found]


class _Drawing:
    """What every row of a page shares, worked out once."""

    def __init__(self, daftar: str, *, tickable: bool, ticked: bool) -> None:
        self.statuses = {value: escape(str(label)) for value, label in Status.choices}
        self.channels = {value: escape(str(label)) for value, label in Aspiration.Channel.choices}
        self.report_types = {
            value: escape(str(label)) for value, label in Aspiration.ReportType.choices
        }
        self.visibility = {value: escape(str(label)) for value, label in STAFF_VISIBILITY.items()}
        self.months = _short_months(get_language())
        # One reversal for the page: every case's link differs only by its code.
        self.link = escape(case_link(LINK_PLACEHOLDER, daftar=daftar))
        self.today: dict[str, datetime.date] = {}
        self.zone = timezone.get_current_timezone()  # the page's, as templates show times
        self.tickable = tickable
        self.checked = " checked" if ticked else ""
        self.tick_label = gettext("Centang %(code)s")
        self.badge = f' <span class="badge">{escape(gettext("lewat batas waktu"))}</span>'
        self.overdue_due = gettext("lewat batas %(date)s")
        self.running_due = gettext("batas %(date)s")
        self.handled_by = gettext("Ditangani oleh %(name)s")

    def day(self, value: datetime.date) -> str:
        """As the template filter ``date:"j M Y"``."""
        return f"{value.day} {self.months[value.month]} {value.year}"

    def today_in(self, kabupaten: str) -> datetime.date:
        today = self.today.get(kabupaten)
        if today is None:
            today = self.today[kabupaten] = local_date(None, kabupaten)
        return today

    def row(self, r: dict) -> DeskRow:
        code, status = r["code"], r["status"]
        due = (
            r["verify_due"]
            if status in VERIFY_STAGE
            else r["answer_due"]
            if status in ANSWER_STAGE
            else None
        )
        # Late by the date of the case's own kabupaten, as Aspiration.is_overdue.
        overdue = due is not None and due < self.today_in(r["kabupaten_id"])
        display = display_code(code)
        tick = label = ""
        if self.tickable:
            updated = r["updated_at"]  # services.case_version
            version = str(int(updated.timestamp() * 1_000_000)) if updated else ""
            tick = (
                f'<input type="checkbox" name="kasus" value="{code}.{version}" id="k-{code}"'
                f"{self.checked}>"
            )
            label = (
                f'<label for="k-{code}" class="visually-hidden">'
                f"{escape(self.tick_label % {'code': display})}</label>"
            )
        place = escape(r["region__name"])
        if r["region__parent__name"]:
            place = f"{place}, {escape(r['region__parent__name'])}"
        heading = (
            f'{label}<a href="{self.link.replace(LINK_PLACEHOLDER, code, 1)}">'
            f"<strong>{display}</strong> · {escape(r['category__name'])} · {place}</a> "
            f'<span class="pill{" on" if status == Status.DONE else ""}">'
            f"{self.statuses.get(status) or escape(status)}</span>"
            f"{self.badge if overdue else ''}"
        )
        received = r["created_at"].astimezone(self.zone)
        facts = [
            f"{self.day(received)} {received.hour:02d}:{received.minute:02d}",
            self.report_types.get(r["report_type"]) or escape(r["report_type"]),
            self.channels.get(r["channel"]) or escape(r["channel"]),
            self.visibility[r["visibility"]],
        ]
        if due is not None:
            text = escape(
                (self.overdue_due if overdue else self.running_due) % {"date": self.day(due)}
            )
            facts.append(f"<strong>{text}</strong>" if overdue else text)
        office = r["office__short_name"] or r["office__name"]  # Office.__str__
        if office:
            facts.append(escape(office))
        if r["assignee_id"] is not None:
            name = (  # User.__str__
                r["assignee__full_name"]
                or r["assignee__email"]
                or r["assignee__phone"]
                or str(r["assignee_id"])
            )
            facts.append(escape(self.handled_by % {"name": name}))
        description = escape(first_words(r["description"], 25))
        html = (
            f"<li>{tick}<div><p>{heading}</p><p>{description}</p>"
            f'<p class="muted small">{" · ".join(facts)}</p></div></li>'
        )
        # Every text from the database or a translation went through escape() above
        # (the standard library's, which Django's escape calls); codes and versions are
        # letters and digits only.
        safe = mark_safe(html)  # noqa: S308
        return DeskRow(pk=r["pk"], code=code, status=status, overdue=overdue, html=safe)
