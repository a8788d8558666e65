"""Writes to the KIM registry: each checks permission, runs in one transaction and audits."""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audit_record, audited_create, audited_update, snapshot
from jembatan.accounts.backends import find_user_by_login
from jembatan.accounts.models import User
from jembatan.communities.access import can_edit_profile, can_manage_forum, can_manage_members
from jembatan.communities.audit_actions import AuditAction
from jembatan.communities.models import (
    PROFILE_FIELDS,
    STRUCTURE,
    Forum,
    ForumPengurus,
    Kim,
    KimMembership,
    KimTerm,
    Position,
)
from jembatan.core.attachments import check_attachment, storage_name
from jembatan.core.slugs import free_slug
from jembatan.regions.models import Region
from jembatan.tenants.resolve import tenant_for_region

MEMBER_FIELDS = ["position", "seksi_name", "is_active"]
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
    return audited_create(
        actor=actor,
        model=Kim,
        data=values,
        action=AuditAction.KIM_CREATE,
        recorded=PROFILE_FIELDS,
        full_clean=True,
    )


def kim_update(
    *, actor: User, kim: Kim, data: dict[str, Any], sk_scan: IO[bytes] | None = None
) -> Kim:
    """Change the profile; ``sk_scan`` (a PDF or an image of the SK) replaces the decree's
    scan once core.attachments has accepted its content."""
    if not can_edit_profile(actor, kim):
        raise PermissionDenied(_("Anda tidak berhak mengubah profil KIM ini."))
    checked = None
    if sk_scan is not None:
        try:
            checked = check_attachment(sk_scan)
        except ValidationError as exc:
            raise ValidationError({"sk_scan": exc.messages}) from None
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
        if checked is not None:
            old = kim.sk_scan.name
            kim.sk_scan.save(storage_name(checked), checked.content, save=False)
            values["sk_scan"] = kim.sk_scan.name
            kim.sk_scan.name = old
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


def _seksi_name(position: str, seksi_name: str) -> str:
    """A seksi needs its name ("Humas"); any other post has none."""
    name = " ".join(seksi_name.split())
    if position != Position.SEKSI:
        return ""
    if not name:
        raise ValidationError({"seksi_name": _("Tulis nama seksinya, mis. Humas.")})
    return name


def _close_term(membership: KimMembership, today, held: tuple[str, str, bool]) -> None:
    """Close the open term of the post ``held`` (position, seksi, active). A membership
    made without a term (loaded data, rows older than the history) gets one from the day
    it joined, as the history's migration did: a pengurus who leaves never just vanishes."""
    closed = KimTerm.objects.filter(membership=membership, ended_on__isnull=True).update(
        ended_on=today
    )
    position, seksi_name, was_active = held
    if not closed and was_active and position in STRUCTURE:
        KimTerm.objects.create(
            membership=membership,
            kim_id=membership.kim_id,
            position=position,
            seksi_name=seksi_name,
            started_on=min(membership.joined_at, today),
            ended_on=today,
        )


def _open_term(membership: KimMembership, today) -> None:
    KimTerm.objects.create(
        membership=membership,
        kim_id=membership.kim_id,
        position=membership.position,
        seksi_name=membership.seksi_name,
        started_on=today,
    )


def kim_member_add(
    *,
    actor: User,
    kim: Kim,
    full_name: str,
    login: str,
    position: str,
    seksi_name: str = "",
) -> KimMembership:
    """Add a person to a KIM: an existing account found by email or phone, or a new one."""
    if not can_manage_members(actor, kim):
        raise PermissionDenied(_("Hanya ketua KIM atau Diskominfo yang dapat mengelola anggota."))
    login = login.strip()
    seksi_name = _seksi_name(position, seksi_name)
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
            membership = KimMembership.objects.create(
                kim=kim, user=user, position=position, seksi_name=seksi_name
            )
            before = None
        else:
            before = snapshot(membership, MEMBER_FIELDS)
            membership.position, membership.is_active = position, True
            membership.seksi_name = seksi_name
            membership.save(update_fields=["position", "seksi_name", "is_active"])
        _open_term(membership, timezone.localdate())
        audit_record(
            actor=actor,
            action=AuditAction.MEMBER_ADD,
            target=membership,
            before=before,
            after=snapshot(membership, MEMBER_FIELDS),
        )
    return membership


def kim_member_update(
    *,
    actor: User,
    membership: KimMembership,
    position: str,
    is_active: bool,
    seksi_name: str = "",
) -> KimMembership:
    """Change a member's post or let them go. The open term in the pengurus history closes
    today when the post (or the seksi) changes or the member leaves; the new post, if any,
    opens the next term."""
    kim = membership.kim
    seksi_name = _seksi_name(position, seksi_name)
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
        held = (membership.position, membership.seksi_name, membership.is_active)
        try:
            with transaction.atomic():
                membership, _changed = audited_update(
                    actor=actor,
                    instance=membership,
                    data={"position": position, "seksi_name": seksi_name, "is_active": is_active},
                    action=AuditAction.MEMBER_UPDATE,
                )
        except IntegrityError:
            raise ValidationError(_ONE_KETUA_MESSAGE) from None
        if held != (position, seksi_name, is_active):
            today = timezone.localdate()
            _close_term(membership, today, held)
            if is_active:
                _open_term(membership, today)
    return membership


# --- Forum KIM ------------------------------------------------------------------------

