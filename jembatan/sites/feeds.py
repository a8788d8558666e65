"""Atom feeds: the hub's latest news (/feed/) and one KIM's (/kim/<kim>/feed/).

Only live posts (published and due) appear; drafts, posts awaiting review and
scheduled posts never do.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from jembatan.communities.models import Kim
from jembatan.core.links import canonical_domain
from jembatan.core.pagecache import cache_public_page
from jembatan.regions.models import Region
from jembatan.sites.models import Post, live_posts
from jembatan.sites.views import hub_kabupaten
from jembatan.tenants.current import current_site_name

FEED_SIZE = 20
EXCERPT_WORDS = 50


@dataclass
class FeedSource:
    """What a feed is about, and the host name of its own id: the canonical one
    (core.links.canonical_domain), never the host a reader used."""

    domain: str
    kim: Kim | None = None
    kabupaten: Region | None = None


def plain_excerpt(post: Post) -> str:
    """The summary, or the start of the body as plain text."""
    if post.summary.strip():
        return post.summary.strip()
    text = " ".join(html.unescape(strip_tags(post.body)).split())
    return Truncator(text).words(EXCERPT_WORDS, truncate="…")


class _PostFeed(Feed):
    feed_type = Atom1Feed

    def _source(self, request: HttpRequest, **kwargs) -> FeedSource:
        kim = kwargs.get("kim")
        return FeedSource(domain=canonical_domain(kim.slug if kim else ""), **kwargs)

    def _posts(self, source: FeedSource, posts) -> list[Post]:
        latest = list(posts.order_by("-published_at", "-pk")[:FEED_SIZE])
        for post in latest:
            # The post's KIM's canonical host: the same id in the hub's feed and its KIM's.
            post.feed_domain = canonical_domain(post.kim.slug)
        return latest

    def feed_guid(self, obj: FeedSource) -> str:
        # The feed's own <id>: Django would use its link on the request's host.
        about = f"kim/{obj.kim.pk}" if obj.kim else "hub"
        return f"tag:{obj.domain},2024:feed/{about}"

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        # Atom summaries are written with type="html": escape the plain text.
        return escape(plain_excerpt(item))

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_updateddate(self, item: Post):
        return item.updated_at

    def item_author_name(self, item: Post) -> str:
        return item.author.full_name or item.kim.name

    def item_categories(self, item: Post) -> list[str]:
        return [item.category.name] if item.category else []

    def item_guid(self, item: Post) -> str:
        # A tag URI (RFC 4151) on the post's number: stable when the title, the address
        # (slug) or the publication date change.
        return f"tag:{item.feed_domain},{item.created_at:%Y-%m-%d}:post/{item.pk}"


class HubFeed(_PostFeed):
    """The latest live posts of the hub's kabupaten."""

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSource:
        return self._source(request, kabupaten=hub_kabupaten())

    def title(self, obj: FeedSource) -> str:
        return _("Berita Terkini · %(site)s") % {"site": current_site_name()}

    def subtitle(self, obj: FeedSource) -> str:
        if obj.kabupaten is None:
            return _("Berita terbaru dari KIM.")
        return _("Berita terbaru dari KIM di %(kabupaten)s.") % {"kabupaten": obj.kabupaten.name}

    def link(self, obj: FeedSource) -> str:
        return reverse("sites:hub")

    def items(self, obj: FeedSource) -> list[Post]:
        if obj.kabupaten is None:
            return []
        return self._posts(obj, live_posts().filter(kim__kabupaten=obj.kabupaten))


class KimFeed(_PostFeed):
    """The latest live posts of one active KIM."""

    def get_object(self, request: HttpRequest, kim: str) -> FeedSource:
        return self._source(request, kim=get_object_or_404(Kim.objects.served(), slug=kim))

    def title(self, obj: FeedSource) -> str:
        return f"{obj.kim.name} · {current_site_name()}"

    def subtitle(self, obj: FeedSource) -> str:
        return _("Berita terbaru dari %(kim)s.") % {"kim": obj.kim.name}

    def link(self, obj: FeedSource) -> str:
        return obj.kim.get_absolute_url()

    def items(self, obj: FeedSource) -> list[Post]:
        return self._posts(obj, live_posts().filter(kim=obj.kim))


# Cached like the pages (core.pagecache): behind nginx, a feed reader's poll is nginx's.
hub_feed = cache_public_page(HubFeed())
kim_feed = cache_public_page(KimFeed())
