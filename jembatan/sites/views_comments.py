"""Comment form and reports on public posts; the moderation queue in the workspace."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.sites.access import can_approve_posts, get_writable_kim_for_user
from jembatan.sites.comments import comment_create, comment_moderate, comment_report
from jembatan.sites.models import Comment, live_posts

COMMENT_LIMIT, COMMENT_WINDOW = 5, 600
REPORT_LIMIT, REPORT_WINDOW = 20, 3600


class CommentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=80)
    body = forms.CharField(
        label=gettext_lazy("Komentar"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=gettext_lazy("Jangan diisi"))


def post_page(request: HttpRequest, post, form: CommentForm | None = None, status: int = 200):
    comments = post.comments.filter(status=Comment.Status.APPROVED)
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
    post = get_object_or_404(live_posts(), kim__slug=kim, slug=slug)
    form = CommentForm(request.POST)
    if rate_limit_exceeded(
        "comment", visitor_key(request), limit=COMMENT_LIMIT, window=COMMENT_WINDOW
    ):
        form.is_valid()
        form.add_error(None, _("Terlalu banyak komentar dari Anda. Coba lagi beberapa menit lagi."))
        return post_page(request, post, form, status=429)
    if not form.is_valid():
        return post_page(request, post, form, status=400)
    if form.cleaned_data["website"]:
        # Tell the bot it worked; keep nothing.
        return redirect(f"{post.get_absolute_url()}#komentar")
    with service_errors(request, form) as call:
        comment = comment_create(
            post=post, name=form.cleaned_data["name"], body=form.cleaned_data["body"]
        )
    if not call.ok:
        return post_page(request, post, form, status=400)
    if comment.status == Comment.Status.PENDING:
        messages.success(
            request, _("Terima kasih. Komentar Anda tampil setelah disetujui pengurus KIM.")
        )
    else:
        messages.success(request, _("Terima kasih. Komentar Anda sudah tampil."))
    return redirect(f"{post.get_absolute_url()}#komentar")


@require_POST
def comment_report_view(request: HttpRequest, kim: str, slug: str, pk: int) -> HttpResponse:
    post = get_object_or_404(live_posts(), kim__slug=kim, slug=slug)
    comment = get_object_or_404(post.comments, pk=pk, status=Comment.Status.APPROVED)
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
        Comment.objects.filter(post__kim=obj)
        .filter(Q(status=Comment.Status.PENDING) | Q(report_count__gt=0))
        .select_related("post")
        .order_by("-report_count", "created_at")[:200]
    )
    return render(
        request,
        "sites/manage/comments.html",
        {
            "kim": obj,
            "comments": comments,
            "statuses": Comment.Status,
        },
    )


@login_required
@require_POST
def moderation_action(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    comment = get_object_or_404(Comment.objects.select_related("post__kim"), pk=pk, post__kim=obj)
    with service_errors(request) as call:
        comment_moderate(actor=request.user, comment=comment, status=request.POST.get("status", ""))
    if call.ok:
        messages.success(request, _("Komentar diperbarui."))
    return redirect("sites:manage_comments", kim=obj.slug)
