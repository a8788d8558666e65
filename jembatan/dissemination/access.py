"""Who may publish information where, and who sees which items and inboxes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    get_memberships_for_user,
    get_officer_office_ids_for_user,
    is_operator,
    region_scope_q,
    supervised_regions,
)
from jembatan.accounts.models import Office, Role
from jembatan.communities.models import Kim
from jembatan.dissemination.models import Delivery, Feedback, InfoItem
from jembatan.regions.models import Region
from jembatan.sites.access import get_writable_kim_for_user


@dataclass(frozen=True)
class Area:
    """Where a user may publish: a region (kabupaten or kecamatan), or None for national."""

    region: Region | None
    office: Office | None = None

    @property
    def key(self) -> str:
        return f"{self.region.code if self.region else ''}|{self.office.pk if self.office else ''}"

    @property
    def label(self) -> str:
        place = self.region.name if self.region else _("Seluruh Indonesia")
        return f"{self.office.name} — {place}" if self.office else str(place)

    def contains(self, region: Region) -> bool:
        if self.region is None:
            return True
        return region.code == self.region.code or region.code.startswith(f"{self.region.code}.")


def get_publishing_areas_for_user(user: AnyUser) -> list[Area]:
    """The areas the user may publish information for, most specific role last."""
    if not user.is_authenticated:
        return []
    areas: list[Area] = []
    if is_operator(user):
        areas.append(Area(region=None))
    memberships = get_memberships_for_user(user)  # by role, then region
    admin_regions = [m.region_id for m in memberships if m.role == Role.KABUPATEN_ADMIN]
    diskominfo: dict[str, Office] = {}
    if admin_regions:
        # The first Diskominfo office of each administered kabupaten (Office orders by
        # kabupaten, then name), in one query.
        for office in Office.objects.filter(
            kabupaten_id__in=admin_regions, kind=Office.Kind.DISKOMINFO
        ):
            diskominfo.setdefault(office.kabupaten_id, office)
    for m in memberships:
        if m.role == Role.KABUPATEN_ADMIN:
            areas.append(Area(region=m.region, office=diskominfo.get(m.region_id)))
        elif m.role == Role.OPD_OFFICER and m.office is not None:
            areas.append(Area(region=m.office.kabupaten, office=m.office))
        elif m.role == Role.CAMAT and m.region is not None:
            areas.append(Area(region=m.region))
    unique: dict[str, Area] = {}
    for area in areas:
        unique.setdefault(area.key, area)
    return list(unique.values())


def can_publish_information(user: AnyUser) -> bool:
    """Whether get_publishing_areas_for_user has an area, without looking up the offices."""
    if not user.is_authenticated:
        return False
    if is_operator(user):
        return True
    return any(
        m.role == Role.KABUPATEN_ADMIN
        or (m.role == Role.OPD_OFFICER and m.office_id is not None)
        or (m.role == Role.CAMAT and m.region_id is not None)
        for m in get_memberships_for_user(user)
    )


def get_items_for_user(user: AnyUser) -> QuerySet[InfoItem]:
    """Items the user may edit, publish and read the reach of."""
    items = InfoItem.objects.select_related("area", "office", "author")
    if not user.is_authenticated:
        return items.none()
    if is_operator(user):
        return items
    offices = get_officer_office_ids_for_user(user)
    condition = region_scope_q(supervised_regions(user), field="area") | Q(office_id__in=offices)
    return items.filter(condition)


def get_item_for_user(user: AnyUser, pk: int) -> InfoItem:
    item = get_items_for_user(user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("Informasi tidak ditemukan."))
    return item


def get_inbox_kim_for_user(user: AnyUser, kim_slug: str) -> Kim:
    """A KIM whose inbox the user works: its members and its kabupaten's Diskominfo."""
    return get_writable_kim_for_user(user, kim_slug)


def get_inbox_for_kim(kim: Kim) -> QuerySet[Delivery]:
    """The KIM's inbox: every published item sent to it (withdrawn ones are gone)."""
    return (
        Delivery.objects.filter(kim=kim, item__status=InfoItem.Status.PUBLISHED)
        .select_related("item", "item__office", "item__area", "post")
        .order_by("-item__published_at", "-id")
    )


def get_delivery_for_user(user: AnyUser, kim_slug: str, item_pk: int) -> Delivery:
    """One inbox entry, or 404 when the KIM was not targeted by the item."""
    kim = get_inbox_kim_for_user(user, kim_slug)
    delivery = get_inbox_for_kim(kim).filter(item__pk=item_pk).first()
    if delivery is None:
        raise Http404(_("Informasi ini tidak dikirim ke KIM Anda."))
    delivery.kim = kim
    return delivery


# Low reach: an item published at least LOW_REACH_DAYS ago (and still valid) that fewer
# than half of its targeted KIMs have acted on (re-published or shared).
LOW_REACH_DAYS = 3


def get_low_reach_items_for_user(user: AnyUser) -> QuerySet[InfoItem]:
    now = timezone.now()
    acted = Q(deliveries__republished_at__isnull=False) | Q(deliveries__shared_at__isnull=False)
    return (
        get_items_for_user(user)
        .filter(
            status=InfoItem.Status.PUBLISHED,
            published_at__lte=now - datetime.timedelta(days=LOW_REACH_DAYS),
            fanned_out_at__isnull=False,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate(now)))
        .annotate(delivered=Count("deliveries"), acted=Count("deliveries", filter=acted))
        .annotate(acted_twice=F("acted") * 2)
        .filter(delivered__gt=0, acted_twice__lt=F("delivered"))
    )


def get_open_questions_for_user(user: AnyUser) -> QuerySet[Feedback]:
    """Questions and feedback of KIMs not yet answered, on items the user manages."""
    return (
        Feedback.objects.filter(
            delivery__item__in=get_items_for_user(user).values("pk"), answered_at__isnull=True
        )
        .select_related("delivery__kim", "delivery__item", "author")
        .order_by("created_at", "id")
    )
