"""/ppid/ and each public body's list of public information in /sitemap.xml."""

from __future__ import annotations

from django.urls import reverse

from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.disclosure.models import PublicBody
from jembatan.disclosure.views import public_bodies


class BodySitemap(QuerySitemap):
    def location(self, item: PublicBody) -> str:
        return reverse("disclosure:body", kwargs={"pk": item.pk})


def register() -> None:
    register_sitemap("ppid", lambda: PagesSitemap(["disclosure:hub"]))
    register_sitemap("ppid-daftar", lambda: BodySitemap(lambda: public_bodies().order_by("pk")))
