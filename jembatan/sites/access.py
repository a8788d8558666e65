"""Who may write, edit and publish a KIM's posts."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import AnyUser, administers_kabupaten
from jembatan.communities.access import get_kim_for_user, get_position
from jembatan.communities.models import Kim, Position
from jembatan.sites.models import Post

APPROVERS = {Position.KETUA, Position.SEKRETARIS}


def _administers(user: AnyUser, kim: Kim) -> bool:
    return administers_kabupaten(user, kim.kabupaten_id)


def can_write_posts(user: AnyUser, kim: Kim) -> bool:
    return get_position(user, kim) is not None or _administers(user, kim)


def can_approve_posts(user: AnyUser, kim: Kim) -> bool:
    return get_position(user, kim) in APPROVERS or _administers(user, kim)


def can_edit_post(user: AnyUser, post: Post) -> bool:
    if can_approve_posts(user, post.kim):
        return True
    # Members edit their own posts until an approver has published them.
    return (
        post.author_id == user.pk
        and get_position(user, post.kim) is not None
        and (post.status != Post.Status.PUBLISHED or not post.kim.posts_need_review)
    )


def can_publish_post(user: AnyUser, post: Post) -> bool:
    if can_approve_posts(user, post.kim):
        return True
    return not post.kim.posts_need_review and can_edit_post(user, post)


def get_writable_kim_for_user(user: AnyUser, kim_slug: str) -> Kim:
    """A KIM the user writes for (its members, Diskominfo of its kabupaten), or 404."""
    kim = get_kim_for_user(user, kim_slug)
    if not can_write_posts(user, kim):
        raise Http404(_("KIM tidak ditemukan."))
    return kim


def get_posts_for_user(user: AnyUser, kim_slug: str):
    """The posts of one KIM the user works in (all statuses), or 404."""
    kim = get_writable_kim_for_user(user, kim_slug)
    return kim, Post.objects.filter(kim=kim).select_related("author", "category")


def get_post_for_user(user: AnyUser, kim_slug: str, pk: int) -> Post:
    kim, posts = get_posts_for_user(user, kim_slug)
    post = posts.filter(pk=pk).first()
    if post is None:
        raise Http404(_("Berita tidak ditemukan."))
    post.kim = kim
    return post
