"""/kelola/platform/tenant/: the platform operator lists the kabupaten/kota served, creates
one, edits it and deactivates (or activates again) it. Every write goes through
``tenant_services`` (an audit row each); every POST that succeeds redirects (PRG)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jembatan.accounts.access import is_operator
from jembatan.core.service_calls import service_errors
from jembatan.regions.models import Region
from jembatan.tenants.models import Tenant
from jembatan.workspace import tenant_services
from jembatan.workspace.tenant_forms import TenantForm


def _require_operator(request: HttpRequest) -> None:
    if not is_operator(request.user, platform=True):
        raise PermissionDenied(_("Hanya operator platform yang mengelola tenant."))


def _tenant(pk: int) -> Tenant:
    return get_object_or_404(Tenant.objects.select_related("region"), pk=pk)


@never_cache
@login_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    tenants = Tenant.objects.select_related("region").prefetch_related("hosts")
    return render(request, "workspace/tenants/list.html", {"tenants": tenants})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tenant_create(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    form = TenantForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                tenant = tenant_services.tenant_create(
                    actor=request.user,
                    region=form.cleaned_data["region"],
                    data=form.settings_data(),
                    hosts=form.cleaned_data["hosts"],
                    logo=form.cleaned_data.get("logo"),
                )
            if call.ok:
                messages.success(request, _("Tenant “%(name)s” dibuat.") % {"name": tenant.name})
                return redirect("workspace:tenants")
        status = 400
    free = Region.objects.filter(level=Region.Level.KABUPATEN, tenant__isnull=True).order_by("code")
    return render(
        request,
        "workspace/tenants/form.html",
        {"form": form, "tenant": None, "kabupaten": free},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_operator(request)
    tenant = _tenant(pk)
    form = TenantForm(request.POST or None, request.FILES or None, tenant=tenant)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(request, form) as call:
                tenant_services.tenant_update(
                    actor=request.user,
                    tenant=tenant,
                    data=form.settings_data(),
                    hosts=form.cleaned_data["hosts"],
                    logo=form.cleaned_data.get("logo"),
                    clear_logo=form.cleaned_data.get("clear_logo", False),
                )
            if call.ok:
                messages.success(request, _("Tenant “%(name)s” disimpan.") % {"name": tenant.name})
                return redirect("workspace:tenants")
        status = 400
    return render(
        request, "workspace/tenants/form.html", {"form": form, "tenant": tenant}, status=status
    )


@login_required
@require_POST
def tenant_set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    """Deactivates (``active=False``) or activates again the tenant: one view, two URLs."""
    _require_operator(request)
    tenant = _tenant(pk)
    tenant_services.tenant_set_active(actor=request.user, tenant=tenant, active=active)
    if active:
        message = _("Tenant “%(name)s” diaktifkan.")
    else:
        message = _("Tenant “%(name)s” dinonaktifkan.")
    messages.success(request, message % {"name": tenant.name})
    return redirect("workspace:tenants")
