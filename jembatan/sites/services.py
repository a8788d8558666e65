"""Writing and publishing posts: sanitised, revisioned, audited, one state machine."""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import (
    audit_record,
    audit_records_bulk,
    audited_create,
    audited_update,
    snapshot,
)
from jembatan.accounts.models import User
from jembatan.communities.access import can_edit_profile
from jembatan.communities.models import PENGURUS, Kim
from jembatan.core.richtext import sanitize_html
from jembatan.core.slugs import free_slug
from jembatan.core.transitions import Machine, Transition
from jembatan.sites import kimid
from jembatan.sites.access import (
    can_approve_posts,
    can_edit_post,
    can_publish_post,
    can_write_posts,
)
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.models import Category, KimFeed, Post, PostRevision
from jembatan.tenants.resolve import tenant_for_region

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


def post_create(
    *,
    actor: User,
    kim: Kim,
    data: dict[str, Any],
    source_url: str = "",
    source_name: str = "",
) -> Post:
    """A new draft; ``source_url``/``source_name`` name the information it re-publishes."""
    if not can_write_posts(actor, kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    values = _clean_values(kim, data, exclude_pk=None)
    values.setdefault("slug", unique_post_slug(kim, values["title"]))
    with transaction.atomic():
        post = audited_create(
            actor=actor,
            model=Post,
            data={
                "kim": kim,
                "author": actor,
                "source_url": source_url,
                "source_name": source_name,
                **values,
            },
            action=AuditAction.POST_CREATE,
            recorded=POST_FIELDS,
        )
        _revision(post, actor)
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
        new_text = any(getattr(locked, k) != values[k] for k in TEXT_FIELDS if k in values)
        locked, changed = audited_update(
            actor=actor, instance=locked, data=values, action=AuditAction.POST_UPDATE
        )
        if changed and new_text:
            _revision(locked, actor)
    return locked


S = Post.Status
POST_MACHINE = Machine(
    noun=gettext_lazy("berita"),
    transitions={
        "submit": Transition(
            {S.DRAFT}, S.REVIEW, gettext_lazy("Ajukan untuk disetujui"), can_edit_post
        ),
        "publish": Transition(
            {S.DRAFT, S.REVIEW}, S.PUBLISHED, gettext_lazy("Terbitkan"), can_publish_post
        ),
        "return": Transition(
            {S.REVIEW},
            S.DRAFT,
            gettext_lazy("Kembalikan ke penulis"),
            lambda user, post: can_approve_posts(user, post.kim),
        ),
        "unpublish": Transition(
            {S.PUBLISHED}, S.DRAFT, gettext_lazy("Tarik dari situs"), can_publish_post
        ),
    },
)


def _source_blocks(post: Post, step: Transition) -> bool:
    """A copy of withdrawn development information may only go back to draft."""
    return post.source_withdrawn and step.target != S.DRAFT


def post_actions_for_user(user: User, post: Post) -> list[str]:
    return [
        action
        for action in POST_MACHINE.available(post.status, user, post)
        if not _source_blocks(post, POST_MACHINE[action])
    ]


def post_transition(
    *, actor: User, post: Post, action: str, publish_at: datetime.datetime | None = None
) -> Post:
    step = POST_MACHINE.step(action)
    target = step.target
    assert target is not None  # every step of the review moves the post
    with transaction.atomic():
        locked = Post.objects.select_for_update().select_related("kim").get(pk=post.pk)
        POST_MACHINE.require_state(action, locked.status, locked.get_status_display())
        POST_MACHINE.require_permitted(action, actor, locked)
        if _source_blocks(locked, step):
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
            action=AuditAction(f"post.{action}"),
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "published_at"]),
        )
    return locked


# --- Posts that re-publish development information (written by dissemination) -----------


def post_sync_from_source(
    *, actor: User | None, post: Post, data: dict[str, Any], note: str = ""
) -> bool:
    """Bring a re-published post in line with its source (title, summary, body, source
    link); returns whether it changed. A real save, so its signals refresh the search index
    and the page cache; a revision keeps the text; the audit row leaves the body out."""
    values = {k: data[k] for k in (*TEXT_FIELDS, "source_url", "source_name") if k in data}
    with transaction.atomic():
        post, changed = audited_update(
            actor=actor,
            instance=post,
            data=values,
            action=AuditAction.POST_SYNC_FROM_SOURCE,
            note=note,
            omit=["body"],
        )
        if changed:
            PostRevision.objects.create(
                post=post, title=post.title, summary=post.summary, body=post.body, author=actor
            )
    return changed


def posts_withdraw_source(*, actor: User | None, posts: QuerySet[Post], note: str = "") -> int:
    """The information these posts re-publish was withdrawn by its publisher. None of them
    may be published again; those published or waiting for approval go back to draft in
    this transaction, each with its audit row. Returns how many went back."""
    with transaction.atomic():
        taken = list(posts.filter(status__in=[S.PUBLISHED, S.REVIEW]).only("pk", "title"))
        Post.objects.filter(pk__in=[p.pk for p in taken]).update(
            status=S.DRAFT, source_withdrawn=True, updated_at=timezone.now()
        )
        # Drafts too: no copy of withdrawn information may be published again.
        posts.update(source_withdrawn=True)
        audit_records_bulk(
            actor=actor, action=AuditAction.POST_UNPUBLISH_WITHDRAWN, targets=taken, note=note
        )
    return len(taken)


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
        audit_record(
            actor=actor, action=AuditAction.CATEGORY_CREATE, target=category, after={"name": name}
        )
    return category


