"""Public pages and workspace editing for potensi, produk, agenda and halaman."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jembatan.communities.models import STRUCTURE, Kim, KimTerm
from jembatan.core.pagecache import cache_public_page
from jembatan.core.service_calls import service_errors
from jembatan.sites.access import can_approve_posts, get_writable_kim_for_user
from jembatan.sites.content import (
    KINDS,
    content_delete,
    content_save,
    get_kind,
    whatsapp_order_link,
)
from jembatan.sites.models import Event, Photo, kim_photo_of
from jembatan.sites.views import _page

# Terms of office shown in a KIM's public pengurus history, the latest first.
PENGURUS_HISTORY_LIMIT = 30


def _public_kim(slug: str) -> Kim:
    return get_object_or_404(Kim.objects.served().select_related("region__parent"), slug=slug)


@require_safe
@cache_public_page
def content_list(request: HttpRequest, kim: str, kind: str) -> HttpResponse:
    obj, content_kind = _public_kim(kim), get_kind(kind)
    items = content_kind.public(obj)
    upcoming = None
    if content_kind.model is Event:
        now = timezone.now()
        upcoming = list(items.filter(starts_at__gte=now - timezone.timedelta(hours=12)))
        items = items.filter(starts_at__lt=now - timezone.timedelta(hours=12)).order_by(
            "-starts_at"
        )
    return render(
        request,
        "sites/content_list.html",
        {
            "kim": obj,
            "kind": content_kind,
            "page": _page(request, items),
            "upcoming": upcoming,
        },
    )


@require_safe
@cache_public_page
def content_detail(request: HttpRequest, kim: str, kind: str, slug: str) -> HttpResponse:
    obj, content_kind = _public_kim(kim), get_kind(kind)
    item = get_object_or_404(content_kind.public(obj), slug=slug)
    item.kim = obj
    order_link = None
    if content_kind.segment == "produk" and item.whatsapp:
        order_link = whatsapp_order_link(item, request.build_absolute_uri(item.get_absolute_url()))
    return render(
        request,
        "sites/content_detail.html",
        {
            "kim": obj,
            "kind": content_kind,
            "item": item,
            "order_link": order_link,
        },
    )


@login_required
def manage_list(request: HttpRequest, kim: str, kind: str) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    content_kind = get_kind(kind)
    return render(
        request,
        "sites/manage/content_list.html",
        {
            "kim": obj,
            "kind": content_kind,
            "kinds": KINDS.values(),
            "items": content_kind.queryset(obj).order_by("-updated_at")[:200],
        },
    )


@login_required
def manage_edit(request: HttpRequest, kim: str, kind: str, pk: int | None = None) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    content_kind = get_kind(kind)
    instance = get_object_or_404(content_kind.queryset(obj), pk=pk) if pk else None
    form = content_kind.form_class()(request.POST or None, instance=instance)
    if "photo" in form.fields:
        form.fields["photo"].queryset = Photo.objects.filter(kim=obj)
    if "photos" in form.fields:
        form.fields["photos"].queryset = Photo.objects.filter(kim=obj, purpose=Photo.Purpose.PHOTO)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, denied=True, success=_("Tersimpan.")) as call:
            item = content_save(
                actor=request.user,
                kim=obj,
                kind=content_kind,
                data=form.cleaned_data,
                instance=instance,
            )
        if call.ok:
            return redirect("sites:manage_content_edit", kim=obj.slug, kind=kind, pk=item.pk)
    return render(
        request,
        "sites/manage/content_form.html",
        {
            "kim": obj,
            "kind": content_kind,
            "form": form,
            "item": instance,
            "can_delete": instance is not None
            and (
                can_approve_posts(request.user, obj)
                or (instance.created_by_id == request.user.pk and not instance.is_published)
            ),
        },
    )


@login_required
@require_POST
def manage_delete(request: HttpRequest, kim: str, kind: str, pk: int) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    content_kind = get_kind(kind)
    instance = get_object_or_404(content_kind.queryset(obj), pk=pk)
    content_delete(actor=request.user, kim=obj, kind=content_kind, instance=instance)
    messages.success(request, _("Dihapus."))
    return redirect("sites:manage_content", kim=obj.slug, kind=kind)


@require_safe
@cache_public_page
def kim_profile(request: HttpRequest, kim: str) -> HttpResponse:
    obj = _public_kim(kim)
    members = obj.memberships.filter(is_active=True).select_related("user").by_rank()
    return render(
        request,
        "sites/kim_profile.html",
        {
            "kim": obj,
            "members": members,
            "pages": KINDS["halaman"].public(obj),
            "logo": kim_photo_of(obj, Photo.Purpose.LOGO),
            "decree": kim_photo_of(obj, Photo.Purpose.DECREE),
            # Names of pengurus are public while they serve (above); so is who served before.
            "terms": KimTerm.objects.filter(kim=obj, position__in=STRUCTURE)
            .select_related("membership__user")
            .order_by("-started_on", "-id")[:PENGURUS_HISTORY_LIMIT],
            "forums": obj.forums.filter(is_active=True),
        },
    )
