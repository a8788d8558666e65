"""/data/ (the open-data catalogue) and /statistik/ in /sitemap.xml (core.sitemaps)."""

from __future__ import annotations

from jembatan.core.sitemaps import PagesSitemap, register_sitemap


def register() -> None:
    register_sitemap("data", lambda: PagesSitemap(["dashboard:data", "dashboard:statistics"]))
