"""The sections of /sitemap.xml that apps above `sites` contribute.

Sites (floor 5) serves the sitemap but may not import the capabilities above it, so each
of them registers its own section here from its AppConfig.ready() (the registry pattern
of docs/architecture.md). A section lists only public, published things; it is the hub's:
on a KIM's own host name the sitemap lists that KIM's pages alone and leaves these out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

_sections: dict[str, Callable[[], Sitemap]] = {}


def register_sitemap(name: str, factory: Callable[[], Sitemap]) -> None:
    """Add a section (its name is the sitemap's key) built by ``factory`` per request."""
    _sections[name] = factory


def hub_sitemaps() -> dict[str, Sitemap]:
    return {name: factory() for name, factory in _sections.items()}


class PagesSitemap(Sitemap):
    """Fixed pages by URL name (an app's index pages)."""

    changefreq = "daily"

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)


class QuerySitemap(Sitemap):
    """The rows of a query, each at its get_absolute_url; lastmod from ``updated`` if set."""

    def __init__(self, query: Callable[[], Any], updated: str = "") -> None:
        self.query = query
        self.updated = updated

    def items(self) -> Any:
        return self.query()

    def lastmod(self, item: Any) -> Any:
        return getattr(item, self.updated) if self.updated else None
