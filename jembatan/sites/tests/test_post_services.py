"""Post services: create, update, the review state machine, scheduling, restore, access."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog, Role
from jembatan.communities.models import Position
from jembatan.sites import services
from jembatan.sites.access import (
    can_approve_posts,
    can_edit_post,
    can_publish_post,
    can_write_posts,
    get_post_for_user,
)
from jembatan.sites.models import Category, Post, PostRevision
from jembatan.testing.factories import (
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

BODY = "<p>Posyandu bulan ini diadakan di balai desa.</p>"


def _create(tenant, author=None, **data):
    values = {"title": "Judul", "body": BODY}
    values.update(data)
    return services.post_create(actor=author or tenant.member, kim=tenant.kim, data=values)


def _set_review(kim, value: bool):
    kim.posts_need_review = value
    kim.save()


def _force_status(post, status, published_at=None):
    """Put a post into a state directly, to test rules for that state in isolation."""
    if status == Post.Status.PUBLISHED and published_at is None:
        published_at = timezone.now()
    Post.objects.filter(pk=post.pk).update(status=status, published_at=published_at)
    post.refresh_from_db()
    return post


def _publish_at(tenant, when):
    """A new post by the anggota, published by the ketua for the given time."""
    return services.post_transition(
        actor=tenant.owner, post=_create(tenant), action="publish", publish_at=when
    )


def _audits(post, action):
    return list(audit_for(post).filter(action=action))


# --- post_create ----------------------------------------------------------------------


def test_member_creates_sanitised_draft_with_revision_and_audit(two_tenants):
    a = two_tenants.a
    post = _create(
        a,
        title="Judul",
        summary="Ringkas",
        body='<p onclick="x()">Isi</p><script>alert(1)</script>',
        tags="posyandu, desa",
    )

    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert post.published_at is None
    assert post.kim == a.kim
    assert post.author == a.member
    assert post.slug == "judul"
    assert post.body == "<p>Isi</p>"
    assert post.tag_list == ["posyandu", "desa"]

    revisions = list(post.revisions.all())
    assert len(revisions) == 1
    assert (revisions[0].title, revisions[0].summary, revisions[0].body) == (
        "Judul",
        "Ringkas",
        "<p>Isi</p>",
    )
    assert revisions[0].author == a.member

    audits = list(audit_for(post))
    assert [x.action for x in audits] == ["post.create"]
    assert audits[0].actor == a.member
    assert audits[0].before is None
    assert audits[0].after["title"] == "Judul"
    assert audits[0].after["status"] == "draft"
    assert audits[0].after["body"] == "<p>Isi</p>"


def test_plain_text_body_becomes_paragraphs(two_tenants):
    post = _create(two_tenants.a, body="Baris satu\nbaris dua\n\nParagraf a < b")
    assert post.body == "<p>Baris satu<br>baris dua</p><p>Paragraf a &lt; b</p>"


def test_same_title_twice_gets_unique_slug_per_kim(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    first = _create(a, title="Judul")
    second = _create(a, title="Judul")
    third = _create(a, title="Judul")
    other_kim = _create(b, title="Judul")
    assert (first.slug, second.slug, third.slug) == ("judul", "judul-2", "judul-3")
    assert other_kim.slug == "judul"


def test_title_without_slug_characters_falls_back(two_tenants):
    post = _create(two_tenants.a, title="!!!")
    assert post.slug == "berita"


@pytest.mark.parametrize("who", ["outsider", "other_kim_member", "other_kim_owner"])
def test_non_member_cannot_create(two_tenants, who):
    a, b = two_tenants.a, two_tenants.b
    actor = {"outsider": a.outsider, "other_kim_member": b.member, "other_kim_owner": b.owner}[who]
    with pytest.raises(PermissionDenied):
        services.post_create(actor=actor, kim=a.kim, data={"title": "Judul", "body": BODY})
    assert not Post.objects.exists()
    assert not PostRevision.objects.exists()
    assert not AuditLog.objects.filter(action="post.create").exists()


def test_inactive_membership_cannot_create(two_tenants):
    a = two_tenants.a
    a.kim.memberships.filter(user=a.member).update(is_active=False)
    with pytest.raises(PermissionDenied):
        _create(a)
    assert not Post.objects.exists()


def test_explicit_slug_taken_in_same_kim_is_rejected(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    _create(a, title="Pertama", slug="kabar-desa")

    with pytest.raises(ValidationError) as exc:
        _create(a, title="Kedua", slug="kabar-desa")
    assert "slug" in exc.value.message_dict
    assert Post.objects.filter(kim=a.kim).count() == 1
    assert PostRevision.objects.count() == 1

    other = _create(b, title="Kedua", slug="kabar-desa")
    assert other.slug == "kabar-desa"


def test_explicit_slug_is_used(two_tenants):
    post = _create(two_tenants.a, title="Judul panjang sekali", slug="singkat")
    assert post.slug == "singkat"


@pytest.mark.parametrize("body", ["<script>x</script>", "", "   \n  ", "<style>p{}</style>"])
def test_body_empty_after_sanitising_is_rejected(two_tenants, body):
    with pytest.raises(ValidationError) as exc:
        _create(two_tenants.a, body=body)
    assert "body" in exc.value.message_dict
    assert not Post.objects.exists()


def test_category_of_another_kim_is_rejected(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    foreign = Category.objects.create(kim=b.kim, name="Kesehatan", slug="kesehatan")
    with pytest.raises(ValidationError) as exc:
        _create(a, category=foreign)
    assert "category" in exc.value.message_dict
    assert not Post.objects.exists()

    own = Category.objects.create(kim=a.kim, name="Kesehatan", slug="kesehatan")
    assert _create(a, category=own).category == own


# --- post_update ----------------------------------------------------------------------


def test_author_edits_own_draft_with_revision_and_audit_of_changed_fields(two_tenants):
    a = two_tenants.a
    post = _create(a, title="Lama", summary="Ringkas", tags="a")

    updated = services.post_update(
        actor=a.member,
        post=post,
        data={"title": "Baru", "summary": "Ringkas", "body": "<p>Isi baru</p>", "tags": "a"},
    )

    updated.refresh_from_db()
    assert updated.title == "Baru"
    assert updated.body == "<p>Isi baru</p>"
    assert updated.slug == "lama"  # the address does not move with the title
    assert post.revisions.count() == 2
    assert post.revisions.first().title == "Baru"

    (audit,) = _audits(post, "post.update")
    assert audit.actor == a.member
    assert audit.before == {"title": "Lama", "body": BODY}
    assert audit.after == {"title": "Baru", "body": "<p>Isi baru</p>"}


def test_tags_only_change_writes_no_revision(two_tenants):
    a = two_tenants.a
    post = _create(a, tags="lama")

    services.post_update(actor=a.member, post=post, data={"tags": "baru, lagi"})

    post.refresh_from_db()
    assert post.tags == "baru, lagi"
    assert post.revisions.count() == 1
    (audit,) = _audits(post, "post.update")
    assert audit.before == {"tags": "lama"}
    assert audit.after == {"tags": "baru, lagi"}


def test_update_without_changes_writes_nothing(two_tenants):
    a = two_tenants.a
    post = _create(a, title="Judul", tags="x")
    services.post_update(actor=a.member, post=post, data={"title": "Judul", "body": BODY})
    assert post.revisions.count() == 1
    assert _audits(post, "post.update") == []


def test_update_sanitises_body_and_rejects_empty(two_tenants):
    a = two_tenants.a
    post = _create(a)
    services.post_update(
        actor=a.member, post=post, data={"body": '<p>Ok</p><iframe src="https://x"></iframe>'}
    )
    post.refresh_from_db()
    assert post.body == "<p>Ok</p>"

    with pytest.raises(ValidationError) as exc:
        services.post_update(actor=a.member, post=post, data={"body": "<script>x</script>"})
    assert "body" in exc.value.message_dict
    post.refresh_from_db()
    assert post.body == "<p>Ok</p>"


def test_update_slug_taken_by_another_post_is_rejected(two_tenants):
    a = two_tenants.a
    _create(a, title="Satu")
    post = _create(a, title="Dua")
    with pytest.raises(ValidationError) as exc:
        services.post_update(actor=a.member, post=post, data={"slug": "satu"})
    assert "slug" in exc.value.message_dict
    # Keeping its own slug is not a clash.
    services.post_update(actor=a.member, post=post, data={"slug": "dua", "title": "Dua!"})
    post.refresh_from_db()
    assert (post.slug, post.title) == ("dua", "Dua!")


def test_update_category_of_another_kim_is_rejected(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post = _create(a)
    foreign = Category.objects.create(kim=b.kim, name="Lain", slug="lain")
    with pytest.raises(ValidationError):
        services.post_update(actor=a.member, post=post, data={"category": foreign})
    post.refresh_from_db()
    assert post.category is None


def test_anggota_cannot_edit_someone_elses_post(two_tenants):
    a = two_tenants.a
    colleague = UserFactory()
    KimMembershipFactory(kim=a.kim, user=colleague, position=Position.ANGGOTA)
    post = _create(a, title="Asli")

    with pytest.raises(PermissionDenied):
        services.post_update(actor=colleague, post=post, data={"title": "Diubah"})

    post.refresh_from_db()
    assert post.title == "Asli"
    assert post.revisions.count() == 1
    assert _audits(post, "post.update") == []


@pytest.mark.parametrize("who", ["outsider", "other_kim_owner"])
def test_non_member_cannot_edit(two_tenants, who):
    a, b = two_tenants.a, two_tenants.b
    actor = a.outsider if who == "outsider" else b.owner
    post = _create(a, title="Asli")
    with pytest.raises(PermissionDenied):
        services.post_update(actor=actor, post=post, data={"title": "Diubah"})
    post.refresh_from_db()
    assert post.title == "Asli"


def test_published_post_with_review_is_locked_for_anggota_author(two_tenants):
    a = two_tenants.a
    assert a.kim.posts_need_review is True
    post = _create(a, title="Asli")
    post = services.post_transition(actor=a.owner, post=post, action="publish")

    assert not can_edit_post(a.member, post)
    with pytest.raises(PermissionDenied):
        services.post_update(actor=a.member, post=post, data={"title": "Diubah"})
    post.refresh_from_db()
    assert post.title == "Asli"

    services.post_update(actor=a.owner, post=post, data={"title": "Disunting ketua"})
    post.refresh_from_db()
    assert post.title == "Disunting ketua"
    assert post.status == Post.Status.PUBLISHED


def test_published_post_without_review_stays_editable_by_author(two_tenants):
    a = two_tenants.a
    _set_review(a.kim, False)
    post = _create(a, title="Asli")
    post = services.post_transition(actor=a.member, post=post, action="publish")
    assert post.status == Post.Status.PUBLISHED

    services.post_update(actor=a.member, post=post, data={"title": "Diubah"})
    post.refresh_from_db()
    assert post.title == "Diubah"


def test_update_checks_permission_against_current_row(two_tenants):
    """A copy loaded before the ketua published must not let the anggota edit it."""
    a = two_tenants.a
    stale = _create(a, title="Asli")
    services.post_transition(actor=a.owner, post=Post.objects.get(pk=stale.pk), action="publish")
    assert stale.status == Post.Status.DRAFT  # the caller's copy is out of date

    with pytest.raises(PermissionDenied):
        services.post_update(actor=a.member, post=stale, data={"title": "Diubah"})
    assert Post.objects.get(pk=stale.pk).title == "Asli"


# --- transitions ----------------------------------------------------------------------


def test_submit_then_ketua_publishes(two_tenants):
    a = two_tenants.a
    post = _create(a)

    post = services.post_transition(actor=a.member, post=post, action="submit")
    assert post.status == Post.Status.REVIEW
    assert Post.objects.get(pk=post.pk).status == Post.Status.REVIEW
    assert post.published_at is None

    before = timezone.now()
    post = services.post_transition(actor=a.owner, post=post, action="publish")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at is not None
    assert before <= post.published_at <= timezone.now()
    assert list(Post.objects.live()) == [post]


def test_anggota_cannot_publish_when_review_needed(two_tenants):
    a = two_tenants.a
    post = _create(a)
    services.post_transition(actor=a.member, post=post, action="submit")

    with pytest.raises(PermissionDenied):
        services.post_transition(actor=a.member, post=post, action="publish")
    post.refresh_from_db()
    assert post.status == Post.Status.REVIEW
    assert post.published_at is None
    assert _audits(post, "post.publish") == []

    draft = _create(a, title="Draf")
    with pytest.raises(PermissionDenied):
        services.post_transition(actor=a.member, post=draft, action="publish")
    assert Post.objects.get(pk=draft.pk).status == Post.Status.DRAFT


def test_anggota_publishes_own_post_when_review_not_needed(two_tenants):
    a = two_tenants.a
    _set_review(a.kim, False)
    post = _create(a)
    post = services.post_transition(actor=a.member, post=post, action="publish")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    assert post.published_at is not None


def test_anggota_cannot_publish_colleagues_post_even_without_review(two_tenants):
    a = two_tenants.a
    _set_review(a.kim, False)
    colleague = UserFactory()
    KimMembershipFactory(kim=a.kim, user=colleague, position=Position.ANGGOTA)
    post = _create(a)
    with pytest.raises(PermissionDenied):
        services.post_transition(actor=colleague, post=post, action="publish")
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def test_sekretaris_can_approve_but_bendahara_cannot(two_tenants):
    a = two_tenants.a
    sekretaris, bendahara = UserFactory(), UserFactory()
    KimMembershipFactory(kim=a.kim, user=sekretaris, position=Position.SEKRETARIS)
    KimMembershipFactory(kim=a.kim, user=bendahara, position=Position.BENDAHARA)
    post = _create(a)
    services.post_transition(actor=a.member, post=post, action="submit")

    with pytest.raises(PermissionDenied):
        services.post_transition(actor=bendahara, post=post, action="publish")
    services.post_transition(actor=sekretaris, post=post, action="publish")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_return_only_by_approvers_and_only_from_review(two_tenants):
    a = two_tenants.a
    post = _create(a)

    with pytest.raises(ValidationError):  # a draft cannot be returned
        services.post_transition(actor=a.owner, post=post, action="return")
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT

    services.post_transition(actor=a.member, post=post, action="submit")
    with pytest.raises(PermissionDenied):
        services.post_transition(actor=a.member, post=post, action="return")
    assert Post.objects.get(pk=post.pk).status == Post.Status.REVIEW

    post = services.post_transition(actor=a.owner, post=post, action="return")
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT

    _force_status(post, Post.Status.PUBLISHED)
    with pytest.raises(ValidationError):  # nor can a published post
        services.post_transition(actor=a.owner, post=post, action="return")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Post.Status.PUBLISHED, "publish"),
        (Post.Status.PUBLISHED, "submit"),
        (Post.Status.REVIEW, "submit"),
        (Post.Status.DRAFT, "unpublish"),
        (Post.Status.REVIEW, "unpublish"),
    ],
)
def test_invalid_transition_changes_nothing(two_tenants, status, action):
    a = two_tenants.a
    post = _force_status(_create(a), status)
    published_at = post.published_at

    with pytest.raises(ValidationError):
        services.post_transition(actor=a.owner, post=post, action=action)

    post.refresh_from_db()
    assert post.status == status
    assert post.published_at == published_at
    assert _audits(post, f"post.{action}") == []


@pytest.mark.parametrize("action", ["delete", "", "PUBLISH"])
def test_unknown_action_is_rejected(two_tenants, action):
    a = two_tenants.a
    post = _create(a)
    with pytest.raises(ValidationError):
        services.post_transition(actor=a.owner, post=post, action=action)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def test_each_transition_writes_audit_with_status_before_and_after(two_tenants):
    a = two_tenants.a
    post = _create(a)
    steps = [
        (a.member, "submit", "draft", "review"),
        (a.owner, "return", "review", "draft"),
        (a.member, "submit", "draft", "review"),
        (a.owner, "publish", "review", "published"),
        (a.owner, "unpublish", "published", "draft"),
    ]
    for actor, action, source, target in steps:
        services.post_transition(actor=actor, post=post, action=action)
        latest = audit_for(post).filter(action=f"post.{action}").first()
        assert latest is not None, action
        assert latest.actor == actor
        assert latest.before["status"] == source
        assert latest.after["status"] == target

    assert audit_for(post).filter(action__in=[f"post.{s[1]}" for s in steps]).count() == 5
    publish = audit_for(post).get(action="post.publish")
    assert publish.before["published_at"] is None
    assert publish.after["published_at"] is not None


def test_unpublish_takes_post_off_the_site(two_tenants):
    a = two_tenants.a
    post = services.post_transition(actor=a.owner, post=_create(a), action="publish")
    assert Post.objects.live().filter(pk=post.pk).exists()
    services.post_transition(actor=a.owner, post=post, action="unpublish")
    assert not Post.objects.live().filter(pk=post.pk).exists()


# post_actions_for_user: (state, need_review) -> allowed actions for each actor.
ACTIONS = [
    # state, need_review, ketua, anggota author, other anggota
    ("draft", True, ["submit", "publish"], ["submit"], []),
    ("review", True, ["publish", "return"], [], []),
    ("published", True, ["unpublish"], [], []),
    ("draft", False, ["submit", "publish"], ["submit", "publish"], []),
    ("review", False, ["publish", "return"], ["publish"], []),
    ("published", False, ["unpublish"], ["unpublish"], []),
]


@pytest.mark.parametrize(("state", "need_review", "ketua", "author", "other"), ACTIONS)
def test_post_actions_for_user(two_tenants, state, need_review, ketua, author, other):
    a = two_tenants.a
    _set_review(a.kim, need_review)
    colleague = UserFactory()
    KimMembershipFactory(kim=a.kim, user=colleague, position=Position.ANGGOTA)
    post = _force_status(_create(a), state)
    post.kim.refresh_from_db()

    assert services.post_actions_for_user(a.owner, post) == ketua
    assert services.post_actions_for_user(a.member, post) == author
    assert services.post_actions_for_user(colleague, post) == other
    assert services.post_actions_for_user(a.outsider, post) == []
    assert services.post_actions_for_user(two_tenants.b.owner, post) == []


@pytest.mark.parametrize(("state", "need_review", "ketua", "author", "other"), ACTIONS)
def test_listed_actions_are_the_ones_that_succeed(
    two_tenants, state, need_review, ketua, author, other
):
    """Every action the list offers works, and every one it leaves out is refused."""
    a = two_tenants.a
    _set_review(a.kim, need_review)
    for actor, allowed in [(a.owner, ketua), (a.member, author)]:
        for action in services.POST_MACHINE.actions():
            post = _force_status(_create(a), state)
            if action in allowed:
                services.post_transition(actor=actor, post=post, action=action)
                assert Post.objects.get(pk=post.pk).status == services.POST_MACHINE[action].target
            else:
                with pytest.raises((PermissionDenied, ValidationError)):
                    services.post_transition(actor=actor, post=post, action=action)
                assert Post.objects.get(pk=post.pk).status == state


# --- scheduling -----------------------------------------------------------------------


def test_publishing_in_the_future_is_scheduled_not_live(two_tenants):
    a = two_tenants.a
    when = timezone.now() + datetime.timedelta(hours=2)
    post = _publish_at(a, when)

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == when
    assert post.is_scheduled is True
    assert not Post.objects.live().filter(pk=post.pk).exists()


def test_scheduled_post_goes_live_when_its_time_comes(two_tenants):
    a = two_tenants.a
    when = timezone.now() + datetime.timedelta(hours=2)
    post = _publish_at(a, when)
    assert not Post.objects.live().exists()

    later = when + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert list(Post.objects.live()) == [post]
        assert Post.objects.get(pk=post.pk).is_scheduled is False


def test_scheduled_post_is_live_once_published_at_has_passed(two_tenants):
    a = two_tenants.a
    when = timezone.now() + datetime.timedelta(days=1)
    post = _publish_at(a, when)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(1))

    post.refresh_from_db()
    assert post.is_scheduled is False
    assert list(Post.objects.live()) == [post]


def test_publishing_with_a_past_time_is_live_at_once(two_tenants):
    a = two_tenants.a
    when = timezone.now() - datetime.timedelta(days=3)
    post = _publish_at(a, when)
    assert post.is_scheduled is False
    assert list(Post.objects.live()) == [post]
    assert Post.objects.get(pk=post.pk).published_at == when


def test_drafts_and_reviews_are_not_live(two_tenants):
    a = two_tenants.a
    _create(a, title="Draf")
    services.post_transition(actor=a.member, post=_create(a, title="Tunggu"), action="submit")
    # Unpublished drafts keep their old date, but are not live.
    old = services.post_transition(actor=a.owner, post=_create(a, title="Lama"), action="publish")
    services.post_transition(actor=a.owner, post=old, action="unpublish")
    assert Post.objects.get(pk=old.pk).published_at is not None
    assert not Post.objects.live().exists()


def test_post_of_inactive_kim_is_not_live(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post_a = services.post_transition(actor=a.owner, post=_create(a), action="publish")
    post_b = services.post_transition(actor=b.owner, post=_create(b), action="publish")
    assert set(Post.objects.live()) == {post_a, post_b}

    a.kim.is_active = False
    a.kim.save()
    assert list(Post.objects.live()) == [post_b]


# --- restore --------------------------------------------------------------------------


def test_restore_revision_brings_back_old_text_and_adds_revision(two_tenants):
    a = two_tenants.a
    post = _create(a, title="Versi satu", summary="Ringkas satu")
    first = post.revisions.get()
    services.post_update(
        actor=a.member,
        post=post,
        data={"title": "Versi dua", "summary": "Ringkas dua", "body": "<p>Dua</p>"},
    )
    assert post.revisions.count() == 2

    restored = services.post_restore_revision(actor=a.owner, post=post, revision=first)

    restored.refresh_from_db()
    assert (restored.title, restored.summary, restored.body) == (
        "Versi satu",
        "Ringkas satu",
        BODY,
    )
    assert post.revisions.count() == 3
    newest = post.revisions.first()
    assert (newest.title, newest.body, newest.author) == ("Versi satu", BODY, a.owner)
    (audit,) = [x for x in _audits(post, "post.update") if x.actor == a.owner]
    assert audit.after["title"] == "Versi satu"


def test_restore_revision_of_another_post_is_rejected(two_tenants):
    a = two_tenants.a
    post = _create(a, title="Satu")
    other = _create(a, title="Dua")
    foreign = other.revisions.get()

    with pytest.raises(ValidationError):
        services.post_restore_revision(actor=a.owner, post=post, revision=foreign)
    post.refresh_from_db()
    assert post.title == "Satu"
    assert post.revisions.count() == 1


def test_restore_needs_edit_permission(two_tenants):
    a = two_tenants.a
    post = _create(a, title="Satu")
    first = post.revisions.get()
    services.post_update(actor=a.member, post=post, data={"title": "Dua"})
    services.post_transition(actor=a.owner, post=post, action="publish")
    post.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.post_restore_revision(actor=a.member, post=post, revision=first)
    post.refresh_from_db()
    assert post.title == "Dua"


# --- access ---------------------------------------------------------------------------


def test_get_post_for_user_returns_own_kims_post(two_tenants):
    a = two_tenants.a
    post = _create(a)
    for user in (a.owner, a.member):
        found = get_post_for_user(user, a.kim.slug, post.pk)
        assert found == post
        assert found.kim == a.kim


def test_get_post_for_user_hides_other_kims_post(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    post_b = _create(b)
    # Through one's own KIM's address, another KIM's pk does not resolve...
    with pytest.raises(Http404):
        get_post_for_user(a.owner, a.kim.slug, post_b.pk)
    # ...and the other KIM's address is not open either.
    with pytest.raises(Http404):
        get_post_for_user(a.owner, b.kim.slug, post_b.pk)


def test_get_post_for_user_hides_from_outsider(two_tenants):
    a = two_tenants.a
    post = _create(a)
    with pytest.raises(Http404):
        get_post_for_user(a.outsider, a.kim.slug, post.pk)


def test_get_post_for_user_unknown_pk_is_404(two_tenants):
    a = two_tenants.a
    post = _create(a)
    with pytest.raises(Http404):
        get_post_for_user(a.owner, a.kim.slug, post.pk + 1000)


def test_kabupaten_admin_of_the_kims_kabupaten_can_approve(two_tenants):
    a = two_tenants.a
    admin = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=a.kim.kabupaten).user
    post = _create(a)
    services.post_transition(actor=a.member, post=post, action="submit")

    assert can_write_posts(admin, a.kim)
    assert can_approve_posts(admin, a.kim)
    found = get_post_for_user(admin, a.kim.slug, post.pk)
    assert can_edit_post(admin, found)
    assert can_publish_post(admin, found)
    assert services.post_actions_for_user(admin, found) == ["publish", "return"]

    services.post_transition(actor=admin, post=found, action="publish")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_kabupaten_admin_of_another_kabupaten_cannot(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    admin_b = MembershipFactory(role=Role.KABUPATEN_ADMIN, region=b.kim.kabupaten).user
    assert a.kim.kabupaten_id != b.kim.kabupaten_id
    post = _create(a)
    services.post_transition(actor=a.member, post=post, action="submit")

    assert not can_approve_posts(admin_b, a.kim)
    assert not can_write_posts(admin_b, a.kim)
    with pytest.raises(Http404):
        get_post_for_user(admin_b, a.kim.slug, post.pk)
    with pytest.raises(PermissionDenied):
        services.post_transition(actor=admin_b, post=post, action="publish")
    with pytest.raises(PermissionDenied):
        services.post_update(actor=admin_b, post=post, data={"title": "Diubah"})
    assert Post.objects.get(pk=post.pk).status == Post.Status.REVIEW


def test_camat_sees_kim_but_cannot_work_on_posts(two_tenants):
    a = two_tenants.a
    camat = MembershipFactory(role=Role.CAMAT, region=region_chain("61.07.04")).user
    post = _create(a)
    assert not can_write_posts(camat, a.kim)
    assert not can_approve_posts(camat, a.kim)
    with pytest.raises(Http404):
        get_post_for_user(camat, a.kim.slug, post.pk)
