"""Aspirations on the workspace home: the case list, and what needs doing today.

The today queues, per role (the staff who act on that step):

- waiting for verification (``diterima``): Diskominfo (KIM pengurus do not verify: they
  flag a likely duplicate or spam);
- due today and overdue (verification or answer deadline): Diskominfo, the offices;
  overdue also for the camat (who watches the kecamatan) and the KIM pengurus;
- sent back by an office (``diverifikasi`` again, no office): Diskominfo;
- waiting for the office's first response (``didisposisikan``, not started): the offices
  and Diskominfo.

All counts come from one query over ``get_cases_for_user`` (tenant isolation), kept on
the user object for the request. They are shared (the same for every Diskominfo of a
kabupaten: ``jembatan.workspace.shared``): saving or deleting a case marks its kabupaten
changed (an office sending a case back saves the case too).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import get_roles_for_user
from jembatan.accounts.models import Role
from jembatan.aspirations.access import get_cases_for_user
from jembatan.aspirations.desk_list import OPEN, OPEN_STATUSES, sent_back
from jembatan.aspirations.models import ANSWER_STAGE, VERIFY_STAGE, Aspiration, Status
from jembatan.communities.access import get_kim_positions_for_user, is_pengurus_anywhere
from jembatan.core.registry import TODAY, TOOLS, Entry, track_changes, workspace_registry

OPEN_ANSWER = ANSWER_STAGE


def case_counts(user) -> dict[str, int]:
    """How many of the user's cases wait at each step today (one query)."""
    counts = getattr(user, "_workspace_case_counts", None)
    if counts is not None:
        return counts
    today = timezone.localdate()
    counts = (
        get_cases_for_user(user)
        # Every count is of open cases: the answered and closed ones (most of a kabupaten's
        # cases after a few years) are not read at all; (kabupaten, status) is indexed.
        .filter(status__in=OPEN_STATUSES)
        .annotate(was_returned=sent_back())
        .aggregate(
            # Received, or verified and waiting for its office (not one sent back).
            verify=Count(
                "pk",
                filter=Q(status=Status.RECEIVED)
                | Q(status=Status.VERIFIED, office__isnull=True, was_returned=False),
            ),
            due_today=Count(
                "pk",
                filter=Q(status__in=VERIFY_STAGE, verify_due=today)
                | Q(status__in=OPEN_ANSWER, answer_due=today),
            ),
            overdue=Count(
                "pk",
                filter=Q(status__in=VERIFY_STAGE, verify_due__lt=today)
                | Q(status__in=OPEN_ANSWER, answer_due__lt=today),
            ),
            returned=Count(
                "pk",
                filter=Q(status=Status.VERIFIED, office__isnull=True, was_returned=True),
            ),
            first_response=Count("pk", filter=Q(status=Status.DISPOSED)),
        )
    )
    user._workspace_case_counts = counts
    return counts


def _has(*roles: str):
    def visible(user) -> bool:
        return bool(get_roles_for_user(user) & {Role.OPERATOR, *roles})

    return visible


def _staff_or_pengurus(*roles: str):
    staff = _has(*roles)
    return lambda user: staff(user) or is_pengurus_anywhere(user)


def _count(name: str):
    return lambda user: case_counts(user)[name]


def _works_on_cases(user) -> bool:
    return bool(get_roles_for_user(user)) or bool(get_kim_positions_for_user(user))


workspace_registry.register(
    Entry(
        key="aspirations.queue",
        section=TOOLS,
        title=_("Aspirasi warga"),
        url="aspirations:manage_queue",
        order=40,
        visible=_works_on_cases,
    ),
    Entry(
        key="aspirations.verify",
        section=TODAY,
        title=_("Aspirasi menunggu verifikasi atau disposisi"),
        url="aspirations:manage_queue",
        query=f"status={OPEN}&instansi=tanpa",
        order=10,
        visible=_has(Role.KABUPATEN_ADMIN),
        count=_count("verify"),
        shared=True,
    ),
    Entry(
        key="aspirations.due_today",
        section=TODAY,
        title=_("Aspirasi jatuh tempo hari ini"),
        url="aspirations:manage_queue",
        query="tenggat=hari-ini",
        order=20,
        visible=_has(Role.KABUPATEN_ADMIN, Role.OPD_OFFICER),
        count=_count("due_today"),
        shared=True,
    ),
    Entry(
        key="aspirations.overdue",
        section=TODAY,
        title=_("Aspirasi melewati batas waktu"),
        url="aspirations:manage_queue",
        query="terlambat=1",
        order=30,
        visible=_staff_or_pengurus(Role.KABUPATEN_ADMIN, Role.OPD_OFFICER, Role.CAMAT),
        count=_count("overdue"),
        shared=True,
    ),
    Entry(
        key="aspirations.returned",
        section=TODAY,
        title=_("Aspirasi dikembalikan instansi"),
        help=_("Instansi menyatakan bukan urusannya: disposisikan ke instansi lain."),
        url="aspirations:manage_queue",
        query=f"status={Status.VERIFIED}&dikembalikan=1",
        order=40,
        visible=_has(Role.KABUPATEN_ADMIN),
        count=_count("returned"),
        shared=True,
    ),
    Entry(
        key="aspirations.first_response",
        section=TODAY,
        title=_("Aspirasi menunggu tanggapan pertama instansi"),
        url="aspirations:manage_queue",
        query=f"status={Status.DISPOSED}",
        order=50,
        visible=_has(Role.KABUPATEN_ADMIN, Role.OPD_OFFICER),
        count=_count("first_response"),
        shared=True,
    ),
)

track_changes(Aspiration, lambda case: case.kabupaten_id)
