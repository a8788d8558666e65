from django import template
from django.utils import translation

from jembatan.core.jscatalog import catalog_url

register = template.Library()


@register.simple_tag
def js_catalog() -> str:
    """The address of the scripts' translations in the page's language (core.jscatalog)."""
    return catalog_url(translation.get_language() or "id")
