"""{% kim_development kim %}: a KIM's latest development level, for its profile page."""

from __future__ import annotations

from django import template

from jembatan.literacy.models import KimScore

register = template.Library()


@register.simple_tag
def kim_development(kim) -> KimScore | None:
    """The KIM's most recent stored score (one indexed row read; computed nightly)."""
    if kim is None or not getattr(kim, "pk", None):
        return None
    return KimScore.objects.filter(kim_id=kim.pk).order_by("-year").first()
