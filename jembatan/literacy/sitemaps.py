"""/literasi/, public trainings and published modules in /sitemap.xml (core.sitemaps)."""

from __future__ import annotations

from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.literacy import access


def register() -> None:
    register_sitemap("literasi", lambda: PagesSitemap(["literacy:index"]))
    register_sitemap(
        "pelatihan",
        lambda: QuerySitemap(lambda: access.get_public_trainings().order_by("pk"), "updated_at"),
    )
    register_sitemap(
        "modul", lambda: QuerySitemap(lambda: access.get_published_modules().order_by("pk"))
    )
