"""What a shared link and a search engine read from a public page: Open Graph values and
schema.org JSON-LD (NewsArticle, Event, Organization, GovernmentOrganization).

The builders take the objects a page already has and return plain dicts; the template
tags in core/templatetags/structured.py turn them into `<meta>` and `<script>` elements.
Every URL here is absolute: a preview is fetched from elsewhere.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.core.sitename import site_name

SCHEMA = "https://schema.org"

# The characters that could end a <script> element or start a comment in it; JSON reads
# the escaped forms as the same text (django.utils.html.json_script does the same).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# The default image of a KIM's pages (its logo). The photos are the sites app's, which
# registers the finder in its ready(): core names no app.
_kim_image_finder: Callable[[Any], Any] | None = None


def register_kim_image(finder: Callable[[Any], Any]) -> None:
    global _kim_image_finder
    _kim_image_finder = finder


def kim_image(kim: Any) -> Any:
    """The KIM's logo photo, the default image of its pages (None without one)."""
    return _kim_image_finder(kim) if _kim_image_finder is not None else None


def ld_json(data: dict[str, Any]) -> str:
    """JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def check_share_image(app_configs=None, **kwargs) -> list:
    """SHARE_IMAGE must be a shipped static file: a wrong name would fail every page at
    render time under the manifest storage, so it is refused at start instead."""
    from django.contrib.staticfiles import finders
    from django.core.checks import Error

    if finders.find(settings.SHARE_IMAGE):
        return []
    return [
        Error(
            f"SHARE_IMAGE {settings.SHARE_IMAGE!r} is not a static file.",
            hint="Name a 1200x630 PNG under a static folder, e.g. img/share.png.",
            id="jembatan.E101",
        )
    ]


def image_url(request: HttpRequest, image: Any = None) -> str:
    """A photo (anything with default_url), a path or URL, or the tenant's share card."""
    url = getattr(image, "default_url", None) if image is not None else None
    if url is None and isinstance(image, str):
        url = image
    return absolute(request, url or static(settings.SHARE_IMAGE))


def when(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def place_name(region: Any) -> str:
    """'Kabupaten Bengkayang', 'Kecamatan Sungai Betung': a kabupaten's name carries its
    kind already (the Kemendagri list), a kecamatan's does not."""
    kind = str(region.get_kind_display())
    if region.name.lower().startswith(kind.lower() + " "):
        return region.name
    return f"{kind} {region.name}"


def government_name(region: Any) -> str:
    """'Pemerintah Kabupaten Bengkayang': the body, not the territory."""
    return _("Pemerintah %(place)s") % {"place": place_name(region)}


def government_ld(request: HttpRequest, region: Any, *, url: str = "/") -> dict[str, Any]:
    return {
        "@type": "GovernmentOrganization",
        "name": government_name(region),
        "url": absolute(request, url),
        "logo": image_url(request),
        "areaServed": {
            "@type": "AdministrativeArea",
            "name": place_name(region),
        },
    }


def kim_ld(request: HttpRequest, kim: Any, logo: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": kim.name,
        "url": absolute(request, kim.get_absolute_url()),
        "logo": image_url(request, logo),
    }
    if kim.description:
        data["description"] = kim.description
    if kim.email:
        data["email"] = kim.email
    if kim.address:
        data["address"] = kim.address
    same_as = [u for u in (kim.facebook_url, kim.instagram_url, kim.youtube_url) if u]
    if same_as:
        data["sameAs"] = same_as
    data["areaServed"] = {"@type": "AdministrativeArea", "name": kim.region.name}
    return data


def article_ld(request: HttpRequest, post: Any, kim: Any, logo: Any = None) -> dict[str, Any]:
    """A KIM's news post."""
    author = getattr(post.author, "full_name", "") or kim.name
    return {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": post.title[:110],
        "description": post.summary or post.title,
        "datePublished": when(post.published_at),
        "dateModified": when(getattr(post, "updated_at", None) or post.published_at),
        "image": [image_url(request, post.photo or logo)],
        "mainEntityOfPage": absolute(request, post.get_absolute_url()),
        "author": {"@type": "Person", "name": author},
        "publisher": kim_ld(request, kim, logo),
        "inLanguage": "id",
    }


def information_ld(request: HttpRequest, item: Any) -> dict[str, Any]:
    """Information from the government, published by its office."""
    if item.area is not None:
        publisher = government_ld(request, item.area)
    else:
        publisher = {
            "@type": "Organization",
            "name": site_name(request),
            "url": absolute(request, "/"),
            "logo": image_url(request),
        }
    author = (
        {"@type": "GovernmentOrganization", "name": item.office.name}
        if item.office is not None
        else publisher
    )
    return {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": item.title[:110],
        "description": item.summary,
        "datePublished": when(item.published_at or item.created_at),
        "dateModified": when(item.corrected_at or item.published_at or item.created_at),
        "image": [image_url(request)],
        "mainEntityOfPage": absolute(request, item.get_absolute_url()),
        "author": author,
        "publisher": publisher,
        "inLanguage": "id",
    }


def event_ld(request: HttpRequest, event: Any, kim: Any, logo: Any = None) -> dict[str, Any]:
    """A KIM's agenda item; held in person, at its place or else in the KIM's village."""
    region = kim.region
    place = {
        "@type": "Place",
        "name": event.place or region.name,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": region.name,
            "addressCountry": "ID",
        },
    }
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.title,
        "startDate": when(event.starts_at),
        "location": place,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "image": [image_url(request, event.photo or logo)],
        "url": absolute(request, event.get_absolute_url()),
        "organizer": kim_ld(request, kim, logo),
    }
    if event.ends_at:
        data["endDate"] = when(event.ends_at)
    return data
