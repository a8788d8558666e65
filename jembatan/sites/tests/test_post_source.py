"""Posts that re-publish development information: dissemination writes them only here."""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import jembatan.dissemination
from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog
from jembatan.sites.models import Post, PostRevision
from jembatan.sites.services import post_sync_from_source, posts_withdraw_source
from jembatan.testing.factories import KimFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Post.Status


def test_withdrawn_source_takes_back_published_and_waiting_posts_and_marks_drafts():
    actor = UserFactory()
    kim = KimFactory()
    published = PostFactory(kim=kim, source_url="/informasi/a/")
    waiting = PostFactory(kim=kim, status=S.REVIEW, source_url="/informasi/a/")
    draft = PostFactory(kim=kim, status=S.DRAFT, source_url="/informasi/a/")
    other = PostFactory(kim=kim)
    mine = Post.objects.filter(pk__in=[published.pk, waiting.pk, draft.pk])
    with CaptureQueriesContext(connection) as queries:
        taken = posts_withdraw_source(actor=actor, posts=mine, note="salah tanggal")
    assert taken == 2
    # A fixed number of queries, whatever the number of posts (one insert for the rows).
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1
    rows = {p.pk: p for p in Post.objects.all()}
    assert {rows[published.pk].status, rows[waiting.pk].status} == {S.DRAFT}
    assert all(rows[p.pk].source_withdrawn for p in (published, waiting, draft))
    assert not rows[other.pk].source_withdrawn and rows[other.pk].status == S.PUBLISHED
    logged = AuditLog.objects.filter(action="post.unpublish_withdrawn")
    assert sorted(logged.values_list("target_id", flat=True)) == sorted(
        [str(published.pk), str(waiting.pk)]
    )
    assert {(r.actor_id, r.note) for r in logged} == {(actor.pk, "salah tanggal")}


def test_syncing_from_the_source_saves_a_revision_and_leaves_the_body_out_of_the_audit():
    post = PostFactory(title="Lama", summary="r", body="<p>lama</p>")
    data = {
        "title": "Baru",
        "summary": "r",
        "body": "<p>baru</p>",
        "source_url": "/informasi/baru/",
        "source_name": "Diskominfo",
    }
    assert post_sync_from_source(actor=None, post=post, data=data, note="koreksi")
    post.refresh_from_db()
    assert (post.title, post.body, post.source_name) == ("Baru", "<p>baru</p>", "Diskominfo")
    assert PostRevision.objects.filter(post=post, body="<p>baru</p>").count() == 1
    row = audit_for(post).get()
    assert row.action == "post.sync_from_source" and row.note == "koreksi"
    assert "body" not in row.after and row.after["title"] == "Baru"
    # In line already: nothing is saved, revised or recorded.
    assert not post_sync_from_source(actor=None, post=post, data=data)
    assert PostRevision.objects.filter(post=post).count() == 1
    assert audit_for(post).count() == 1


def test_dissemination_writes_posts_and_audit_rows_only_through_sites_services():
    offending = []
    for path in Path(jembatan.dissemination.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {
                "update",
                "create",
                "bulk_create",
                "bulk_update",
                "save",
            }:
                text = ast.unparse(node.value)
                if (
                    text == "post"
                    or text.endswith(".post")
                    or text.startswith(("Post.", "AuditLog", "PostRevision"))
                ):
                    offending.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert offending == []
