"""Web addresses (slugs) made from titles."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import slugify


def free_slug(taken: QuerySet, text: str, *, fallback: str, max_length: int = 100) -> str:
    """A slug of ``text`` not used in ``taken`` (a queryset with a ``slug`` field):
    "judul", else "judul-2", "judul-3"…"""
    base = slugify(text)[:max_length] or fallback
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
