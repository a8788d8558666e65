"""One page of the desk's list, shared by every Diskominfo of a kabupaten, in the cache.

A user whose access is one or more whole kabupaten and nothing else
(``communities.access.whole_kabupaten_codes``: the Diskominfo there) is given the same
cases as every other such user of those kabupaten, so the same count, the same page of
rows (drawn by ``desk_rows``) and the same number of KIM flags waiting. They are worked
out once and kept in the cache for ``SHARED_SECONDS`` at most, by kabupaten, the list's
query (search, filters, sort, page), whether the rows have boxes and are ticked, the
language, the time zone and the date (today's in each kabupaten: what is late). Anyone
else (an office, a camat, a KIM member, an operator, or "ditangani oleh saya", which
names the user) reads the list afresh, as before.

A kept page is used only while none of its kabupaten was marked changed since it was
worked out (``core.registry``'s marks, the workspace's): saving or deleting a case, a KIM
flag, a category, an office, a region, or a user's name (who handles a case) marks the
kabupaten, so the next view reads afresh. The writes that send no signal either mark it
themselves (erasing a reporter's data) or show within ``SHARED_SECONDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_save, pre_delete
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.aspirations.desk_rows import DeskRow
from jembatan.aspirations.models import Aspiration, CaseFlag, Category
from jembatan.core.registry import kabupaten_changed, kept_while_unchanged, track_changes
from jembatan.core.workdays import local_date
from jembatan.regions.models import Region

SHARED_SECONDS = 60


@dataclass
class SharedPage:
    """What the list page shows that is the same for every user of the scope."""

    count: int
    number: int
    rows: list[DeskRow]
    flag_count: int


def _key(codes: tuple[str, ...], query: str, number: int, tickable: bool, ticked: bool) -> str:
    days = ",".join(local_date(None, code).isoformat() for code in codes)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return "desk:list:{}:{}:{}:{}:{}:{}{}:{}:{}".format(
        ",".join(codes),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        days,
        int(tickable),
        int(ticked),
        number,
        digest,
    )


def shared_page(
    codes: tuple[str, ...] | None,
    *,
    query: str,
    number: int,
    tickable: bool,
    ticked: bool,
    work_out: Callable[[], SharedPage],
) -> SharedPage:
    """The page ``work_out`` gives, kept for the scope ``codes`` (None: not shared, worked
    out every time)."""
    if codes is None:
        return work_out()

    def stored() -> tuple[int, int, list[tuple], int]:
        page = work_out()
        rows = [(r.pk, r.code, r.status, r.overdue, str(r.html)) for r in page.rows]
        return page.count, page.number, rows, page.flag_count

    count, shown, rows, flag_count = kept_while_unchanged(
        _key(codes, query, number, tickable, ticked), codes, stored, seconds=SHARED_SECONDS
    )
    return SharedPage(
        count=count,
        number=shown,
        rows=[
            DeskRow(pk=pk, code=code, status=status, overdue=overdue, html=mark_safe(html))  # noqa: S308 (drawn by desk_rows, escaped there)
            for pk, code, status, overdue, html in rows
        ],
        flag_count=flag_count,
    )


def _flag_kabupaten(flag: CaseFlag) -> str | None:
    return (
        Aspiration.objects.filter(pk=flag.aspiration_id)
        .values_list("kabupaten_id", flat=True)
        .first()
    )


def _user_renamed(
    sender: type, instance: User, update_fields: Any = None, created: bool = False, **kwargs: Any
) -> None:
    """A user's name, email or phone is how a case's officer is shown: mark the kabupaten
    where they may handle cases, and those of the cases they still handle (an officer who
    lost the role stays on the cases taken; deleting the user empties "ditangani oleh"
    there without a signal). A new user handles none yet; a sign-in, which saves only the
    last login, marks none."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    rows = Membership.objects.filter(
        user_id=instance.pk, role__in=[Role.KABUPATEN_ADMIN, Role.OPD_OFFICER]
    ).values_list("region_id", "office__kabupaten_id")
    codes = {office_kabupaten or region for region, office_kabupaten in rows}
    codes.update(
        Aspiration.objects.filter(assignee_id=instance.pk)
        .values_list("kabupaten_id", flat=True)
        .distinct()
    )
    for code in codes:
        kabupaten_changed(code)


def connect() -> None:
    """Mark a kabupaten changed when what its list shows is saved or deleted (apps.py)."""
    # Cases themselves are tracked by the workspace's today counts (aspirations.workspace).
    track_changes(CaseFlag, _flag_kabupaten)
    track_changes(Category, lambda category: category.kabupaten_id)
    track_changes(Office, lambda office: office.kabupaten_id)
    track_changes(Region, lambda region: region.code)
    post_save.connect(_user_renamed, sender=User, dispatch_uid="desk-shared-user-saved")
    # Before the delete, while the user's memberships still say where.
    pre_delete.connect(_user_renamed, sender=User, dispatch_uid="desk-shared-user-deleted")
