"""The one way every app writes an audit row, and the one way a service updates a row.

``audit_record`` writes one row; its action must be declared in an app's
``audit_actions.py`` (accounts.audit_registry). ``audited_update`` is the HackSoft
``model_update`` shape with the audit row: it sets the fields that differ, saves only those
(and the model's auto_now fields) and records before/after of the changed fields, all in
the caller's transaction. ``audited_create`` is its pair for a new row (``model_create``
with the audit row of what was created). ``audit_records_bulk`` writes one row per object
of a bulk change.

Every row carries the tenant (the kabupaten/kota) it was written for: the ``tenant=`` the
caller gives, else the tenant of the request or task (``tenants.current``), else none.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from jembatan.accounts.audit_registry import require_registered
from jembatan.accounts.models import AuditLog, User
from jembatan.tenants.current import current_tenant
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import tenant_for_region

M = TypeVar("M", bound=models.Model)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk if not isinstance(value.pk, uuid.UUID) else str(value.pk)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # (hasattr(value, "url") raises when it is empty)
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-ready values (foreign keys by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(instance, attname))
    return data


def _tenant_id(tenant: Tenant | None, target: models.Model | None = None) -> int | None:
    """The given tenant; else the tenant of the target's kabupaten (a row that carries
    ``kabupaten_id``: a case, a KIM, a category...), so that a change made on one host to
    another tenant's object is filed under the object's tenant; else the one served
    (request or task); as an id, or None."""
    if tenant is None and target is not None:
        code = getattr(target, "kabupaten_id", None)
        if isinstance(code, str) and code:
            tenant = tenant_for_region(code)
    if tenant is None:
        tenant = current_tenant()
    return tenant.pk if tenant is not None else None


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    tenant: Tenant | None = None,
) -> AuditLog:
    """Write one audit row. Call it inside the transaction of the change it records.

    ``action`` must be registered (an app's ``audit_actions.py``), or this raises
    ``UnregisteredAuditAction``. ``tenant``: the kabupaten/kota the change is for (by
    default the one served)."""
    row = audit_row(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        note=note,
        tenant=tenant,
    )
    row.save(force_insert=True)
    return row


def audit_row(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    tenant: Tenant | None = None,
) -> AuditLog:
    """The row ``audit_record`` writes, unsaved: for a caller that saves it with the
    rows of its change (``core.compiled.insert_together``). A target not saved yet has no
    id: its row gives the audit row's ``target_id`` when both are saved."""
    action = require_registered(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog(
        actor=actor,
        action=action,
        tenant_id=_tenant_id(tenant, target),
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )


def audit_for(target: models.Model) -> models.QuerySet[AuditLog]:
    return AuditLog.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )


def audit_records_bulk(
    *,
    actor: User | None,
    action: str,
    targets: Sequence[models.Model],
    note: str = "",
    tenant: Tenant | None = None,
) -> list[AuditLog]:
    """One audit row per object of a bulk change, written in one insert (no before/after:
    the caller's own row says what changed)."""
    action = require_registered(action)
    if not targets:
        return []
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    types = ContentType.objects.get_for_models(*{type(t) for t in targets})
    served = _tenant_id(tenant)
    return AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=actor,
                action=action,
                tenant_id=_tenant_id(tenant, target) if tenant is None else served,
                target_type=types[type(target)],
                target_id=str(target.pk),
                target_repr=str(target)[:200],
                note=note,
            )
            for target in targets
        ],
        batch_size=1000,
    )


def _differs(instance: models.Model, field: Any, value: Any) -> bool:
    if field.many_to_one or field.one_to_one:  # compare foreign keys by id: no query
        new = value.pk if isinstance(value, models.Model) else value
        return getattr(instance, field.attname) != new
    return getattr(instance, field.name) != value


def _assign(instance: models.Model, field: Any, value: Any) -> None:
    if (field.many_to_one or field.one_to_one) and not isinstance(value, models.Model | None):
        setattr(instance, field.attname, value)  # an id
    else:
        setattr(instance, field.name, value)


def audited_create(
    *,
    actor: User | None,
    model: type[M],
    data: dict[str, Any],
    action: str,
    recorded: Iterable[str],
    extra: dict[str, Any] | None = None,
    note: str = "",
    full_clean: bool = False,
    tenant: Tenant | None = None,
) -> M:
    """Create a ``model`` row from ``data`` and write one audit row whose ``after`` holds
    the ``recorded`` fields of the new row (as saved: defaults and slugs included), plus
    ``extra`` (what the row alone does not say, e.g. how many sections it got). Returns
    the row.

    Runs in the caller's transaction (it opens one, without a savepoint, when there is
    none). ``full_clean=True`` validates the row before saving it.
    """
    require_registered(action)
    instance = model(**data)
    if full_clean:
        instance.full_clean()
    with transaction.atomic(savepoint=False):
        instance.save(force_insert=True)
        audit_record(
            actor=actor,
            action=action,
            target=instance,
            after=snapshot(instance, recorded) | (extra or {}),
            note=note,
            tenant=tenant,
        )
    return instance


def audited_update(
    *,
    actor: User | None,
    instance: M,
    data: dict[str, Any],
    action: str,
    note: str = "",
    fields: Iterable[str] | None = None,
    omit: Iterable[str] = (),
    full_clean: bool = False,
    tenant: Tenant | None = None,
) -> tuple[M, bool]:
    """Set the fields of ``data`` (only those named in ``fields``, if given) whose value
    differs, save only them (with the model's auto_now fields) and write one audit row with
    before/after of the changed fields; fields in ``omit`` (long bodies) are saved but left
    out of the row. Nothing changed: no save, no row. Returns ``(instance, changed)``.

    Runs in the caller's transaction (it opens one, without a savepoint, when there is
    none). ``full_clean=True`` validates the instance before saving; by default the service
    has validated its input already, and a full clean would add its unique-check queries to
    every update.
    """
    require_registered(action)
    names = list(data) if fields is None else [f for f in fields if f in data]
    meta = instance._meta
    changed = [name for name in names if _differs(instance, meta.get_field(name), data[name])]
    if not changed:
        return instance, False
    before = snapshot(instance, changed)
    for name in changed:
        _assign(instance, meta.get_field(name), data[name])
    if full_clean:
        instance.full_clean()
    auto_now = [
        f.name
        for f in meta.concrete_fields
        if getattr(f, "auto_now", False) and f.name not in changed
    ]
    shown = [name for name in changed if name not in set(omit)]
    with transaction.atomic(savepoint=False):
        instance.save(update_fields=[*changed, *auto_now])
        audit_record(
            actor=actor,
            action=action,
            target=instance,
            before={k: before[k] for k in shown},
            after=snapshot(instance, shown),
            note=note,
            tenant=tenant,
        )
    return instance, True
