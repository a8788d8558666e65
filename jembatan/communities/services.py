"""Writes to the KIM registry: each checks permission, runs in one transaction and audits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audit_record, audited_update, snapshot
from jembatan.accounts.backends import find_user_by_login
from jembatan.accounts.models import User
from jembatan.communities.access import can_edit_profile, can_manage_members
from jembatan.communities.audit_actions import AuditAction
from jembatan.communities.models import PROFILE_FIELDS, Kim, KimMembership, Position
from jembatan.core.slugs import free_slug
from jembatan.regions.models import Region

MEMBER_FIELDS = ["position", "is_active"]
_ONE_KETUA_MESSAGE = gettext_lazy(
    "KIM ini sudah punya ketua aktif. Ubah dulu jabatan ketua yang lama."
)


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    return free_slug(
        Kim.objects.exclude(pk=exclude_pk),  # type: ignore[misc]  # pk=None matches no row; the stubs refuse None
        name.removeprefix("KIM ").removeprefix("kim "),
        fallback="kim",
        max_length=70,
    )


def _require_admin_of(actor: User, region: Region) -> None:
    kabupaten_code = region.kabupaten_code
    if not administers_kabupaten(actor, kabupaten_code or ""):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang dapat melakukannya."))


def kim_create(*, actor: User, data: dict[str, Any]) -> Kim:
    region: Region = data["region"]
    _require_admin_of(actor, region)
    if region.level < Region.Level.KECAMATAN:
        raise ValidationError(
            {"region": _("KIM berada di tingkat kecamatan, desa atau kelurahan.")}
        )
    values = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    values["slug"] = values.get("slug") or unique_slug(values["name"])
    with transaction.atomic():
        kim = Kim(**values)
        kim.full_clean()
        kim.save()
        audit_record(
            actor=actor,
            action=AuditAction.KIM_CREATE,
            target=kim,
            after=snapshot(kim, PROFILE_FIELDS),
        )
    return kim


def kim_update(*, actor: User, kim: Kim, data: dict[str, Any]) -> Kim:
    if not can_edit_profile(actor, kim):
        raise PermissionDenied(_("Anda tidak berhak mengubah profil KIM ini."))
    administers = administers_kabupaten(actor, kim.kabupaten_id)
    # Where a KIM sits and whether it is active is Diskominfo's decision.
    editable = (
        PROFILE_FIELDS
        if administers
        else [f for f in PROFILE_FIELDS if f not in {"region", "is_active", "slug"}]
    )
    with transaction.atomic():
        kim = Kim.objects.select_for_update().get(pk=kim.pk)
        values = {f: data[f] for f in editable if f in data}
        region = values.get("region")
        if region is not None and region.pk != kim.region_id:
            _require_admin_of(actor, region)
            # Kim.save derives these from the region; update_fields must name them.
            values["kabupaten"] = region.kabupaten_code
            values["level"] = Kim.level_for(region)
        kim, _changed = audited_update(
            actor=actor,
            instance=kim,
            data=values,
            action=AuditAction.KIM_UPDATE,
            full_clean=True,
        )
    return kim


def kim_verify(*, actor: User, kim: Kim) -> Kim:
    _require_admin_of(actor, kim.region)
    with transaction.atomic():
        kim = Kim.objects.select_for_update().get(pk=kim.pk)
        if kim.verified_at is not None:
            return kim
        kim, _changed = audited_update(
            actor=actor,
            instance=kim,
            data={"verified_at": timezone.now()},
            action=AuditAction.KIM_VERIFY,
        )
    return kim


def _check_single_ketua(kim: Kim, position: str, *, exclude_pk: int | None = None) -> None:
    if position != Position.KETUA:
        return
    others = kim.memberships.filter(position=Position.KETUA, is_active=True)
    others = others.exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None matches no row; the stubs refuse None
    if others.exists():
        raise ValidationError(_ONE_KETUA_MESSAGE)


def kim_member_add(
    *, actor: User, kim: Kim, full_name: str, login: str, position: str
) -> KimMembership:
    """Add a person to a KIM: an existing account found by email or phone, or a new one."""
    if not can_manage_members(actor, kim):
        raise PermissionDenied(_("Hanya ketua KIM atau Diskominfo yang dapat mengelola anggota."))
    login = login.strip()
    with transaction.atomic():
        user = find_user_by_login(login)
        if user is None:
            contact = {"phone": login} if "@" not in login else {"email": login}
            user = User.objects.create_user(full_name=full_name.strip(), password=None, **contact)
            audit_record(
                actor=actor,
                action=AuditAction.USER_CREATE,
                target=user,
                after={"full_name": user.full_name},
                note=f"KIM {kim.pk}",
            )
        membership = kim.memberships.filter(user=user).first()
        if membership is not None and membership.is_active:
            raise ValidationError(_("Orang ini sudah menjadi anggota KIM ini."))
        _check_single_ketua(kim, position)
        if membership is None:
            membership = KimMembership.objects.create(kim=kim, user=user, position=position)
            before = None
        else:
            before = snapshot(membership, MEMBER_FIELDS)
            membership.position, membership.is_active = position, True
            membership.save(update_fields=["position", "is_active"])
        audit_record(
            actor=actor,
            action=AuditAction.MEMBER_ADD,
            target=membership,
            before=before,
            after=snapshot(membership, MEMBER_FIELDS),
        )
    return membership


def kim_member_update(
    *, actor: User, membership: KimMembership, position: str, is_active: bool
) -> KimMembership:
    kim = membership.kim
    if not can_manage_members(actor, kim):
        raise PermissionDenied(_("Hanya ketua KIM atau Diskominfo yang dapat mengelola anggota."))
    if (
        membership.user_id == actor.pk
        and membership.position == Position.KETUA
        and (position != Position.KETUA or not is_active)
        and not administers_kabupaten(actor, kim.kabupaten_id)
    ):
        raise ValidationError(
            _("Ketua tidak dapat melepas jabatannya sendiri; minta Diskominfo menggantinya.")
        )
    with transaction.atomic():
        membership = KimMembership.objects.select_for_update().get(pk=membership.pk)
        if is_active:
            _check_single_ketua(kim, position, exclude_pk=membership.pk)
        try:
            with transaction.atomic():
                membership, _changed = audited_update(
                    actor=actor,
                    instance=membership,
                    data={"position": position, "is_active": is_active},
                    action=AuditAction.MEMBER_UPDATE,
                )
        except IntegrityError:
            raise ValidationError(_ONE_KETUA_MESSAGE) from None
    return membership
