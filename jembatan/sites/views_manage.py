"""Writing and publishing posts in the workspace (/kelola/kim/<kim>/berita/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jembatan.communities.access import can_edit_profile, get_kim_for_user
from jembatan.communities.models import Kim
from jembatan.core.service_calls import service_errors
from jembatan.sites import photo_services, services
from jembatan.sites.access import (
    can_approve_posts,
    can_edit_post,
    get_post_for_user,
    get_posts_for_user,
    get_writable_kim_for_user,
)
from jembatan.sites.forms import PostForm, ScheduleForm
from jembatan.sites.models import Category


@login_required
def post_list(request: HttpRequest, kim: str) -> HttpResponse:
    obj, posts = get_posts_for_user(request.user, kim)
    status = request.GET.get("status", "")
    if status in dict(services.Post.Status.choices):
        posts = posts.filter(status=status)
    return render(
        request,
        "sites/manage/post_list.html",
        {
            "kim": obj,
            "posts": posts.order_by("-updated_at")[:100],
            "status": status,
            "statuses": services.Post.Status.choices,
            "can_approve": can_approve_posts(request.user, obj),
        },
    )


def _data_with_new_photo(request: HttpRequest, form: PostForm, kim: Kim) -> dict | None:
    """The form's data; a photo taken in the form goes to the KIM's library first and
    becomes the post's photo. None (errors on the form) when the photo is refused."""
    data = dict(form.cleaned_data)
    upload = data.pop("new_photo", None)
    caption = data.pop("new_photo_caption", "")
    if upload is None:
        return data
    renamed = {"file": "new_photo", "caption": "new_photo_caption"}
    with service_errors(request, form, field="new_photo", rename=renamed, denied=True) as call:
        photo = photo_services.photo_upload(
            actor=request.user, kim=kim, file=upload, caption=caption
        )
    if not call.ok:
        return None
    data["photo"] = photo
    # Should the post itself be refused, the form comes back with this photo chosen.
    form.data = form.data.copy()
    form.data["photo"] = str(photo.pk)
    form.show_library()
    return data


@login_required
def post_create(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    form = PostForm(request.POST or None, request.FILES or None, kim=obj)
    if request.method == "POST" and form.is_valid():
        data = _data_with_new_photo(request, form, obj)
        if data is not None:
            with service_errors(request, form, success=_("Draf tersimpan.")) as call:
                post = services.post_create(actor=request.user, kim=obj, data=data)
            if call.ok:
                return redirect("sites:manage_post_edit", kim=obj.slug, pk=post.pk)
    return render(request, "sites/manage/post_form.html", {"kim": obj, "form": form, "post": None})


@login_required
def post_edit(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, kim, pk)
    editable = can_edit_post(request.user, post)
    form = PostForm(request.POST or None, request.FILES or None, instance=post, kim=post.kim)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Anda tidak berhak mengubah berita ini."))
        if form.is_valid():
            data = _data_with_new_photo(request, form, post.kim)
            if data is not None:
                data["slug"] = data.get("slug") or post.slug
                with service_errors(request, form) as call:
                    post = services.post_update(actor=request.user, post=post, data=data)
                if call.ok:
                    then = request.POST.get("then", "")
                    if then:
                        # "Simpan dan terbitkan": the edits are saved first, never lost.
                        _transition(request, post, then)
                    else:
                        messages.success(request, _("Perubahan tersimpan."))
                    return redirect("sites:manage_post_edit", kim=kim, pk=post.pk)
    return render(
        request,
        "sites/manage/post_form.html",
        {
            "kim": post.kim,
            "form": form,
            "post": post,
            "editable": editable,
            "actions": [
                (a, services.POST_MACHINE[a].label)
                for a in services.post_actions_for_user(request.user, post)
            ],
            "schedule_form": ScheduleForm(),
            "revisions": post.revisions.select_related("author")[:10],
        },
    )


@login_required
@require_POST
def post_action(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, kim, pk)
    action = request.POST.get("action", "")
    schedule = ScheduleForm(request.POST)
    if not schedule.is_valid():
        messages.error(request, _("Jadwal terbit tidak valid."))
        return redirect("sites:manage_post_edit", kim=kim, pk=pk)
    _transition(request, post, action, publish_at=schedule.cleaned_data.get("publish_at"))
    return redirect("sites:manage_post_edit", kim=kim, pk=pk)


def _transition(request: HttpRequest, post, action: str, *, publish_at=None) -> None:
    """Move a post along its workflow and tell the writer how it went."""
    if publish_at is None and action == "publish":
        schedule = ScheduleForm(request.POST)
        publish_at = schedule.cleaned_data.get("publish_at") if schedule.is_valid() else None
    with service_errors(request) as call:
        post = services.post_transition(
            actor=request.user, post=post, action=action, publish_at=publish_at
        )
    if call.ok:
        if post.is_scheduled:
            messages.success(
                request,
                _("Berita dijadwalkan terbit %(when)s.")
                % {"when": date_format(timezone.localtime(post.published_at), "j F Y H.i")},
            )
        else:
            messages.success(
                request, _("Status berita: %(status)s.") % {"status": post.get_status_display()}
            )


@login_required
@require_POST
def post_restore(request: HttpRequest, kim: str, pk: int, revision: int) -> HttpResponse:
    post = get_post_for_user(request.user, kim, pk)
    rev = get_object_or_404(post.revisions, pk=revision)
    services.post_restore_revision(actor=request.user, post=post, revision=rev)
    messages.success(request, _("Revisi dipulihkan."))
    return redirect("sites:manage_post_edit", kim=kim, pk=pk)


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama kategori"), max_length=60)


@login_required
def category_list(request: HttpRequest, kim: str) -> HttpResponse:
    """Categories of a KIM's news: pengurus add and remove them."""
    obj = get_writable_kim_for_user(request.user, kim)
    may_edit = can_approve_posts(request.user, obj)
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Hanya ketua atau sekretaris yang dapat mengubah kategori."))
        if form.is_valid():
            with service_errors(request, form, success=_("Kategori ditambahkan.")) as call:
                services.category_create(
                    actor=request.user, kim=obj, name=form.cleaned_data["name"]
                )
            if call.ok:
                return redirect("sites:manage_categories", kim=obj.slug)
    return render(
        request,
        "sites/manage/categories.html",
        {
            "kim": obj,
            "form": form,
            "may_edit": may_edit,
            "categories": Category.objects.filter(kim=obj).annotate(n=Count("posts")),
        },
    )


@login_required
@require_POST
def category_delete(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    category = get_object_or_404(Category, kim=obj, pk=pk)
    services.category_delete(actor=request.user, category=category)
    messages.success(request, _("Kategori dihapus; beritanya tetap ada."))
    return redirect("sites:manage_categories", kim=obj.slug)


@login_required
@require_POST
def kimid_import(request: HttpRequest, kim: str) -> HttpResponse:
    """The staff button: read the KIM's kim.id feed now (the same import runs hourly)."""
    obj = get_kim_for_user(request.user, kim)
    if not can_edit_profile(request.user, obj):
        raise PermissionDenied(_("Anda tidak berhak mengambil berita kim.id KIM ini."))
    result = services.kim_feed_import(actor=request.user, kim=obj)
    if result.error:
        messages.error(
            request, _("Berita kim.id tidak dapat diambil: %(error)s") % {"error": result.error}
        )
    else:
        messages.success(
            request,
            _("Berita kim.id diambil: %(created)s baru, %(updated)s diperbarui.")
            % {"created": result.created, "updated": result.updated},
        )
    return redirect("communities:manage", kim=obj.slug)
