"""{% latest_information %}: the hub's box of current development information."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.utils import timezone

from jembatan.dissemination.views import hub_items

register = template.Library()


@register.inclusion_tag("dissemination/_latest.html")
def latest_information(count: int = 3) -> dict:
    today = timezone.localdate()
    items = hub_items().filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return {"items": list(items[:count])}
