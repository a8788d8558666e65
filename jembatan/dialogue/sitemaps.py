"""/dialog/, published consultations and polls, and the discussions in /sitemap.xml."""

from __future__ import annotations

from jembatan.core.sitemaps import PagesSitemap, QuerySitemap, register_sitemap
from jembatan.dialogue.models import Consultation, Poll, Thread
from jembatan.tenants.current import served_code


def _served(model):
    """The rows of the tenant being served: the sitemap lists this kabupaten's only."""
    return model.objects.filter(kabupaten_id=served_code())


def register() -> None:
    register_sitemap("dialog", lambda: PagesSitemap(["dialogue:index"]))
    register_sitemap(
        "konsultasi",
        lambda: QuerySitemap(
            lambda: _served(Consultation).filter(is_published=True).order_by("pk")
        ),
    )
    register_sitemap(
        "jajak",
        lambda: QuerySitemap(lambda: _served(Poll).filter(is_published=True).order_by("pk")),
    )
    register_sitemap("diskusi", lambda: QuerySitemap(lambda: _served(Thread).order_by("pk")))
