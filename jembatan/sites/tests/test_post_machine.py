"""The posts' transition table: its states are the model's, and pages offer what it allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jembatan.sites import services
from jembatan.sites.models import Post
from jembatan.sites.services import POST_MACHINE

pytestmark = pytest.mark.django_db


def test_the_table_uses_exactly_the_model_statuses():
    assert POST_MACHINE.states() == set(Post.Status.values)


def _post(tenant, status):
    post = services.post_create(
        actor=tenant.member, kim=tenant.kim, data={"title": "Judul", "body": "<p>Isi.</p>"}
    )
    published_at = timezone.now() if status == Post.Status.PUBLISHED else None
    Post.objects.filter(pk=post.pk).update(status=status, published_at=published_at)
    post.refresh_from_db()
    return post


@pytest.mark.parametrize("status", Post.Status.values)
def test_the_edit_page_offers_exactly_the_available_steps(client, two_tenants, status):
    a = two_tenants.a
    post = _post(a, status)
    client.force_login(a.owner)
    response = client.get(
        reverse("sites:manage_post_edit", kwargs={"kim": a.kim.slug, "pk": post.pk})
    )
    offered = [action for action, _label in response.context["actions"]]
    assert offered == POST_MACHINE.available(status, a.owner, post)
    assert offered  # the ketua always has a step
    for action, label in response.context["actions"]:
        assert label == POST_MACHINE[action].label


def test_a_step_from_a_wrong_state_names_the_step_and_the_status(two_tenants):
    a = two_tenants.a
    post = _post(a, Post.Status.PUBLISHED)
    with pytest.raises(ValidationError) as err:
        services.post_transition(actor=a.owner, post=post, action="submit")
    text = err.value.messages[0]
    assert "Ajukan untuk disetujui" in text and "berita" in text and "Terbit" in text
    with pytest.raises(ValidationError):
        services.post_transition(actor=a.owner, post=post, action="hapus")
