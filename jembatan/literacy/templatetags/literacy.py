"""{% kim_development kim %}: a KIM's latest development level, for its profile page."""

from __future__ import annotations

from django import template

from jembatan.literacy import score_rules
from jembatan.literacy.models import KimScore

register = template.Library()


@register.simple_tag
def kim_development(kim) -> KimScore | None:
    """The KIM's most recent stored score (one indexed row read; computed nightly)."""
    if kim is None or not getattr(kim, "pk", None):
        return None
    return KimScore.objects.filter(kim_id=kim.pk).order_by("-year").first()


@register.simple_tag
def kim_score_scheme(kabupaten_code: str) -> dict:
    """The kabupaten's own level scheme as shown beside a level: each activity with its
    weight (points per unit) and the points each level needs (ScoreWeights, else the
    defaults)."""
    weights = score_rules.weights_for(kabupaten_code)
    return {
        "weights": weights,
        "lines": [(c.label, getattr(weights, c.key), c.unit) for c in score_rules.COMPONENTS],
    }
