"""Comment form and reports on public posts; the moderation queue in the workspace."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jembatan.core import moderation
from jembatan.core.moderation import HoneypotForm, Visibility, submit_public_text
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.sites.access import can_approve_posts, get_writable_kim_for_user
from jembatan.sites.comments import MAX_BODY, comment_create, comment_moderate, comment_report
from jembatan.sites.models import Comment, served_posts

COMMENT_LIMIT, COMMENT_WINDOW = 5, 600
REPORT_LIMIT, REPORT_WINDOW = 20, 3600


class CommentForm(HoneypotForm):
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=80)
    body = forms.CharField(
        label=gettext_lazy("Komentar"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    field_order = ["name", "body", "website"]


def post_page(request: HttpRequest, post, form: CommentForm | None = None, status: int = 200):
    comments = post.comments.filter(visibility=Visibility.PUBLISHED)
    return render(
        request,
        "sites/post_detail.html",
        {
            "kim": post.kim,
            "post": post,
            "comments": comments,
            "comment_form": form or CommentForm(),
        },
        status=status,
    )


@require_POST
def comment_submit(request: HttpRequest, kim: str, slug: str) -> HttpResponse:
    post = get_object_or_404(served_posts(), kim__slug=kim, slug=slug)
    form = CommentForm(request.POST)
    back = f"{post.get_absolute_url()}#komentar"
    response, status = submit_public_text(
        request,
        form,
        scope="comment",
        limit=COMMENT_LIMIT,
        window=COMMENT_WINDOW,
        create=lambda data: comment_create(post=post, name=data["name"], body=data["body"]),
        bot_to=back,
        shown=_("Terima kasih. Komentar Anda sudah tampil."),
        held=_("Terima kasih. Komentar Anda tampil setelah disetujui pengurus KIM."),
        anchor=lambda _comment: back,
    )
    return response or post_page(request, post, form, status=status)


@require_POST
def comment_report_view(request: HttpRequest, kim: str, slug: str, pk: int) -> HttpResponse:
    post = get_object_or_404(served_posts(), kim__slug=kim, slug=slug)
    comment = get_object_or_404(post.comments, pk=pk, visibility=Visibility.PUBLISHED)
    key = visitor_key(request)
    if not rate_limit_exceeded(
        f"report:{comment.pk}", key, limit=1, window=REPORT_WINDOW
    ) and not rate_limit_exceeded("report", key, limit=REPORT_LIMIT, window=REPORT_WINDOW):
        comment_report(comment=comment)
    messages.success(request, _("Terima kasih, laporan Anda akan diperiksa pengurus KIM."))
    return redirect(f"{post.get_absolute_url()}#komentar")


@login_required
def moderation_queue(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    if not can_approve_posts(request.user, obj):
        raise Http404(_("Halaman tidak ditemukan."))
    comments = (
        Comment.objects.filter(moderation.NEEDS_DECISION, post__kim=obj)
        .select_related("post")
        .order_by("-report_count", "created_at")[:200]
    )
    items = [
        moderation.QueueItem(
            obj=c,
            author=c.name,
            where=c.post.title,
            where_url=c.post.get_absolute_url(),
            action_url=reverse("sites:manage_comment_action", args=[obj.slug, c.pk]),
        )
        for c in comments
    ]
    return render(request, "sites/manage/comments.html", {"kim": obj, "items": items})


@login_required
@require_POST
def moderation_action(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    comment = get_object_or_404(Comment.objects.select_related("post__kim"), pk=pk, post__kim=obj)
    with service_errors(request) as call:
        comment_moderate(actor=request.user, comment=comment, action=request.POST.get("action", ""))
    if call.ok:
        messages.success(request, _("Komentar diperbarui."))
    return redirect("sites:manage_comments", kim=obj.slug)
