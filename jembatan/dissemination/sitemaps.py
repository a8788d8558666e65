"""/informasi/ and each published information item in /sitemap.xml (core.sitemaps)."""

from __future__ import annotations

from django.utils import timezone

from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.dissemination.models import InfoItem


def public_items():
    # What info_detail shows: published and due (a draft is 404, a withdrawn item 410).
    return (
        InfoItem.objects.served()
        .filter(status=InfoItem.Status.PUBLISHED, published_at__lte=timezone.now())
        .order_by("pk")
    )


def register() -> None:
    register_sitemap("informasi", lambda: PagesSitemap(["dissemination:list"]))
    register_sitemap("informasi-item", lambda: QuerySitemap(public_items, "updated_at"))
