"""The platform operator's writes on tenants (the kabupaten/kota served): create, edit,
deactivate and activate again, each with its audit row.

They live here and not in ``tenants`` because the audit rows belong to ``accounts``, a
floor above ``tenants``. Secrets (the SMS gateway's, the webhook's) are write-only: a
blank value keeps the old one, and no audit row holds them (the note names which changed).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.http.request import validate_host
from django.utils.translation import gettext as _

from jembatan.accounts.access import is_operator, workspace_scope
from jembatan.accounts.audit import audit_record, audited_update, snapshot
from jembatan.accounts.models import Office, User
from jembatan.aspirations.models import Category
from jembatan.aspirations.services import category_create
from jembatan.core.images import clean_jpeg, removed_on_failure
from jembatan.regions.models import Region
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant, TenantHost, province_zone
from jembatan.workspace.audit_actions import AuditAction

# The fields an operator sets, in the form's order; the secrets apart (write-only).
SETTINGS_FIELDS = (
    "name",
    "palette",
    "contact_email",
    "contact_phone",
    "contact_address",
    "time_zone",
    "page_cache_seconds",
    "verify_days",
    "answer_days",
    "complete_days",
    "sms_gateway_url",
)
SECRET_FIELDS = ("sms_gateway_secret", "webhook_secret")
LOGO_MAX_SIDE = 600
MAX_HOSTS = 20
# One label: letters, digits and inner hyphens, at most 63 characters.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _require_operator(actor: User) -> None:
    if not is_operator(actor, platform=True):
        raise PermissionDenied(_("Hanya operator platform yang mengelola tenant."))


def _is_host_name(host: str) -> bool:
    """A DNS name (labels of letters, digits, inner hyphens) or an IPv4 address."""
    if not host or len(host) > 253:
        return False
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        return len(labels) == 4 and all(int(label) < 256 for label in labels)
    return all(_LABEL.match(label) for label in labels)


def clean_hosts(hosts: Iterable[str], *, tenant: Tenant | None = None) -> list[str]:
    """The host names, lower-cased, without blanks or repeats, the first the primary one;
    or a ValidationError on ``hosts`` naming every refused host and why."""
    cleaned: list[str] = []
    for raw in hosts:
        host = raw.strip().lower().rstrip(".")
        if host and host not in cleaned:
            cleaned.append(host)
    if not cleaned:
        raise ValidationError({"hosts": _("Isi paling sedikit satu nama host.")})
    if len(cleaned) > MAX_HOSTS:
        raise ValidationError({"hosts": _("Paling banyak %(max)s nama host.") % {"max": MAX_HOSTS}})
    errors: list[str] = []
    for host in cleaned:
        if not _is_host_name(host):
            errors.append(
                _("“%(host)s” bukan nama host yang sah (tanpa http://, garis miring atau port).")
                % {"host": host}
            )
        elif host in settings.KIM_HOSTS:
            errors.append(
                _("“%(host)s” sudah menjadi alamat sebuah KIM (KIM_HOSTS).") % {"host": host}
            )
        elif not validate_host(host, settings.ALLOWED_HOSTS):
            errors.append(
                _(
                    "Server belum menerima “%(host)s”: tambahkan ke ALLOWED_HOSTS di "
                    "pengaturan server, lalu simpan lagi."
                )
                % {"host": host}
            )
    taken = (
        TenantHost.objects.annotate(lower=Lower("host"))
        .filter(lower__in=cleaned)
        .select_related("tenant")
    )
    if tenant is not None and tenant.pk is not None:
        taken = taken.exclude(tenant=tenant)
    for row in taken:
        errors.append(
            _("“%(host)s” sudah dipakai %(tenant)s.") % {"host": row.host, "tenant": row.tenant}
        )
    if errors:
        raise ValidationError({"hosts": errors})
    return cleaned


def _store_logo(tenant: Tenant, logo: IO[bytes], written: list[str]) -> None:
    """Check and re-encode the upload (core.images: a metadata-free JPEG), store it as the
    tenant's logo (not saved yet) and note the file for removal if the change fails."""
    data, _width, _height = clean_jpeg(logo, max_side=LOGO_MAX_SIDE)
    name = f"{tenant.code.replace('.', '-')}-{secrets.token_hex(6)}.jpg"
    tenant.logo.save(name, ContentFile(data), save=False)
    written.append(tenant.logo.name)


def _secrets_note(changed: list[str]) -> str:
    return "secrets changed: " + ", ".join(changed) if changed else ""


def _replace_hosts(tenant: Tenant, hosts: list[str]) -> None:
    TenantHost.objects.filter(tenant=tenant).delete()
    TenantHost.objects.bulk_create(
        [
            TenantHost(tenant=tenant, host=host, is_primary=index == 0)
            for index, host in enumerate(hosts)
        ]
    )
    # (bulk_create sends no post_save: publish the change to every process here)
    resolve.changed()


def tenant_hosts(tenant: Tenant) -> list[str]:
    """The tenant's hosts, the primary first."""
    return [h.host for h in sorted(tenant.hosts.all(), key=lambda h: (not h.is_primary, h.host))]


