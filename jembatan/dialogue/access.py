"""Who runs which consultations, polls and discussions, and who moderates where.

- Diskominfo (kabupaten admin) runs and moderates everything of their kabupaten;
  platform operators everywhere.
- An OPD officer runs the consultations and polls owned by their office.
- A KIM's pengurus opens discussions for their KIM; any active KIM member records
  paper ballots for polls of the KIM's kabupaten.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administered_kabupaten,
    administers_kabupaten,
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
    get_officer_office_ids_for_user,
    is_operator,
)
from jembatan.accounts.models import Office, Role
from jembatan.communities.access import get_member_kims_for_user
from jembatan.communities.models import Kim
from jembatan.dialogue.models import Consultation, Poll, Thread
from jembatan.regions.models import Region


@dataclass(frozen=True)
class Owner:
    """On whose behalf a consultation or poll is run: a kabupaten, and maybe an office."""

    kabupaten: Region
    office: Office | None = None

    @property
    def key(self) -> str:
        return f"{self.kabupaten.code}|{self.office.pk if self.office else ''}"

    @property
    def label(self) -> str:
        if self.office is not None:
            return f"{self.office.name} — {self.kabupaten.name}"
        return str(self.kabupaten.name)


def get_owners_for_user(user: AnyUser) -> list[Owner]:
    owners: dict[str, Owner] = {}
    for kabupaten in administered_kabupaten(user)[:50]:
        owner = Owner(kabupaten=kabupaten)
        owners.setdefault(owner.key, owner)
    for m in get_memberships_for_user(user):
        if m.role == Role.OPD_OFFICER and m.office is not None:
            owner = Owner(kabupaten=m.office.kabupaten, office=m.office)
            owners.setdefault(owner.key, owner)
    return list(owners.values())


def can_run_dialogue(user: AnyUser) -> bool:
    return bool(get_owners_for_user(user))


def _owned_q(user: AnyUser) -> Q:
    offices = get_officer_office_ids_for_user(user)
    return Q(kabupaten__in=get_administered_kabupaten_for_user(user)) | Q(office_id__in=offices)


def get_consultations_for_user(user: AnyUser) -> QuerySet[Consultation]:
    rows = Consultation.objects.select_related("kabupaten", "office")
    if not user.is_authenticated:
        return rows.none()
    if is_operator(user):
        return rows
    return rows.filter(_owned_q(user))


def get_consultation_for_user(user: AnyUser, pk: int) -> Consultation:
    row = get_consultations_for_user(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Konsultasi tidak ditemukan."))
    return row


def get_polls_for_user(user: AnyUser) -> QuerySet[Poll]:
    rows = Poll.objects.select_related("kabupaten", "office")
    if not user.is_authenticated:
        return rows.none()
    if is_operator(user):
        return rows
    return rows.filter(_owned_q(user))


def get_poll_for_user(user: AnyUser, pk: int) -> Poll:
    row = get_polls_for_user(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Jajak pendapat tidak ditemukan."))
    return row


# --- KIM side --------------------------------------------------------------------------


def get_ballot_kims_for_user(user: AnyUser, poll: Poll) -> QuerySet[Kim]:
    """KIMs of the poll's kabupaten in which the user may record paper ballots."""
    own = [k.pk for k in get_member_kims_for_user(user) if k.kabupaten_id == poll.kabupaten_id]
    return Kim.objects.filter(pk__in=own).select_related("region")


def get_ballot_polls_for_user(user: AnyUser) -> QuerySet[Poll]:
    """Open polls for which the user, a KIM member, may record paper ballots."""
    kabupaten = {k.kabupaten_id for k in get_member_kims_for_user(user)}
    now = timezone.now()
    return Poll.objects.filter(
        kabupaten_id__in=kabupaten, is_published=True, opens_at__lte=now, closes_at__gt=now
    )


# --- Discussions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Opener:
    """Where a user may open a discussion: a kabupaten as staff, or as one of its KIMs."""

    kabupaten: Region
    kim: Kim | None = None

    @property
    def key(self) -> str:
        return f"{self.kabupaten.code}|{self.kim.pk if self.kim else ''}"

    @property
    def label(self) -> str:
        return self.kim.name if self.kim is not None else str(self.kabupaten.name)


def get_openers_for_user(user: AnyUser) -> list[Opener]:
    openers: dict[str, Opener] = {}
    for owner in get_owners_for_user(user):
        opener = Opener(kabupaten=owner.kabupaten)
        openers.setdefault(opener.key, opener)
    for kim in get_member_kims_for_user(user, pengurus_only=True):
        opener = Opener(kabupaten=kim.kabupaten, kim=kim)
        openers.setdefault(opener.key, opener)
    return list(openers.values())


def get_threads_for_user(user: AnyUser) -> QuerySet[Thread]:
    """Threads the user may lock or unlock: staff of the kabupaten, or the opening KIM."""
    rows = Thread.objects.select_related("kabupaten", "kim")
    if not user.is_authenticated:
        return rows.none()
    if is_operator(user):
        return rows
    staff = [o.kabupaten.code for o in get_owners_for_user(user)]
    kims = [k.pk for k in get_member_kims_for_user(user, pengurus_only=True)]
    return rows.filter(Q(kabupaten_id__in=staff) | Q(kim_id__in=kims))


def get_thread_for_user(user: AnyUser, pk: int) -> Thread:
    row = get_threads_for_user(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Diskusi tidak ditemukan."))
    return row


# --- Moderation ------------------------------------------------------------------------


def get_moderated_kabupaten_for_user(user: AnyUser) -> QuerySet[Region]:
    return get_administered_kabupaten_for_user(user)


def can_moderate(user: AnyUser, kabupaten_code: str) -> bool:
    return administers_kabupaten(user, kabupaten_code)


def can_use_dialogue(user: AnyUser) -> bool:
    """Whether the workspace shows the dialogue button: staff who run or moderate it, and
    KIM members (discussions, paper ballots)."""
    return bool(get_owners_for_user(user)) or bool(get_member_kims_for_user(user))
