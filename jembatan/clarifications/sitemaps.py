"""/klarifikasi/ and the published answers in /sitemap.xml."""

from __future__ import annotations

from jembatan.clarifications.models import Clarification
from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.tenants.current import served_code


def register() -> None:
    register_sitemap("klarifikasi-isu", lambda: PagesSitemap(["clarifications:list"]))
    register_sitemap(
        "klarifikasi",
        lambda: QuerySitemap(
            lambda: Clarification.objects.filter(
                kabupaten_id=served_code(), status=Clarification.Status.PUBLISHED
            ).order_by("pk"),
            updated="updated_at",
        ),
    )