def category_delete(*, actor: User, category: Category) -> None:
    if not can_approve_posts(actor, category.kim):
        raise PermissionDenied(_("Hanya ketua atau sekretaris yang dapat mengubah kategori."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CATEGORY_DELETE,
            target=category,
            before={"name": category.name},
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


# --- A KIM's own posts on kim.id, imported from its feed --------------------------------

IMPORT_FIELDS = ["title", "summary", "body", "kimid_link"]


@dataclass
class FeedResult:
    created: int = 0
    updated: int = 0
    error: str = ""


def _feed_author(kim: Kim) -> User | None:
    """Imported posts are the KIM's own: written in the name of its ketua (else the first
    pengurus), who wrote them on kim.id in the first place."""
    membership = (
        kim.memberships.filter(is_active=True, position__in=PENGURUS)
        .select_related("user")
        .by_rank()
        .first()
    )
    return membership.user if membership is not None else None


def _entry_values(entry: kimid.Entry) -> dict[str, Any]:
    summary = Truncator(html.unescape(strip_tags(entry.summary)).strip()).chars(300)
    # Images stay on kim.id: the site's CSP loads only its own, so a link to each instead
    # (stored in the site's language, whoever pressed the button).
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Lihat gambar di situs asli")
    body = sanitize_html(entry.body, image_link=label) or sanitize_html(
        f"<p>{escape(summary or entry.title)}</p>"
    )
    return {
        "title": Truncator(html.unescape(strip_tags(entry.title)).strip()).chars(200),
        "summary": summary,
        "body": body,
        "kimid_link": entry.link[:500] if entry.link.startswith(("https://", "http://")) else "",
    }


def _import_entry(kim: Kim, author: User, entry: kimid.Entry, actor: User | None) -> str:
    """One entry as one post: "created", "updated" or "" (no change). The entry's id keeps it
    one post however often the feed is read; a changed entry updates its post."""
    guid = entry.guid[:500]
    values = _entry_values(entry)
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(kim=kim, kimid_guid=guid).first()
        if post is None:
            now = timezone.now()
            published = min(entry.published or now, now)
            try:
                with transaction.atomic():
                    post = Post.objects.create(
                        kim=kim,
                        author=author,
                        slug=unique_post_slug(kim, values["title"]),
                        status=Post.Status.PUBLISHED,
                        published_at=published,
                        kimid_guid=guid,
                        **values,
                    )
            except IntegrityError:
                return ""  # another run imported it at the same moment
            _revision(post, author)
            audit_record(
                actor=actor,
                action=AuditAction.POST_IMPORT,
                target=post,
                after={"title": post.title, "kimid_link": post.kimid_link},
                tenant=tenant_for_region(kim.kabupaten_id),
            )
            return "created"
        new_text = any(getattr(post, k) != values[k] for k in TEXT_FIELDS)
        post, changed = audited_update(
            actor=actor,
            instance=post,
            data=values,
            action=AuditAction.POST_IMPORT_UPDATE,
            omit=["body"],
            tenant=tenant_for_region(kim.kabupaten_id),
        )
        if changed and new_text:
            _revision(post, author)
        return "updated" if changed else ""


def _record_feed(kim: Kim, result: FeedResult) -> None:
    now = timezone.now()
    values: dict[str, Any] = {
        "checked_at": now,
        "error": result.error[:300],
        "created": result.created,
        "updated": result.updated,
    }
    if not result.error:
        values["succeeded_at"] = now
    KimFeed.objects.update_or_create(kim=kim, defaults=values)


def kim_feed_import(*, actor: User | None, kim: Kim) -> FeedResult:
    """Import the KIM's posts from its kim.id feed, so that a KIM never writes twice.

    Each entry becomes one published post (sanitised, linked to the original, shown as
    "dari kim.id"), found again by the entry's id on every later run: no duplicates, and
    a changed entry updates its post. The feed is fetched outside any transaction (with a
    timeout and a size limit); each entry is written in its own, with its audit row. What
    went wrong is recorded on the KIM's KimFeed for its staff, never raised. ``actor`` is
    the person who pressed the button (None for the periodic run)."""
    if actor is not None and not can_edit_profile(actor, kim):
        raise PermissionDenied(_("Anda tidak berhak mengambil berita kim.id KIM ini."))
    result = FeedResult()
    author = _feed_author(kim)
    try:
        if not kim.kimid_feed_url:
            raise kimid.FeedError(_("KIM ini belum mencatat alamat feed kim.id."))
        if author is None:
            raise kimid.FeedError(_("KIM ini belum punya pengurus aktif untuk nama penulis."))
        entries = kimid.parse(kimid.fetch(kim.kimid_feed_url))
    except kimid.FeedError as exc:
        result.error = str(exc)
        _record_feed(kim, result)
        return result
    for entry in entries:
        outcome = _import_entry(kim, author, entry, actor)
        if outcome == "created":
            result.created += 1
        elif outcome == "updated":
            result.updated += 1
    _record_feed(kim, result)
    return result


def kim_feeds_import_all() -> int:
    """The periodic run: every active KIM with a kim.id feed; returns how many were read."""
    kims = Kim.objects.active().exclude(kimid_feed_url="").select_related("kabupaten")
    count = 0
    for kim in kims.iterator():
        kim_feed_import(actor=None, kim=kim)
        count += 1
    return count
