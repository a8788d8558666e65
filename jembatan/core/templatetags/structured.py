"""Open Graph `<meta>` and JSON-LD `<script>` for public pages (see core/structured.py).

Base.html renders `{% open_graph %}` in its `opengraph` block, so every page has a title,
URL and image to share; a public page overrides the block with its own values.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jembatan.core import structured
from jembatan.core.sitename import site_name

register = template.Library()

_LOCALES = {"id": "id_ID", "en": "en_US"}


def _logo(kim: Any, logo: Any) -> Any:
    if logo or kim is None:
        return logo
    return structured.kim_image(kim)


@register.inclusion_tag("core/_open_graph.html", takes_context=True)
def open_graph(
    context,
    title: str = "",
    type: str = "website",
    description: str = "",
    image: Any = None,
    kim: Any = None,
    logo: Any = None,
    published: Any = None,
) -> dict[str, Any]:
    """og:* for the page: the image is the page's photo, else the KIM's logo, else the
    platform's share card; og:url is the page's address without its query."""
    request = context["request"]
    if image is None and kim is not None:
        image = _logo(kim, logo)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # The tenant's name (the kabupaten/kota the host serves), else SITE_NAME.
    site = site_name(request)
    site_name_shown = site if kim is None else f"{site} · {kim.name}"
    return {
        "og_title": title or site,
        "og_type": type,
        "og_description": description,
        "og_url": request.build_absolute_uri(request.path),
        "og_image": structured.image_url(request, image),
        "og_site_name": site_name_shown,
        "og_locale": _LOCALES.get(language, "id_ID"),
        "og_published": structured.when(published),
    }


def _script(data: dict[str, Any]) -> SafeString:
    # ld_json escapes <, > and &: the text cannot close the element or open a comment.
    body = mark_safe(structured.ld_json(data))  # noqa: S308 (escaped by ld_json)
    return format_html('<script type="application/ld+json">{}</script>', body)


@register.simple_tag(takes_context=True)
def ld_article(context, post: Any, kim: Any, logo: Any = None) -> SafeString:
    return _script(structured.article_ld(context["request"], post, kim, _logo(kim, logo)))


@register.simple_tag(takes_context=True)
def ld_information(context, item: Any) -> SafeString:
    return _script(structured.information_ld(context["request"], item))


@register.simple_tag(takes_context=True)
def ld_event(context, event: Any, kim: Any, logo: Any = None) -> SafeString:
    return _script(structured.event_ld(context["request"], event, kim, _logo(kim, logo)))


@register.simple_tag(takes_context=True)
def ld_kim(context, kim: Any, logo: Any = None) -> SafeString:
    request = context["request"]
    data = {"@context": structured.SCHEMA, **structured.kim_ld(request, kim, _logo(kim, logo))}
    return _script(data)


@register.simple_tag(takes_context=True)
def ld_government(context, region: Any) -> SafeString:
    if region is None:
        return SafeString("")
    data = {"@context": structured.SCHEMA, **structured.government_ld(context["request"], region)}
    return _script(data)