def _first_category(*, actor: User, tenant: Tenant) -> None:
    """A new tenant takes aspirations from its first day: its Diskominfo office and one
    general category routed to it (the kabupaten's Diskominfo adds the others), unless the
    kabupaten has categories already."""
    region = tenant.region
    if Category.objects.filter(kabupaten=region).exists():
        return
    office = Office.objects.filter(kabupaten=region, kind=Office.Kind.DISKOMINFO).first()
    if office is None:
        office = Office.objects.create(
            kabupaten=region,
            name="Dinas Komunikasi dan Informatika",  # data, in Indonesian whatever the UI
            short_name="Diskominfo",
            kind=Office.Kind.DISKOMINFO,
        )
    with workspace_scope(None):  # the platform's step, whichever kabupaten is chosen
        _create_general_category(actor, region, office, tenant)


def _create_general_category(actor: User, region: Region, office: Office, tenant: Tenant) -> None:
    category_create(
        actor=actor,
        kabupaten=region,
        data={
            "name": "Umum",
            "office": office,
            "verify_days": tenant.verify_days,
            "answer_days": tenant.answer_days,
            "is_active": True,
        },
    )


def tenant_create(
    *,
    actor: User,
    region: Region,
    data: dict[str, Any],
    hosts: Iterable[str],
    logo: IO[bytes] | None = None,
) -> Tenant:
    """A new tenant for a kabupaten/kota that has none, answering on ``hosts``."""
    _require_operator(actor)
    if region.level != Region.Level.KABUPATEN:
        raise ValidationError({"region": _("Pilih sebuah kabupaten/kota.")})
    if Tenant.objects.filter(region=region).exists():
        raise ValidationError(
            {"region": _("%(region)s sudah menjadi tenant.") % {"region": region.name}}
        )
    cleaned = clean_hosts(hosts)
    values = {name: data[name] for name in SETTINGS_FIELDS if name in data}
    if not values.get("time_zone"):
        values["time_zone"] = province_zone(region.code)
    given = [name for name in SECRET_FIELDS if data.get(name)]
    values.update({name: data[name] for name in given})
    with removed_on_failure() as written, transaction.atomic():
        tenant = Tenant(region=region, **values)
        if logo is not None:
            _store_logo(tenant, logo, written)
        tenant.save()
        _replace_hosts(tenant, cleaned)
        _first_category(actor=actor, tenant=tenant)
        audit_record(
            actor=actor,
            action=AuditAction.TENANT_CREATE,
            target=tenant,
            after={**snapshot(tenant, ["region", *SETTINGS_FIELDS, "logo"]), "hosts": cleaned},
            note=_secrets_note(given),
            tenant=tenant,
        )
    return tenant


def tenant_update(
    *,
    actor: User,
    tenant: Tenant,
    data: dict[str, Any],
    hosts: Iterable[str],
    logo: IO[bytes] | None = None,
    clear_logo: bool = False,
) -> Tenant:
    """Change a tenant's settings (one audit row for the fields that changed) and its hosts
    (one row when they changed). A blank secret keeps the stored one."""
    _require_operator(actor)
    cleaned = clean_hosts(hosts, tenant=tenant)
    values = {name: data[name] for name in SETTINGS_FIELDS if name in data}
    if "time_zone" in values and not values["time_zone"]:
        values["time_zone"] = province_zone(tenant.code)
    given = [
        name for name in SECRET_FIELDS if data.get(name) and data[name] != getattr(tenant, name)
    ]
    values.update({name: data[name] for name in given})
    old_hosts = tenant_hosts(tenant)
    with removed_on_failure() as written, transaction.atomic():
        if logo is not None:
            old_logo = tenant.logo.name
            _store_logo(tenant, logo, written)
            values["logo"] = tenant.logo.name
            tenant.logo.name = old_logo  # (audited_update records old and new)
        elif clear_logo and tenant.logo:
            values["logo"] = ""
        audited_update(
            actor=actor,
            instance=tenant,
            data=values,
            action=AuditAction.TENANT_UPDATE,
            omit=SECRET_FIELDS,
            note=_secrets_note(given),
            tenant=tenant,
        )
        if cleaned != old_hosts:
            _replace_hosts(tenant, cleaned)
            audit_record(
                actor=actor,
                action=AuditAction.TENANT_HOSTS,
                target=tenant,
                before={"hosts": old_hosts},
                after={"hosts": cleaned},
                tenant=tenant,
            )
    return tenant


def tenant_set_active(*, actor: User, tenant: Tenant, active: bool) -> Tenant:
    """Deactivate a tenant (its hosts then answer with the list of tenants; nothing is
    deleted) or activate it again."""
    _require_operator(actor)
    audited_update(
        actor=actor,
        instance=tenant,
        data={"is_active": active},
        action=AuditAction.TENANT_ACTIVATE if active else AuditAction.TENANT_DEACTIVATE,
        tenant=tenant,
    )
    return tenant
