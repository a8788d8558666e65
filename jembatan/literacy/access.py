"""Who sees and runs which trainings and modules.

Diskominfo (kabupaten admin) runs every training and module of its kabupaten; a camat
runs the trainings of their kecamatan; operators run everything (and platform-wide
modules). A KIM member registers for the open trainings aimed at one of their KIMs.
Every view reaches literacy data through these helpers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administered_kabupaten,
    administers_any_kabupaten,
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
    is_operator,
)
from jembatan.accounts.models import Role
from jembatan.communities.access import get_kim_positions_for_user, get_member_kims_for_user
from jembatan.communities.models import Kim
from jembatan.literacy.models import Certificate, Module, Registration, Training
from jembatan.regions.models import Region
from jembatan.tenants.current import served_code


def _camat_kecamatan(user: AnyUser) -> list[Region]:
    return [
        m.region
        for m in get_memberships_for_user(user)
        if m.role == Role.CAMAT and m.region is not None
    ]


def get_managed_trainings_for_user(user: AnyUser) -> QuerySet[Training]:
    trainings = Training.objects.select_related("kabupaten", "kecamatan", "organiser")
    if not user.is_authenticated:
        return trainings.none()
    if is_operator(user):
        return trainings
    condition = Q(kabupaten__in=get_administered_kabupaten_for_user(user))
    condition |= Q(kecamatan__in=[r.code for r in _camat_kecamatan(user)])
    return trainings.filter(condition)


def get_managed_training_for_user(user: AnyUser, pk: int) -> Training:
    training = get_managed_trainings_for_user(user).filter(pk=pk).first()
    if training is None:
        raise Http404(_("Pelatihan tidak ditemukan."))
    return training


def get_training_areas_for_user(user: AnyUser) -> list[Region]:
    """Where the user may organise trainings: administered kabupaten, camat's kecamatan."""
    if not user.is_authenticated:
        return []
    areas = sorted(administered_kabupaten(user), key=lambda r: (r.name, r.code))
    return areas + _camat_kecamatan(user)


def can_organise(user: AnyUser) -> bool:
    return bool(get_training_areas_for_user(user))


def get_public_trainings() -> QuerySet[Training]:
    """The announced trainings of the tenant being served (another kabupaten's are not
    found on this host)."""
    return Training.objects.filter(
        status__in=[Training.Status.OPEN, Training.Status.CLOSED], kabupaten_id=served_code()
    ).select_related("kabupaten", "kecamatan")


def get_public_training(pk: int) -> Training:
    training = get_public_trainings().filter(pk=pk).first()
    if training is None:
        raise Http404(_("Pelatihan tidak ditemukan."))
    return training


def target_kims(training: Training) -> QuerySet[Kim]:
    """The KIMs a training is for."""
    kims = Kim.objects.active().filter(kabupaten_id=training.kabupaten_id)
    if not training.target_all:
        return kims.filter(pk__in=training.target_kims.values("pk"))
    if training.kecamatan_id:
        code = training.kecamatan_id
        return kims.filter(Q(region_id=code) | Q(region__code__startswith=f"{code}."))
    return kims


def get_registrable_kims_for_user(user: AnyUser, training: Training) -> QuerySet[Kim]:
    """The user's own KIMs that a training is aimed at (registration is on behalf of one)."""
    if not user.is_authenticated:
        return Kim.objects.none()
    own = list(get_kim_positions_for_user(user))
    return target_kims(training).filter(pk__in=own)


def training_is_registrable_for_user(user: AnyUser, training: Training) -> bool:
    """Whether get_registrable_kims_for_user has any KIM, without a query: the user's KIMs
    are read once per request; prefetch the trainings' target_kims for a list of them."""
    kims = [k for k in get_member_kims_for_user(user) if k.kabupaten_id == training.kabupaten_id]
    if not training.target_all:
        targets = {k.pk for k in training.target_kims.all()}
        return any(k.pk in targets for k in kims)
    if training.kecamatan_id:
        code = training.kecamatan_id
        return any(k.region_id == code or k.region_id.startswith(f"{code}.") for k in kims)
    return bool(kims)


def get_registrations_for_user(user: AnyUser) -> QuerySet[Registration]:
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(user=user).select_related("training", "kim")


def get_certificates_for_user(user: AnyUser) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(user=user)


def get_own_certificate(user: AnyUser, code: str) -> Certificate:
    cert = get_certificates_for_user(user).filter(code=code).first()
    if cert is None:
        raise Http404(_("Sertifikat tidak ditemukan."))
    return cert


def get_published_modules() -> QuerySet[Module]:
    """Published modules of the tenant being served and the platform's own (no kabupaten)."""
    return Module.objects.filter(
        Q(kabupaten__isnull=True) | Q(kabupaten_id=served_code()), is_published=True
    ).select_related("kabupaten")


def get_readable_module(user: AnyUser, pk: int) -> Module:
    """A published module, or any module its managers are preparing."""
    module = (
        get_published_modules().filter(pk=pk).first()
        or get_managed_modules_for_user(user).filter(pk=pk).first()
    )
    if module is None:
        raise Http404(_("Modul tidak ditemukan."))
    return module


def get_managed_modules_for_user(user: AnyUser) -> QuerySet[Module]:
    if not user.is_authenticated:
        return Module.objects.none()
    if is_operator(user):
        return Module.objects.all()
    return Module.objects.filter(kabupaten__in=get_administered_kabupaten_for_user(user))


def get_managed_module_for_user(user: AnyUser, pk: int) -> Module:
    module = get_managed_modules_for_user(user).filter(pk=pk).first()
    if module is None:
        raise Http404(_("Modul tidak ditemukan."))
    return module


def can_write_modules(user: AnyUser) -> bool:
    return is_operator(user) or administers_any_kabupaten(user)


def can_manage_literacy(user: AnyUser) -> bool:
    """Whether /kelola/literasi/ has anything to run for the user (the workspace button)."""
    return can_organise(user) or can_write_modules(user)
