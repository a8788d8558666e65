"""``{% fixed %}`` (jembatan.core.templatetags.layout): a part of the layout rendered once
per process and language, that sees only the values named on it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation

from jembatan.core.templatetags.layout import FixedNode
from jembatan.testing.factories import StaffFactory


def _fixed_node(template: Template) -> FixedNode:
    return next(iter(template.nodelist.get_nodes_by_type(FixedNode)))


class Counting:
    """Counts how often the part inside the tag is rendered."""

    def __init__(self, node: FixedNode) -> None:
        self.nodelist, self.calls = node.nodelist, 0
        node.nodelist = self  # type: ignore[assignment]

    def render(self, context):
        self.calls += 1
        return self.nodelist.render(context)


def test_rendered_once_then_the_same_html():
    template = Template(
        "{% load layout i18n %}{% fixed %}<a href=\"{% url 'sites:hub' %}\">"
        "{% translate 'Beranda' %}</a>{% endfixed %}"
    )
    counting = Counting(_fixed_node(template))
    with translation.override("id"):
        first = template.render(Context())
        assert template.render(Context()) == first == '<a href="/">Beranda</a>'
    assert counting.calls == 1


def test_another_language_is_rendered_in_it():
    template = Template(
        "{% load layout i18n %}{% fixed %}{% get_current_language as L %}{{ L }}{% endfixed %}"
    )
    counting = Counting(_fixed_node(template))
    with translation.override("id"):
        assert template.render(Context()) == "id"
    with translation.override("en"):
        assert template.render(Context()) == "en"
    with translation.override("id"):
        assert template.render(Context()) == "id"
    assert counting.calls == 2


def test_the_named_values_are_part_of_the_key():
    template = Template(
        "{% load layout %}{% fixed signed_in=user.is_authenticated %}"
        "{% if signed_in %}Kelola{% else %}Masuk{% endif %}{% endfixed %}"
    )
    staff = SimpleNamespace(is_authenticated=True)
    assert template.render(Context({"user": staff})) == "Kelola"
    assert template.render(Context({})) == "Masuk"
    assert template.render(Context({"user": staff})) == "Kelola"


def test_nothing_else_of_the_page_enters_the_part():
    template = Template(
        "{% load layout %}{% fixed %}[{{ user.email }}{{ request.path }}{{ secret }}"
        "{% csrf_token %}]{% endfixed %}"
    )
    staff = SimpleNamespace(is_authenticated=True, email="rahasia@example.test")
    html = template.render(Context({"user": staff, "secret": "s3cr3t", "csrf_token": "t" * 64}))
    assert html == "[]"


def test_values_only_of_plain_kinds():
    template = Template("{% load layout %}{% fixed who=user %}{{ who }}{% endfixed %}")
    with pytest.raises(TemplateSyntaxError):
        template.render(Context({"user": SimpleNamespace(is_authenticated=True)}))
    with pytest.raises(TemplateSyntaxError):
        Template("{% load layout %}{% fixed user %}{% endfixed %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% load layout %}{% fixed %}{% block menu %}{% endblock %}{% endfixed %}")


def test_a_changed_setting_is_rendered_again():
    template = Template("{% load layout static %}{% fixed %}{% static 'x.css' %}{% endfixed %}")
    before = template.render(Context())
    with override_settings(STATIC_URL="/aset/"):
        assert template.render(Context()) == "/aset/x.css"
    assert template.render(Context()) == before


def test_too_many_variants_are_rendered_each_time(monkeypatch):
    monkeypatch.setattr("jembatan.core.templatetags.layout.MAX_VARIANTS", 2)
    template = Template("{% load layout %}{% fixed n=n %}{{ n }}{% endfixed %}")
    node = _fixed_node(template)
    assert [template.render(Context({"n": n})) for n in range(5)] == ["0", "1", "2", "3", "4"]
    assert len(node.kept) == 2


@pytest.mark.django_db
def test_a_staff_page_and_a_visitors_page_each_have_their_menu(client):
    client.get("/tidak-ada/")  # the visitor's menu is kept first
    staff = StaffFactory(email="staf@example.test", full_name="Staf Satu")
    signed_in = client.__class__()
    signed_in.force_login(staff)
    page = signed_in.get("/kelola/tidak-ada/").content.decode()
    assert 'href="/kelola/"' in page and 'href="/akun/masuk/"' not in page
    visitor = client.get("/tidak-ada/").content.decode()
    assert 'href="/akun/masuk/"' in visitor and 'href="/kelola/"' not in visitor
    assert "Staf Satu" not in visitor


def test_fixed_url_is_the_url_reversed_once(monkeypatch):
    from jembatan.core import urlmemo

    template = Template("{% load layout %}{% fixed_url 'accounts:logout' %}")
    expected = Template("{% url 'accounts:logout' %}").render(Context())
    assert template.render(Context()) == expected
    reversed_names = []
    monkeypatch.setattr(
        urlmemo, "reverse", lambda name, **kw: reversed_names.append(name) or "/lain/"
    )
    assert template.render(Context()) == expected
    assert reversed_names == []
    # A changed setting (another URLconf) reverses again.
    with override_settings(ROOT_URLCONF="jembatan.tenants.tests.urls"):
        assert template.render(Context()) == "/lain/"
    assert reversed_names == ["accounts:logout"]
