"""Forum KIM: the public page of each forum (/forum-kim/) and Diskominfo's records of them
(/kelola/forum-kim/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jembatan.accounts.access import administered_kabupaten
from jembatan.communities import services
from jembatan.communities.access import can_manage_forum, get_forum_for_user, get_forums_for_user
from jembatan.communities.forms import ForumForm, ForumPengurusForm
from jembatan.communities.models import Forum, ForumPengurus, Kim, Position
from jembatan.core.pagecache import cache_public_page
from jembatan.core.service_calls import service_errors


def _pengurus(forum: Forum) -> tuple[list[ForumPengurus], list[ForumPengurus]]:
    """The forum's people now serving (by post) and those who served before."""
    people = list(forum.pengurus.select_related("kim"))
    order = {value: i for i, value in enumerate(Position.values)}
    current = sorted(
        (p for p in people if p.ended_on is None),
        key=lambda p: (order.get(p.position, 99), p.seksi_name, p.full_name),
    )
    return current, [p for p in people if p.ended_on is not None]


@require_safe
@cache_public_page
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = Forum.objects.served().select_related("region")
    return render(request, "communities/forum_list.html", {"forums": forums})


@require_safe
@cache_public_page
def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    forum = get_object_or_404(
        Forum.objects.served()
        .select_related("region")
        .prefetch_related(Prefetch("kims", queryset=Kim.objects.served().select_related("region"))),
        slug=slug,
    )
    current, former = _pengurus(forum)
    return render(
        request,
        "communities/forum_detail.html",
        {"forum": forum, "current": current, "former": former},
    )


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    administered = administered_kabupaten(request.user)
    if not administered:
        raise PermissionDenied(_("Hanya Diskominfo yang dapat mengelola Forum KIM."))
    forums = get_forums_for_user(request.user).select_related("region")
    return render(request, "communities/forum_manage_list.html", {"forums": forums})


@login_required
def manage_create(request: HttpRequest) -> HttpResponse:
    administered = administered_kabupaten(request.user)
    if not administered:
        raise PermissionDenied(_("Hanya Diskominfo yang dapat mengelola Forum KIM."))
    form = ForumForm(request.POST or None, administered=administered)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Forum KIM tersimpan.")) as call:
            forum = services.forum_create(actor=request.user, data=form.cleaned_data)
        if call.ok:
            return redirect("forums:manage", slug=forum.slug)
    return render(request, "communities/forum_form.html", {"form": form, "forum": None})


@login_required
def manage_edit(request: HttpRequest, slug: str) -> HttpResponse:
    forum = get_forum_for_user(request.user, slug)
    administered = [r for r in administered_kabupaten(request.user) if r.code == forum.kabupaten_id]
    form = ForumForm(request.POST or None, instance=forum, administered=administered)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["slug"] = data.get("slug") or forum.slug
        with service_errors(request, form, success=_("Forum KIM tersimpan.")) as call:
            forum = services.forum_update(actor=request.user, forum=forum, data=data)
        if call.ok:
            return redirect("forums:manage", slug=forum.slug)
    return render(request, "communities/forum_form.html", {"form": form, "forum": forum})


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    forum = get_forum_for_user(request.user, slug)
    form = ForumPengurusForm(request.POST or None, forum=forum)
    if request.method == "POST":
        if not can_manage_forum(request.user, forum):
            raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang dapat melakukannya."))
        if form.is_valid():
            with service_errors(request, form, success=_("Pengurus forum ditambahkan.")) as call:
                services.forum_pengurus_add(actor=request.user, forum=forum, data=form.cleaned_data)
            if call.ok:
                return redirect("forums:manage", slug=forum.slug)
    current, former = _pengurus(forum)
    return render(
        request,
        "communities/forum_manage.html",
        {
            "forum": forum,
            "form": form,
            "current": current,
            "former": former,
            "kims": forum.kims.select_related("region"),
        },
    )


@login_required
@require_POST
def manage_pengurus_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, slug)
    person = get_object_or_404(forum.pengurus.select_related("forum"), pk=pk, ended_on__isnull=True)
    with service_errors(request, success=_("Masa jabatan diakhiri.")):
        services.forum_pengurus_end(actor=request.user, person=person)
    return redirect("forums:manage", slug=forum.slug)
