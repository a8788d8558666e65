"""The signed-in home (/kelola/), the notifications page, the tenant switcher of staff who
act in several kabupaten/kota and the audit trail of a tenant.

The home knows no app: it shows what the apps registered in ``core.registry`` (each in
its ``workspace.py``), for the user: the tool buttons, the "today" queues (what needs
doing now, with counts) and the panels (the user's roles and KIMs, the KIM inboxes).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from jembatan.accounts.access import administered_kabupaten, is_operator
from jembatan.accounts.models import AuditLog
from jembatan.accounts.notifications import (
    notification_mark_read,
    notification_text,
    notification_title,
    notifications_for_user,
)
from jembatan.accounts.tenant_scope import (
    ALL_TENANTS,
    choose_workspace_tenant,
    forget_workspace_tenant,
    scope_code,
    tenants_for_user,
    workspace_tenant,
)
from jembatan.core.params import get_page
from jembatan.core.registry import PANELS, TODAY, TOOLS
from jembatan.tenants.models import Tenant
from jembatan.workspace.shared import home_entries

AUDIT_PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The user itself, not lazy proxies: accounts.middleware.OTPMiddleware evaluates them.
    user = request.user
    tenants = tenants_for_user(user)
    entries = home_entries(user)
    return render(
        request,
        "workspace/home.html",
        {
            "tools": entries[TOOLS],
            "today": entries[TODAY],
            "panels": entries[PANELS],
            # The switcher, for staff who act in more than one kabupaten/kota.
            "workspace_tenant": workspace_tenant(request),
            "tenant_chosen": scope_code(request),
            "tenant_choices": tenants if len(tenants) > 1 else [],
        },
    )


@login_required
@require_POST
def tenant_switch(request: HttpRequest) -> HttpResponse:
    """Keep the kabupaten/kota the user works in (one they may act in) in the session;
    "semua" goes back to every kabupaten/kota of their roles."""
    if request.POST.get("tenant") == ALL_TENANTS:
        forget_workspace_tenant(request)
        messages.success(request, _("Ruang kerja: semua kabupaten/kota Anda."))
        return redirect("workspace:home")
    tenant = choose_workspace_tenant(request, request.POST.get("tenant", ""))
    if tenant is None:
        raise PermissionDenied(_("Anda tidak bertugas di kabupaten/kota itu."))
    messages.success(request, _("Ruang kerja: %(name)s.") % {"name": tenant.name})
    return redirect("workspace:home")


def can_read_audit_log(user) -> bool:
    """Operators (every tenant) and Diskominfo (the tenants of their kabupaten)."""
    return is_operator(user) or bool(administered_kabupaten(user))


def audit_tenants_for_user(user) -> list[Tenant]:
    """The tenants whose audit rows the user reads."""
    tenants = tenants_for_user(user)
    if is_operator(user):
        return tenants
    administered = {region.code for region in administered_kabupaten(user)}
    return [t for t in tenants if t.code in administered]


@never_cache
@login_required
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail: a Diskominfo reads the rows of its tenant only; an operator reads
    every row, or one tenant's (?tenant=61.07)."""
    user = request.user
    if not can_read_audit_log(user):
        raise PermissionDenied(_("Catatan audit untuk Diskominfo kabupaten/kota dan operator."))
    tenants = audit_tenants_for_user(user)
    chosen = next((t for t in tenants if t.code == request.GET.get("tenant")), None)
    rows = AuditLog.objects.select_related("actor", "tenant")
    if chosen is not None:
        rows = rows.filter(tenant=chosen)
    elif not is_operator(user):
        rows = rows.filter(tenant__in=[t.pk for t in tenants])
    page = get_page(Paginator(rows, AUDIT_PAGE_SIZE), request.GET.get("halaman"))
    return render(
        request,
        "workspace/audit_log.html",
        {
            "page": page,
            "tenants": tenants if len(tenants) > 1 else [],
            "chosen": chosen,
            "all_tenants": is_operator(user),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications; POST marks them all read."""
    if request.method == "POST":
        notification_mark_read(user=request.user)
        messages.success(request, _("Semua pemberitahuan ditandai sudah dibaca."))
        return redirect("workspace:notifications")
    page = get_page(Paginator(notifications_for_user(request.user), 30), request.GET.get("halaman"))
    for n in page.object_list:
        n.title = notification_title(n)
        n.text = notification_text(n)
    return render(request, "workspace/notifications.html", {"page": page})
