"""A printable poster per KIM for the balai desa notice board, with a QR code to its site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from jembatan.communities.models import Kim
from jembatan.core.pagecache import cache_public_page


def qr_svg(data: str) -> str:
    """The QR code as inline SVG markup (a path, no script or style)."""
    # Imported by the first QR code, not with the views (it brings lxml).
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Let CSS size it: drop the fixed millimetre size, keep the viewBox.
    return svg.replace('width="', 'data-w="', 1).replace('height="', 'data-h="', 1)


@require_safe
@cache_public_page
def kim_poster(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_object_or_404(Kim.objects.served().select_related("region__parent"), slug=kim)
    url = request.build_absolute_uri(obj.get_absolute_url())
    return render(
        request,
        "sites/poster.html",
        {
            "kim": obj,
            "url": url,
            "qr": mark_safe(qr_svg(url)),  # noqa: S308 (generated here)
        },
    )
