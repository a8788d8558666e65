"""Readers who comment on KIM posts as data subjects (sites.personal_data): erasure, the
retention rule, the breach list, and the comment form linking the privacy notice."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from jembatan.accounts.models import AuditLog
from jembatan.core.personal_data import ERASED, personal_data_registry
from jembatan.sites.comments import comment_create, comment_moderate
from jembatan.sites.models import Comment
from jembatan.sites.personal_data import KEY
from jembatan.sites.services import post_create, post_transition
from jembatan.sites.tasks import purge_old_commenters

pytestmark = pytest.mark.django_db

NAME = "Fransiska Lidwina"
BODY = "Saya Fransiska, tinggal dekat balai desa, setuju sekali."


@pytest.fixture
def post(two_tenants):
    cache.clear()
    a = two_tenants.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Musyawarah desa", "body": "x"})
    return post_transition(actor=a.owner, post=draft, action="publish")


def test_erasure_takes_name_and_text_off_the_comment_and_its_audit_rows(client, post, two_tenants):
    comment = comment_create(post=post, name=NAME, body=BODY)
    comment_moderate(actor=two_tenants.a.owner, comment=comment, action="restore")
    assert NAME in json.dumps(list(AuditLog.objects.values_list("target_repr", flat=True)))
    assert personal_data_registry.erase(KEY, comment, actor=two_tenants.a.owner, reason="minta")
    comment.refresh_from_db()
    assert (comment.name, comment.body) == (ERASED, ERASED)
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note", "target_repr")))
    assert NAME not in dumped and "Saya Fransiska" not in dumped
    assert AuditLog.objects.filter(action="comment.erase", note="minta").exists()
    assert not personal_data_registry.erase(KEY, comment, reason="lagi")
    cache.clear()  # the cached public page
    assert NAME not in client.get(post.get_absolute_url()).content.decode()


def test_the_retention_rule_drops_the_name_and_keeps_the_text(post, settings):
    settings.SITE_COMMENT_NAME_RETENTION_DAYS = 30
    old = comment_create(post=post, name=NAME, body=f"{NAME} mendukung acara ini.")
    recent = comment_create(post=post, name="Yohanes", body="Setuju.")
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert purge_old_commenters.call_local() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.name == ERASED and old.body == f"{ERASED} mendukung acara ini."
    assert recent.name == "Yohanes"
    assert AuditLog.objects.filter(action="comment.name_erase", note="retention").count() == 1
    assert purge_old_commenters.call_local() == 0


def test_the_breach_list_names_the_comment_without_a_contact(post):
    comment = comment_create(post=post, name=NAME, body=BODY)
    now = timezone.now()
    found = personal_data_registry.get(KEY).touched(now - datetime.timedelta(minutes=5), now)
    assert [(t.reference, t.channels, t.contact) for t in found] == [
        (f"komentar-{comment.pk}", (), {"nama": NAME})
    ]


def test_the_comment_form_and_the_notice(client, post):
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert 'class="small privacy-note"' in page.content.decode()
    notice = client.get("/privasi/").content.decode()
    assert "Pengirim komentar di situs KIM" in notice and "365 hari" in notice
