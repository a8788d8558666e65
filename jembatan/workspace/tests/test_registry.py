"""The registry in core: what an app registers, who sees it, and that core needs no app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from jembatan.core.registry import (
    PANELS,
    TODAY,
    TOOLS,
    AlreadyRegistered,
    Button,
    Entry,
    WorkspaceRegistry,
    changed_key,
    kabupaten_changed,
    workspace_registry,
)

CORE = Path(__file__).resolve().parents[2] / "core"


def test_entries_come_in_order_and_only_to_whom_they_are_visible():
    registry = WorkspaceRegistry()
    asked = []

    def count(user):
        asked.append(user)
        return 3

    registry.register(
        Entry(key="b.tool", section=TOOLS, title="B", url="workspace:home", order=20),
        Entry(key="a.tool", section=TOOLS, title="A", url="workspace:home", order=10),
        Entry(
            key="c.hidden",
            section=TOOLS,
            title="C",
            url="workspace:home",
            visible=lambda user: False,
            count=count,
        ),
    )
    shown = registry.for_user(AnonymousUser(), TOOLS)
    assert [s.key for s in shown] == ["a.tool", "b.tool"]
    assert shown[0].href == "/kelola/"
    assert asked == []  # an invisible entry's count is never asked


def test_a_today_entry_with_nothing_waiting_is_left_out_and_counts_read_as_told():
    registry = WorkspaceRegistry()
    registry.register(
        Entry(key="x.none", section=TODAY, title="None", url="workspace:home", count=lambda u: 0),
        Entry(
            key="x.some",
            section=TODAY,
            title="Some",
            url="workspace:home",
            query="status=diterima",
            count=lambda u: 2,
            count_text=lambda n: f"{n} baru",
        ),
        Entry(key="x.panel", section=PANELS, title="P", context=lambda u: None),
    )
    today = registry.for_user(AnonymousUser(), TODAY)
    assert [(s.key, s.count, s.count_text, s.href) for s in today] == [
        ("x.some", 2, "2 baru", "/kelola/?status=diterima")
    ]
    assert registry.for_user(AnonymousUser(), PANELS) == []  # no context: not shown


def test_buttons_and_per_user_targets_resolve_for_the_user():
    registry = WorkspaceRegistry()
    registry.register(
        Entry(
            key="y.queue",
            section=TODAY,
            title="Queue",
            url="workspace:home",
            count=lambda u: 1,
            buttons=(Button(label="Semua", url="workspace:notifications", query="halaman=2"),),
        ),
        Entry(
            key="y.tool",
            section=TOOLS,
            title="Default",
            url_for=lambda u: "/kelola/anon/" if not u.is_authenticated else "/kelola/",
            title_for=lambda u: "Tamu",
        ),
    )
    (queue,) = registry.for_user(AnonymousUser(), TODAY)
    assert [b.href() for b in queue.entry.buttons] == ["/kelola/pemberitahuan/?halaman=2"]
    (tool,) = registry.for_user(AnonymousUser(), TOOLS)
    assert (tool.title, tool.href) == ("Tamu", "/kelola/anon/")


def test_a_key_is_registered_once_and_sections_are_known():
    registry = WorkspaceRegistry()
    registry.register(Entry(key="a.one", section=TOOLS, title="A"))
    with pytest.raises(AlreadyRegistered):
        registry.register(Entry(key="a.one", section=TOOLS, title="A again"))
    with pytest.raises(ValueError):
        registry.register(Entry(key="a.two", section="elsewhere", title="A"))


def test_every_app_filled_the_registry_from_its_workspace_module():
    keys = {e.key for e in workspace_registry.entries()}
    assert {
        "accounts.two_factor",
        "workspace.notifications",
        "communities.roles",
        "communities.kims",
        "dissemination.manage",
        "dissemination.questions",
        "dissemination.low_reach",
        "dissemination.inboxes",
        "aspirations.queue",
        "aspirations.verify",
        "aspirations.due_today",
        "aspirations.overdue",
        "aspirations.returned",
        "aspirations.first_response",
        "literacy.home",
        "disclosure.home",
        "dialogue.home",
        "api.home",
        "dashboard.home",
    } <= keys


@pytest.mark.parametrize("name", ["views.py", "urls.py", "registry.py", "apps.py"])
def test_core_modules_of_the_workspace_import_no_app(name):
    tree = ast.parse((CORE / name).read_text())
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    apps = [m for m in imported if m.startswith("jembatan.") and not m.startswith("jembatan.core")]
    assert apps == []


# --- The change marks: once per transaction, after its commit ---------------------------


@pytest.fixture
def cache_writes(monkeypatch):
    """Each write of a change mark to the cache (a SET or one SET of many)."""
    from django.core.cache import cache

    writes: list[list[str]] = []
    real_set, real_set_many = cache.set, cache.set_many
    inside = []

    def set_one(key, value, timeout=None, **kwargs):
        if not inside:  # not a backend's set_many setting its keys one by one
            writes.append([key])
        return real_set(key, value, timeout, **kwargs)

    def set_many(data, timeout=None, **kwargs):
        writes.append(sorted(data))
        inside.append(True)
        try:
            return real_set_many(data, timeout, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "set", set_one)
    monkeypatch.setattr(cache, "set_many", set_many)
    cache.delete_many([changed_key("61.07"), changed_key("61.04")])
    return writes


def _marked() -> set[str]:
    from django.core.cache import cache

    return {code for code in ("61.07", "61.04") if cache.get(changed_key(code)) is not None}


@pytest.mark.django_db(transaction=True)
def test_a_transaction_marks_what_it_changed_once_after_its_commit(cache_writes):
    with transaction.atomic():
        kabupaten_changed("61.07")
        kabupaten_changed("61.07.04.1010")  # a desa of the same kabupaten
        with transaction.atomic():
            kabupaten_changed("61.04")
        assert cache_writes == [] and _marked() == set()  # nothing before the commit
    assert _marked() == {"61.07", "61.04"}
    assert cache_writes == [[changed_key("61.04"), changed_key("61.07")]]  # one write


@pytest.mark.django_db(transaction=True)
def test_what_was_rolled_back_is_not_marked(cache_writes):
    with pytest.raises(RuntimeError), transaction.atomic():
        kabupaten_changed("61.07")
        raise RuntimeError
    assert _marked() == set()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, rolled back with its change
                kabupaten_changed("61.07")
                raise RuntimeError
        except RuntimeError:
            pass
        kabupaten_changed("61.04")
    assert _marked() == {"61.04"}
    assert cache_writes == [[changed_key("61.04")]]


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_a_transaction_is_marked_at_once(cache_writes):
    kabupaten_changed("61.07")
    assert _marked() == {"61.07"} and cache_writes == [[changed_key("61.07")]]
