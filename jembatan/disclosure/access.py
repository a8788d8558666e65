"""Who manages which public body, and through it which requests and objections.

- Operators: every body.
- A kabupaten admin (Diskominfo, the PPID Utama and its superior): every body of their
  kabupaten; only they (and operators) register bodies and decide objections.
- An OPD officer: the body of their own office.
- KIM pengurus (ketua, sekretaris, bendahara) of a KIM at desa/kelurahan level: help
  with the information list (documents) of that desa/kelurahan's government only. A KIM
  is a community body, not the public body: its pengurus never see requests, objections
  or the requesters' identity, and the BPD and BUMDes are separate bodies they do not
  touch. The requests of a desa body go to Diskominfo (body_managers).
- A camat: reads (never changes) the bodies in their kecamatan (its desa's bodies and the
  BKAD), their lists, requests and objections, without the requesters' identity.
- The atasan PPID of a body (``PublicBody.superiors``): reads and decides its objections.
  A body with no account named there has its atasan's decision recorded by Diskominfo.

Staff reach requests only through get_requests_for_user / get_request_for_user; the
requester's identity is shown to the managers of the body asked, nobody else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administers_any_kabupaten,
    administers_kabupaten,
    get_administered_kabupaten_for_user,
    get_officer_office_ids_for_user,
    is_operator,
    supervised_regions,
)
from jembatan.accounts.models import Membership, Role, User
from jembatan.communities.access import get_member_kims_for_user
from jembatan.disclosure.models import (
    InfoDocument,
    InformationRequest,
    Objection,
    PublicBody,
)
from jembatan.regions.models import Region


def _pengurus_desa_codes(user: AnyUser) -> list[str]:
    return [
        kim.region_id
        for kim in get_member_kims_for_user(user, pengurus_only=True)
        if kim.region.level == Region.Level.DESA
    ]


def _managed_q(user: AnyUser) -> Q:
    condition = Q(kabupaten__in=get_administered_kabupaten_for_user(user))
    offices = get_officer_office_ids_for_user(user)
    condition |= Q(kind=PublicBody.Kind.OPD, office_id__in=offices)
    return condition


def _list_helper_q(user: AnyUser) -> Q:
    """KIM pengurus help with their desa government's information list, nothing more."""
    return Q(kind=PublicBody.Kind.DESA, region_id__in=_pengurus_desa_codes(user))


def _camat_q(user: AnyUser) -> Q:
    """The bodies in the kecamatan a camat heads: its desa's bodies and its BKAD."""
    condition = Q(pk__in=[])
    for region in supervised_regions(user):
        if region.level == Region.Level.KECAMATAN:
            condition |= Q(region_id=region.code) | Q(region__code__startswith=f"{region.code}.")
    return condition


def get_bodies_for_user(user: AnyUser) -> QuerySet[PublicBody]:
    """The bodies whose list, requests and report the user manages."""
    bodies = PublicBody.objects.select_related("region", "office", "kabupaten").in_order()
    if not user.is_authenticated:
        return bodies.none()
    if is_operator(user):
        return bodies
    return bodies.filter(_managed_q(user))


def get_readable_bodies_for_user(user: AnyUser) -> QuerySet[PublicBody]:
    """The bodies the user manages, and those a camat reads in their kecamatan."""
    bodies = PublicBody.objects.select_related("region", "office", "kabupaten").in_order()
    if not user.is_authenticated:
        return bodies.none()
    if is_operator(user):
        return bodies
    return bodies.filter(_managed_q(user) | _camat_q(user))


def get_list_bodies_for_user(user: AnyUser) -> QuerySet[PublicBody]:
    """The bodies whose information list (documents) the user keeps: those they manage,
    and for KIM pengurus their desa government's."""
    bodies = PublicBody.objects.select_related("region", "office", "kabupaten").in_order()
    if not user.is_authenticated:
        return bodies.none()
    if is_operator(user):
        return bodies
    return bodies.filter(_managed_q(user) | _list_helper_q(user))


def get_visible_bodies_for_user(user: AnyUser) -> QuerySet[PublicBody]:
    """Every body with a page for the user in /kelola/ppid/: read, managed or listed."""
    bodies = PublicBody.objects.select_related("region", "office", "kabupaten").in_order()
    if not user.is_authenticated:
        return bodies.none()
    if is_operator(user):
        return bodies
    return bodies.filter(_managed_q(user) | _camat_q(user) | _list_helper_q(user))


def get_visible_body_for_user(user: AnyUser, pk: int) -> PublicBody:
    body = get_visible_bodies_for_user(user).filter(pk=pk).first()
    if body is None:
        raise Http404(_("Badan publik tidak ditemukan."))
    return body


def keeps_list(user: AnyUser, body: PublicBody) -> bool:
    return get_list_bodies_for_user(user).filter(pk=body.pk).exists()


def get_readable_body_for_user(user: AnyUser, pk: int) -> PublicBody:
    body = get_readable_bodies_for_user(user).filter(pk=pk).first()
    if body is None:
        raise Http404(_("Badan publik tidak ditemukan."))
    return body


