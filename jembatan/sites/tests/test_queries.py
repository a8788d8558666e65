"""No N+1: the home, list and article pages make the same number of queries however much
content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jembatan.core.moderation import Visibility
from jembatan.sites.models import Comment, Product
from jembatan.sites.services import post_create, post_transition
from jembatan.tenants import resolve


def _publish(tenant, n):
    posts = []
    for i in range(n):
        post = post_create(
            actor=tenant.owner,
            kim=tenant.kim,
            data={"title": f"Berita {len(posts)}-{i}", "body": "x", "tags": "a, b"},
        )
        posts.append(post_transition(actor=tenant.owner, post=post, action="publish"))
    return posts


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["hub", "news", "kim_home", "kim_posts", "article", "products"])
def test_query_count_does_not_grow_with_content(client, two_tenants, settings, page):
    a = two_tenants.a
    first = _publish(a, 2)
    article = first[0]
    Comment.objects.create(post=article, name="A", body="b", visibility=Visibility.PUBLISHED)
    Product.objects.create(kim=a.kim, title="P0", slug="p0", is_published=True, created_by=a.owner)
    urls = {
        "hub": "/",
        "news": reverse("sites:news"),
        "kim_home": a.kim.get_absolute_url(),
        "kim_posts": reverse("sites:kim_posts", kwargs={"kim": a.kim.slug}),
        "article": article.get_absolute_url(),
        "products": reverse("sites:content_list", kwargs={"kim": a.kim.slug, "kind": "produk"}),
    }
    resolve.snapshot()  # the tenant snapshot is loaded once per worker, not per request
    small = _count(client, urls[page])
    _publish(a, 8)
    for i in range(8):
        Comment.objects.create(
            post=article, name=f"C{i}", body="b", visibility=Visibility.PUBLISHED
        )
        Product.objects.create(
            kim=a.kim, title=f"P{i + 1}", slug=f"p{i + 1}", is_published=True, created_by=a.owner
        )
    assert _count(client, urls[page]) == small
