"""KIM registry in the workspace (/kelola/kim/...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jembatan.accounts.access import (
    administers_any_kabupaten,
    get_administered_kabupaten_for_user,
    is_operator,
)
from jembatan.accounts.audit import audit_for
from jembatan.accounts.tasks import send_invitation
from jembatan.communities import services
from jembatan.communities.access import (
    can_edit_profile,
    can_manage_members,
    get_kim_for_user,
    get_kims_for_user,
)
from jembatan.communities.forms import KimForm, MemberAddForm, MemberUpdateForm
from jembatan.communities.models import Kim, Position
from jembatan.communities.workspace import mark_kims
from jembatan.core.params import get_page
from jembatan.core.service_calls import service_errors
from jembatan.core.tasks import enqueue_on_commit

KIM_PAGE_SIZE = 50


def _administered(request: HttpRequest, kim: Kim | None = None) -> list:
    regions = get_administered_kabupaten_for_user(request.user)
    if kim is not None:
        regions = regions.filter(code=kim.kabupaten_id)
    return list(regions)


@login_required
@require_safe
def kim_list(request: HttpRequest) -> HttpResponse:
    """Every KIM the user works in, by name, page by page: the whole list behind the
    workspace home's panel (which shows the first few)."""
    user = request.user
    kims = get_kims_for_user(user).select_related("region", "kabupaten").order_by("name", "pk")
    page = get_page(Paginator(kims, KIM_PAGE_SIZE), request.GET.get("halaman"))
    page.object_list = mark_kims(user, list(page.object_list))
    return render(
        request,
        "communities/kim_list.html",
        {"page": page, "can_register_kim": is_operator(user) or administers_any_kabupaten(user)},
    )


@login_required
def kim_create(request: HttpRequest) -> HttpResponse:
    administered = _administered(request)
    if not administered:
        raise PermissionDenied(_("Hanya Diskominfo yang dapat mendaftarkan KIM."))
    form = KimForm(request.POST or None, administered=administered)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as call:
            kim = services.kim_create(actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("%(name)s terdaftar.") % {"name": kim.name})
            return redirect("communities:manage", kim=kim.slug)
    return render(request, "communities/kim_form.html", {"form": form, "kim": None})


@login_required
def kim_manage(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_kim_for_user(request.user, kim)
    members = obj.memberships.select_related("user").by_rank()
    history = list(audit_for(obj).select_related("actor")[:10])
    terms = obj.terms.select_related("membership__user")[:50]
    return render(
        request,
        "communities/kim_manage.html",
        {
            "kim": obj,
            "members": members,
            "can_edit": can_edit_profile(request.user, obj),
            "can_manage_members": can_manage_members(request.user, obj),
            "administers": bool(_administered(request, obj)),
            "positions": Position.choices,
            "history": history,
            "terms": terms,
            "decree_state": obj.decree_state(),
        },
    )


@login_required
def kim_edit(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_kim_for_user(request.user, kim)
    if not can_edit_profile(request.user, obj):
        raise PermissionDenied(_("Anda tidak berhak mengubah profil KIM ini."))
    form = KimForm(
        request.POST or None,
        request.FILES or None,
        instance=obj,
        administered=_administered(request, obj),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scan = data.pop("sk_scan", None)
        if "slug" in data and not data["slug"]:
            data["slug"] = obj.slug
        with service_errors(request, form, success=_("Profil KIM disimpan.")) as call:
            obj.refresh_from_db()
            obj = services.kim_update(actor=request.user, kim=obj, data=data, sk_scan=scan)
        if call.ok:
            return redirect("communities:manage", kim=obj.slug)
    return render(request, "communities/kim_form.html", {"form": form, "kim": obj})


@login_required
@require_POST
def kim_verify(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_kim_for_user(request.user, kim)
    services.kim_verify(actor=request.user, kim=obj)
    messages.success(request, _("%(name)s terverifikasi.") % {"name": obj.name})
    return redirect("communities:manage", kim=obj.slug)


@login_required
def member_add(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_kim_for_user(request.user, kim)
    if not can_manage_members(request.user, obj):
        raise PermissionDenied(_("Hanya ketua KIM atau Diskominfo yang dapat mengelola anggota."))
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as call:
            membership = services.kim_member_add(actor=request.user, kim=obj, **form.cleaned_data)
        if call.ok:
            user = membership.user
            if not user.has_usable_password():
                base_url = request.build_absolute_uri("/")
                enqueue_on_commit(
                    send_invitation, user.pk, base_url, obj.name, last_invited_at=user.invited_at
                )
            if not user.email and not user.has_usable_password():
                messages.warning(
                    request,
                    _(
                        "Akun ini belum punya email, jadi belum bisa masuk. Minta Diskominfo "
                        "menambahkan email atau kata sandinya."
                    ),
                )
            messages.success(
                request,
                _("%(name)s ditambahkan sebagai %(position)s.")
                % {"name": user.full_name, "position": membership.get_position_display()},
            )
            return redirect("communities:manage", kim=obj.slug)
    return render(request, "communities/member_form.html", {"form": form, "kim": obj})


@login_required
@require_POST
def member_update(request: HttpRequest, kim: str, member: int) -> HttpResponse:
    obj = get_kim_for_user(request.user, kim)
    membership = get_object_or_404(obj.memberships.select_related("user"), pk=member)
    form = MemberUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Jabatan tidak dikenal."))
        return redirect("communities:manage", kim=obj.slug)
    with service_errors(request) as call:
        services.kim_member_update(actor=request.user, membership=membership, **form.cleaned_data)
    if call.ok:
        messages.success(
            request, _("Keanggotaan %(name)s diperbarui.") % {"name": membership.user.full_name}
        )
    return redirect("communities:manage", kim=obj.slug)