def get_body_for_user(user: AnyUser, pk: int) -> PublicBody:
    body = get_bodies_for_user(user).filter(pk=pk).first()
    if body is None:
        raise Http404(_("Badan publik tidak ditemukan."))
    return body


def manages_body(user: AnyUser, body: PublicBody) -> bool:
    return get_bodies_for_user(user).filter(pk=body.pk).exists()


def is_ppid_superior(user: AnyUser, body: PublicBody) -> bool:
    """Whether the user decides the body's objections: an account named as its atasan
    PPID; while none is named, Diskominfo of its kabupaten records the atasan's decision.
    The platform operator is nobody's atasan: a decision it entered would be announced as
    the atasan's when no official took it."""
    if not user.is_authenticated:
        return False
    named = body.superiors.filter(is_active=True)
    if named.exists():
        return named.filter(pk=user.pk).exists()
    return not is_operator(user, platform=True) and administers_kabupaten(user, body.kabupaten_id)


def decided_by_named_superior(objection: Objection) -> bool:
    """Whether the objection's decision was entered by one of the body's named atasan
    accounts (else Diskominfo recorded the atasan's decision)."""
    return (
        objection.decided_by_id is not None
        and objection.request.body.superiors.filter(pk=objection.decided_by_id).exists()
    )


def body_superiors(body: PublicBody) -> QuerySet[User]:
    """Who is told about the body's objections: its named atasan, else Diskominfo."""
    named = body.superiors.filter(is_active=True)
    return named if named.exists() else kabupaten_admins(body)


def is_superior_anywhere(user: AnyUser) -> bool:
    return user.is_authenticated and PublicBody.objects.filter(superiors=user).exists()


def can_register_bodies(user: AnyUser) -> bool:
    return administers_any_kabupaten(user)


def get_documents_for_user(user: AnyUser) -> QuerySet[InfoDocument]:
    return InfoDocument.objects.filter(body__in=get_list_bodies_for_user(user)).select_related(
        "body"
    )


def get_document_for_user(user: AnyUser, pk: int) -> InfoDocument:
    document = get_documents_for_user(user).filter(pk=pk).first()
    if document is None:
        raise Http404(_("Informasi tidak ditemukan."))
    return document


def get_requests_for_user(user: AnyUser) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(body__in=get_bodies_for_user(user)).select_related(
        "body", "body__region", "body__office", "document"
    )


def get_readable_requests_for_user(user: AnyUser) -> QuerySet[InformationRequest]:
    """Requests the user manages or, as camat, reads (the page then hides the requester)."""
    return InformationRequest.objects.filter(
        body__in=get_readable_bodies_for_user(user)
    ).select_related("body", "body__region", "body__office", "document")


def get_readable_request_for_user(user: AnyUser, number: str) -> InformationRequest:
    request = get_readable_requests_for_user(user).filter(number=number).first()
    if request is None:
        raise Http404(_("Permohonan tidak ditemukan."))
    return request


def get_request_for_user(user: AnyUser, number: str) -> InformationRequest:
    request = get_requests_for_user(user).filter(number=number).first()
    if request is None:
        raise Http404(_("Permohonan tidak ditemukan."))
    return request


def get_objections_for_user(user: AnyUser) -> QuerySet[Objection]:
    """Objections to the bodies the user reads, and to those whose atasan PPID they are."""
    readable = Q(request__body__in=get_readable_bodies_for_user(user))
    if user.is_authenticated:
        readable |= Q(request__body__in=PublicBody.objects.filter(superiors=user))
    return Objection.objects.filter(readable).select_related(
        "request", "request__body", "request__body__region", "request__body__office"
    )


def get_objection_for_user(user: AnyUser, number: str) -> Objection:
    objection = get_objections_for_user(user).filter(number=number).first()
    if objection is None:
        raise Http404(_("Keberatan tidak ditemukan."))
    return objection


def body_managers(body: PublicBody) -> QuerySet[User]:
    """Who is told about the body's requests: an OPD's officers, else Diskominfo (never
    KIM pengurus: the requester's identity is for the public body's PPID)."""
    users = Q(pk__in=[])
    if body.kind == PublicBody.Kind.OPD:
        users |= Q(
            pk__in=Membership.objects.filter(
                role=Role.OPD_OFFICER, office_id=body.office_id
            ).values("user_id")
        )
    managers = User.objects.filter(users, is_active=True)
    if body.kind == PublicBody.Kind.KABUPATEN or not managers.exists():
        return kabupaten_admins(body)
    return managers


def kabupaten_admins(body: PublicBody) -> QuerySet[User]:
    rows = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=body.kabupaten_id)
    return User.objects.filter(pk__in=rows.values("user_id"), is_active=True)


def can_manage_ppid(user: AnyUser) -> bool:
    """Whether /kelola/ppid/ has anything for the user (the workspace button)."""
    return (
        can_register_bodies(user)
        or get_visible_bodies_for_user(user).exists()
        or is_superior_anywhere(user)
    )
