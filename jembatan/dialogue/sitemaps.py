"""/dialog/, published consultations and polls, and the discussions in /sitemap.xml."""

from __future__ import annotations

from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.dialogue.models import Consultation, Poll, Thread


def register() -> None:
    register_sitemap("dialog", lambda: PagesSitemap(["dialogue:index"]))
    register_sitemap(
        "konsultasi",
        lambda: QuerySitemap(lambda: Consultation.objects.filter(is_published=True).order_by("pk")),
    )
    register_sitemap(
        "jajak",
        lambda: QuerySitemap(lambda: Poll.objects.filter(is_published=True).order_by("pk")),
    )
    register_sitemap("diskusi", lambda: QuerySitemap(lambda: Thread.objects.order_by("pk")))
