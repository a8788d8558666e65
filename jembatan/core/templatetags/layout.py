"""``{% fixed %}``: a part of the page layout rendered once per process and language.

Most of the header and footer that every page extends (the menu's links and labels, the
search form, the language list, the links to the privacy notice) is the same on every
request in a language: a dozen URL reversals and thirty translations, a millisecond of CPU
on each page. Inside ``{% fixed %} ... {% endfixed %}`` the part is rendered once per
language, script prefix and URLconf, and the same HTML is given back afterwards::

    {% load layout %}
    {% fixed signed_in=user.is_authenticated %}
      <a href="{% url 'sites:hub' %}">{% translate "Beranda" %}</a>
      {% if signed_in %}...{% endif %}
    {% endfixed %}

The part sees only the values named on the tag (each a str, int, bool or None, part of
the key it is kept under), nothing else of the page's context: no user, request, tenant or
form token can enter HTML that another request is given (they render as empty, which a
page's test shows at once). Tags that need the request (``{% csrf_token %}``) stay
outside, and so do ``{% block %}`` tags (refused: a kept part cannot be overridden).

Staleness: none while the process runs. URLs, translations and static file names change
only with a deployment, which restarts the workers; a changed setting (tests) drops every
kept part.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jembatan.core.urlmemo import memo_reverse

register = template.Library()

KEY_TYPES = (str, int, bool, type(None))
# Variants kept per part: languages x the values named on the tag. Past that (a value
# that should not have been named, such as an id) the part is rendered every time.
MAX_VARIANTS = 64

_generation = 0


def _forget_all(**kwargs: Any) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_forget_all, dispatch_uid="jembatan-layout-fixed")


class FixedNode(template.Node):
    # Not walked for {% block %} tags (an {% extends %} looks for them on every render):
    # the part has none, and could not be overridden if it had.
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, values: list[tuple[str, FilterExpression]]) -> None:
        self.nodelist = nodelist
        self.values = values
        self.kept: dict[tuple[Any, ...], SafeString] = {}
        self.generation = _generation

    def render(self, context: template.Context) -> SafeString:
        values = {name: expression.resolve(context) for name, expression in self.values}
        for name, value in values.items():
            if not isinstance(value, KEY_TYPES):
                raise template.TemplateSyntaxError(
                    f"{{% fixed %}}: {name} is a {type(value).__name__}; "
                    "only str, int, bool or None may be named"
                )
        key = (get_language(), get_script_prefix(), get_urlconf(), *values.items())
        if self.generation != _generation:
            self.kept.clear()
            self.generation = _generation
        html = self.kept.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(self._isolated(context, values)))  # noqa: S308 (rendered by the template engine)
            if len(self.kept) < MAX_VARIANTS:
                self.kept[key] = html
        return html

    @staticmethod
    def _isolated(context: template.Context, values: dict[str, Any]) -> template.Context:
        """A context of the named values alone, with the page's rendering options."""
        isolated = template.Context(
            values,
            autoescape=context.autoescape,
            use_l10n=context.use_l10n,
            use_tz=context.use_tz,
        )
        isolated.template = context.template  # for {% include %}: the same engine
        return isolated


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` of a URL without arguments, reversed once per process (and
    language, script prefix and URLconf: ``core.urlmemo``), for the layout's links next
    to a per-request part, such as a form's token."""
    return memo_reverse(name)


@register.tag("fixed")
def fixed(parser: Parser, token: Token) -> FixedNode:
    """``{% fixed name=value ... %}`` ... ``{% endfixed %}`` (see the module)."""
    values = []
    for bit in token.split_contents()[1:]:
        name, sep, expression = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError(f"{{% fixed %}} takes name=value, not {bit!r}")
        values.append((name, parser.compile_filter(expression)))
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% fixed %} cannot hold a {% block %}")
    return FixedNode(nodelist, values)
