"""'Sebarkan' links: plain links to each network's share page, no JavaScript needed."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django import template

register = template.Library()


def share_targets(url: str, title: str) -> list[tuple[str, str, str]]:
    """(key, label, href) for each channel, in the order villagers use them."""
    text = f"{title} {url}"
    return [
        ("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        (
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote),
        ),
        (
            "x",
            "X",
            "https://twitter.com/intent/tweet?"
            + urlencode({"text": title, "url": url}, quote_via=quote),
        ),
        (
            "telegram",
            "Telegram",
            "https://t.me/share/url?" + urlencode({"url": url, "text": title}, quote_via=quote),
        ),
    ]


@register.inclusion_tag("sites/_share.html", takes_context=True)
def share_links(context, path: str, title: str) -> dict:
    request = context["request"]
    url = request.build_absolute_uri(path)
    return {"url": url, "targets": share_targets(url, title), "title": title}