FORUM_FIELDS = [
    "name",
    "slug",
    "region",
    "description",
    "sk_number",
    "sk_date",
    "sk_signer",
    "term_start",
    "term_end",
    "is_active",
]
FORUM_PENGURUS_FIELDS = ["full_name", "kim", "position", "seksi_name", "started_on", "ended_on"]


def _forum_kims(region: Region, kims: list[Kim]) -> list[Kim]:
    """A forum's members are KIMs of its own region (its kecamatan, or its kabupaten)."""
    outside = [
        k.name
        for k in kims
        if k.region_id != region.code and not k.region_id.startswith(f"{region.code}.")
    ]
    if outside:
        raise ValidationError(
            {"kims": _("KIM ini di luar wilayah forum: %(names)s.") % {"names": ", ".join(outside)}}
        )
    return kims


def _check_forum_region(actor: User, region: Region) -> None:
    if region.level not in (Region.Level.KABUPATEN, Region.Level.KECAMATAN):
        raise ValidationError(
            {"region": _("Forum KIM berada di tingkat kecamatan atau kabupaten/kota.")}
        )
    _require_admin_of(actor, region)


def forum_create(*, actor: User, data: dict[str, Any]) -> Forum:
    region: Region = data["region"]
    _check_forum_region(actor, region)
    kims = _forum_kims(region, list(data.get("kims") or []))
    values = {k: v for k, v in data.items() if k in FORUM_FIELDS}
    values["slug"] = values.get("slug") or free_slug(
        Forum.objects.all(), values["name"], fallback="forum", max_length=70
    )
    with transaction.atomic():
        forum = Forum(**values)
        forum.full_clean()
        forum.save()
        forum.kims.set(kims)
        audit_record(
            actor=actor,
            action=AuditAction.FORUM_CREATE,
            target=forum,
            after={**snapshot(forum, FORUM_FIELDS), "kims": [k.pk for k in kims]},
        )
    return forum


def forum_update(*, actor: User, forum: Forum, data: dict[str, Any]) -> Forum:
    if not can_manage_forum(actor, forum):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang dapat melakukannya."))
    region: Region = data.get("region") or forum.region
    _check_forum_region(actor, region)
    kims = _forum_kims(region, list(data.get("kims") or []))
    values = {k: data[k] for k in FORUM_FIELDS if k in data}
    if values.get("region") is not None:
        values["kabupaten"] = region.kabupaten_code
    with transaction.atomic():
        forum = Forum.objects.select_for_update().get(pk=forum.pk)
        before = sorted(forum.kims.values_list("pk", flat=True))
        forum, _changed = audited_update(
            actor=actor,
            instance=forum,
            data=values,
            action=AuditAction.FORUM_UPDATE,
            full_clean=True,
        )
        after = sorted(k.pk for k in kims)
        if before != after:
            forum.kims.set(kims)
            audit_record(
                actor=actor,
                action=AuditAction.FORUM_UPDATE,
                target=forum,
                before={"kims": before},
                after={"kims": after},
            )
    return forum


def forum_pengurus_add(*, actor: User, forum: Forum, data: dict[str, Any]) -> ForumPengurus:
    """A person takes a post in the forum from a date. Whoever held the same single post
    (ketua, wakil ketua, sekretaris, bendahara; a seksi of the same name) is closed the day
    before: the history shows who held it from when to when."""
    if not can_manage_forum(actor, forum):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang dapat melakukannya."))
    position = data["position"]
    seksi_name = _seksi_name(position, data.get("seksi_name") or "")
    kim = data.get("kim")
    if kim is not None and not forum.kims.filter(pk=kim.pk).exists():
        raise ValidationError({"kim": _("KIM ini bukan anggota forum.")})
    started_on = data.get("started_on") or timezone.localdate()
    with transaction.atomic():
        closed = []
        if position != Position.ANGGOTA:
            held = forum.pengurus.select_for_update().filter(
                position=position, seksi_name=seksi_name, ended_on__isnull=True
            )
            for previous in held:
                end = max(previous.started_on, started_on - datetime.timedelta(days=1))
                previous, _changed = audited_update(
                    actor=actor,
                    instance=previous,
                    data={"ended_on": end},
                    action=AuditAction.FORUM_PENGURUS_END,
                    tenant=tenant_for_region(forum.kabupaten_id),
                )
                closed.append(previous)
        person = audited_create(
            actor=actor,
            model=ForumPengurus,
            data={
                "forum": forum,
                "full_name": " ".join(data["full_name"].split()),
                "kim": kim,
                "position": position,
                "seksi_name": seksi_name,
                "started_on": started_on,
            },
            action=AuditAction.FORUM_PENGURUS_ADD,
            recorded=FORUM_PENGURUS_FIELDS,
            note=f"forum {forum.pk}",
            full_clean=True,
            tenant=tenant_for_region(forum.kabupaten_id),
        )
    return person


def forum_pengurus_end(
    *, actor: User, person: ForumPengurus, ended_on: datetime.date | None = None
) -> ForumPengurus:
    if not can_manage_forum(actor, person.forum):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang dapat melakukannya."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < person.started_on:
        raise ValidationError(_("Masa jabatan tidak dapat berakhir sebelum dimulai."))
    with transaction.atomic():
        person, _changed = audited_update(
            actor=actor,
            instance=person,
            data={"ended_on": ended_on},
            action=AuditAction.FORUM_PENGURUS_END,
            tenant=tenant_for_region(person.forum.kabupaten_id),
        )
    return person
