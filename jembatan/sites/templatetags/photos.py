"""{% photo photo sizes="..." %}: a <picture> of a Photo's stored renditions.

Only reads what the upload wrote (jembatan.core.images); nothing is resized here.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DEFAULT_SIZES = "(min-width: 60rem) 60rem, 100vw"


@register.simple_tag
def photo(
    photo,
    sizes: str = DEFAULT_SIZES,
    alt: str | None = None,
    loading: str = "lazy",
    css_class: str = "",
) -> SafeString:
    """WebP for browsers that take it, progressive JPEG otherwise, lazy by default.

    ``alt`` overrides the photo's alt text (falling back to its caption); pass
    loading="eager" for the first image of a page.
    """
    if photo is None or not getattr(photo, "master", ""):
        return mark_safe("")
    if alt is None:
        alt = photo.alt_text or photo.caption or ""
    width, height = photo.default_size
    webp = photo.srcset("webp")
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes)
        if webp
        else ""
    )
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}"'
        ' loading="{}" decoding="async"{}>',
        photo.default_url,
        photo.srcset("jpeg"),
        sizes,
        alt,
        width,
        height,
        "eager" if loading == "eager" else "lazy",
        format_html(' class="{}"', css_class) if css_class else "",
    )
    return format_html("<picture>{}{}</picture>", source, img)
