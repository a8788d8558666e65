"""Writing and publishing posts: sanitised, revisioned, audited, one state machine."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import User
from jembatan.communities.models import Kim
from jembatan.core.richtext import sanitize_html
from jembatan.core.slugs import free_slug
from jembatan.sites.access import (
    can_approve_posts,
    can_edit_post,
    can_publish_post,
    can_write_posts,
)
from jembatan.sites.models import Category, Post, PostRevision

TEXT_FIELDS = ["title", "summary", "body"]
POST_FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
    "photo",
    "category",
    "tags",
    "status",
    "published_at",
]


def unique_post_slug(kim: Kim, title: str, *, exclude_pk: int | None = None) -> str:
    posts = Post.objects.filter(kim=kim).exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None matches no row; the stubs refuse None
    return free_slug(posts, title, fallback="berita")


def _revision(post: Post, actor: User) -> None:
    PostRevision.objects.create(
        post=post, title=post.title, summary=post.summary, body=post.body, author=actor
    )


def _clean_values(kim: Kim, data: dict[str, Any], *, exclude_pk: int | None) -> dict[str, Any]:
    values = {
        k: data[k] for k in ("title", "summary", "body", "photo", "category", "tags") if k in data
    }
    if "body" in values:
        values["body"] = sanitize_html(values["body"])
        if not values["body"]:
            raise ValidationError({"body": _("Isi berita tidak boleh kosong.")})
    if values.get("category") is not None and values["category"].kim_id != kim.pk:
        raise ValidationError({"category": _("Kategori ini milik KIM lain.")})
    if values.get("photo") is not None and values["photo"].kim_id != kim.pk:
        raise ValidationError({"photo": _("Foto ini milik KIM lain.")})
    slug = (data.get("slug") or "").strip()
    if slug:
        others = Post.objects.filter(kim=kim, slug=slug).exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None matches no row; the stubs refuse None
        if others.exists():
            raise ValidationError({"slug": _("Alamat ini sudah dipakai berita lain di KIM ini.")})
        values["slug"] = slug
    return values


def post_create(*, actor: User, kim: Kim, data: dict[str, Any]) -> Post:
    if not can_write_posts(actor, kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    values = _clean_values(kim, data, exclude_pk=None)
    values.setdefault("slug", unique_post_slug(kim, values["title"]))
    with transaction.atomic():
        post = Post.objects.create(kim=kim, author=actor, **values)
        _revision(post, actor)
        audit_record(
            actor=actor, action="post.create", target=post, after=snapshot(post, POST_FIELDS)
        )
    return post


def post_update(*, actor: User, post: Post, data: dict[str, Any]) -> Post:
    if not can_edit_post(actor, post):
        raise PermissionDenied(_("Anda tidak berhak mengubah berita ini."))
    values = _clean_values(post.kim, data, exclude_pk=post.pk)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        locked.kim = post.kim
        # Check again on the locked row: the caller's copy may predate a publish.
        if not can_edit_post(actor, locked):
            raise PermissionDenied(_("Anda tidak berhak mengubah berita ini."))
        before = snapshot(locked, POST_FIELDS)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        locked.save()
        if any(name in TEXT_FIELDS for name in changed):
            _revision(locked, actor)
        audit_record(
            actor=actor,
            action="post.update",
            target=locked,
            before={k: before[k] for k in changed},
            after={k: v for k, v in snapshot(locked, POST_FIELDS).items() if k in changed},
        )
    return locked


S = Post.Status
# action: (states it may start from, state it leads to, who may take it)
TRANSITIONS = {
    "submit": ({S.DRAFT}, S.REVIEW, can_edit_post),
    "publish": ({S.DRAFT, S.REVIEW}, S.PUBLISHED, can_publish_post),
    "return": ({S.REVIEW}, S.DRAFT, lambda user, post: can_approve_posts(user, post.kim)),
    "unpublish": ({S.PUBLISHED}, S.DRAFT, can_publish_post),
}
ACTION_LABELS = {
    "submit": gettext_lazy("Ajukan untuk disetujui"),
    "publish": gettext_lazy("Terbitkan"),
    "return": gettext_lazy("Kembalikan ke penulis"),
    "unpublish": gettext_lazy("Tarik dari situs"),
}


def post_actions_for_user(user: User, post: Post) -> list[str]:
    return [
        action
        for action, (sources, _target, allowed) in TRANSITIONS.items()
        if post.status in sources
        and allowed(user, post)
        and not (post.source_withdrawn and TRANSITIONS[action][1] != S.DRAFT)
    ]


def post_transition(
    *, actor: User, post: Post, action: str, publish_at: datetime.datetime | None = None
) -> Post:
    if action not in TRANSITIONS:
        raise ValidationError(_("Tindakan tidak dikenal."))
    sources, target, allowed = TRANSITIONS[action]
    with transaction.atomic():
        locked = Post.objects.select_for_update().select_related("kim").get(pk=post.pk)
        if locked.status not in sources:
            raise ValidationError(
                _("Tindakan “%(action)s” tidak berlaku untuk berita berstatus “%(status)s”.")
                % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]}
            )
        if not allowed(actor, locked):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        if locked.source_withdrawn and target != S.DRAFT:
            raise ValidationError(
                _(
                    "Informasi asli berita ini sudah ditarik penerbitnya, "
                    "jadi berita ini tidak dapat diterbitkan lagi."
                )
            )
        before = snapshot(locked, ["status", "published_at"])
        locked.status = target
        if target == S.PUBLISHED:
            locked.published_at = publish_at or timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=f"post.{action}",
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "published_at"]),
        )
    return locked


def category_create(*, actor: User, kim: Kim, name: str) -> Category:
    if not can_approve_posts(actor, kim):
        raise PermissionDenied(_("Hanya ketua atau sekretaris yang dapat mengubah kategori."))
    name = " ".join(name.split())
    slug = slugify(name)[:60]
    if not slug:
        raise ValidationError({"name": _("Nama kategori tidak valid.")})
    if Category.objects.filter(kim=kim, slug=slug).exists():
        raise ValidationError({"name": _("Kategori ini sudah ada.")})
    with transaction.atomic():
        category = Category.objects.create(kim=kim, name=name, slug=slug)
        audit_record(actor=actor, action="category.create", target=category, after={"name": name})
    return category


def category_delete(*, actor: User, category: Category) -> None:
    if not can_approve_posts(actor, category.kim):
        raise PermissionDenied(_("Hanya ketua atau sekretaris yang dapat mengubah kategori."))
    with transaction.atomic():
        audit_record(
            actor=actor, action="category.delete", target=category, before={"name": category.name}
        )
        category.delete()


def post_restore_revision(*, actor: User, post: Post, revision: PostRevision) -> Post:
    if revision.post_id != post.pk:
        raise ValidationError(_("Revisi ini bukan milik berita ini."))
    return post_update(
        actor=actor,
        post=post,
        data={
            "title": revision.title,
            "summary": revision.summary,
            "body": revision.body,
        },
    )
