"""The workspace registry: what each app puts on the signed-in home (/kelola/).

Core imports no app, so it only keeps the list. Each app describes its own entries in a
``workspace.py`` module (a tool button, a queue of things to do today with a count, or a
panel with its own template) and registers them here; the ``workspace`` app (floor 8)
discovers those modules (``autodiscover_modules("workspace")``, the admin's pattern) and
renders the home from ``workspace_registry.for_user(user, section)``.

An entry's ``visible`` decides per user (by role) whether it shows at all; ``count``
(one cheap query, through the app's access helpers, so tenant isolation holds) is
asked only when it is visible. A "today" entry with nothing waiting is not shown.

A ``shared`` entry's count or context is the same for every user whose access is one or
more whole kabupaten and nothing else (a Diskominfo): the workspace keeps it in the
cache per kabupaten (``jembatan.workspace.shared``) and passes it in as ``known``. Its
app says which writes change it (``track_changes``): saving or deleting such a row marks
the row's kabupaten changed, and what was kept for it is read afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from jembatan.core.urlmemo import memo_reverse

TOOLS = "tools"  # the row of buttons to the app's own pages
TODAY = "today"  # what needs doing now: a count and a link to the filtered list
PANELS = "panels"  # a section with its own template (the KIMs, their inboxes)
SECTIONS = (TOOLS, TODAY, PANELS)


def _always(user: Any) -> bool:
    return True


def _href(url: str, query: str) -> str:
    """The entry's link, reversed once per process (the URL names of the entries are a
    fixed set)."""
    path = memo_reverse(url)
    return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class Button:
    """A button beside a today entry (e.g. "Ingatkan KIM"): a URL name and its query."""

    label: Any
    url: str
    query: str = ""

    def href(self) -> str:
        return _href(self.url, self.query)


@dataclass(frozen=True)
class Entry:
    key: str  # unique across apps: "<app>.<what>"
    section: str
    title: Any  # a (lazy) translatable string
    url: str = ""  # a URL name without arguments
    query: str = ""  # added to the URL: the filter of the list it opens
    order: int = 100
    visible: Callable[[Any], bool] = _always
    count: Callable[[Any], int] | None = None
    # How the count reads ("3 baru"); by default the number alone.
    count_text: Callable[[int], str] | None = None
    help: Any = ""
    buttons: tuple[Button, ...] = ()
    secondary: bool = False  # a tool shown as a secondary button
    # Panels: a template and the context it needs (None: nothing to show).
    template: str = ""
    context: Callable[[Any], dict | None] | None = None
    # A tool whose target depends on the user (e.g. literacy: manage or mine).
    url_for: Callable[[Any], str] | None = None
    title_for: Callable[[Any], Any] | None = None
    # The count or context depends only on the kabupaten the user administers when that
    # is all their access (see the module's docstring); its app tracks the writes.
    shared: bool = False

    def href(self, user: Any) -> str:
        if self.url_for is not None:
            return self.url_for(user)
        if not self.url:
            return ""
        return _href(self.url, self.query)


@dataclass
class Shown:
    """An entry as one user sees it."""

    entry: Entry
    title: Any
    href: str
    count: int | None = None
    count_text: str = ""
    context: dict = field(default_factory=dict)
    # A shared panel already drawn (workspace.shared): shown as it is.
    html: str = ""

    @property
    def key(self) -> str:
        return self.entry.key


class AlreadyRegistered(Exception):
    pass


class WorkspaceRegistry:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def register(self, *entries: Entry) -> None:
        for entry in entries:
            if entry.section not in SECTIONS:
                raise ValueError(f"Unknown workspace section {entry.section!r}")
            if entry.key in self._entries:
                raise AlreadyRegistered(entry.key)
            self._entries[entry.key] = entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def entries(self, section: str | None = None) -> list[Entry]:
        found = [e for e in self._entries.values() if section is None or e.section == section]
        return sorted(found, key=lambda e: (e.order, e.key))

    def for_user(
        self, user: Any, section: str, known: Mapping[str, Any] | None = None
    ) -> list[Shown]:
        """The section's entries as the user sees them; ``known``: counts and contexts
        already worked out for the user (by entry key), asked again of no entry."""
        known = known or {}
        shown: list[Shown] = []
        for entry in self.entries(section):
            if not entry.visible(user):
                continue
            title = entry.title_for(user) if entry.title_for is not None else entry.title
            item = Shown(entry=entry, title=title, href=entry.href(user))
            if entry.count is not None:
                item.count = known[entry.key] if entry.key in known else entry.count(user)
                if section == TODAY and not item.count:
                    continue
                item.count_text = (
                    entry.count_text(item.count) if entry.count_text else str(item.count)
                )
            if entry.context is not None:
                context = known[entry.key] if entry.key in known else entry.context(user)
                if context is None:
                    continue
                item.context = context
            shown.append(item)
        return shown


workspace_registry = WorkspaceRegistry()


# --- What changed, per kabupaten, for the shared entries -------------------------------

CHANGED_KEY = "workspace:changed:{}"


def changed_key(code: str) -> str:
    return CHANGED_KEY.format(code)


def kabupaten_changed(code: str | None) -> None:
    """Something a shared entry reads changed in the kabupaten ``code`` (or in a region
    inside it): what the workspace kept for it is read afresh.

    Marked once the change is committed, once per transaction however many rows of how
    many kabupaten it saved (one trip to the cache for all of them), or at once outside
    a transaction. After the commit is enough: the workspace keeps its values with the
    marks it read before working them out (``workspace.shared``), so a reader who read
    the rows before the commit read the marks before this one and its values are not
    used; one who reads the marks after this one reads the committed rows."""
    if not code:
        return
    key = changed_key(code[:5])
    connection = transaction.get_connection()
    if not connection.in_atomic_block or getattr(
        connection.atomic_blocks[0], "_from_testcase", False
    ):
        # Committed already; or a test case's own transaction, which never commits.
        _ChangeMarks.write({key})
        return
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _ChangeMarks):
            callback.keys.add(key)
            return
    transaction.on_commit(_ChangeMarks(key))


class _ChangeMarks:
    """The kabupaten a transaction changed, marked in one write after its commit. Found
    again among the connection's commit callbacks by later changes in the transaction
    (a rollback, of the transaction or of the savepoint it was made in, drops it)."""

    def __init__(self, key: str) -> None:
        self.keys = {key}

    def __call__(self) -> None:
        self.write(self.keys)

    @staticmethod
    def write(keys: set[str]) -> None:
        now = time.time_ns()
        if len(keys) == 1:
            cache.set(next(iter(keys)), now, None)  # a plain SET: no pipeline to build
        else:
            cache.set_many(dict.fromkeys(keys, now), None)


T = TypeVar("T")


def kept_while_unchanged(
    key: str,
    codes: tuple[str, ...],
    work_out: Callable[[], T],
    *,
    seconds: int,
    usable: Callable[[T], bool] = lambda value: True,
) -> T:
    """The value kept in the shared cache under ``key`` while none of the kabupaten
    ``codes`` was marked changed since it was worked out (and ``usable`` accepts it), else
    ``work_out()``, kept for ``seconds`` at most. The key and the marks are read in one
    trip; the value is stored with the marks read before it was worked out, so a change
    marked meanwhile is not hidden by it (the next read finds another mark)."""
    marks = [changed_key(code) for code in codes]
    found = cache.get_many([key, *marks])
    changed = tuple(found.get(mark) for mark in marks)
    kept = found.get(key)
    if kept is not None and kept[0] == changed and usable(kept[1]):
        return kept[1]
    value = work_out()
    cache.set(key, (changed, value), seconds)
    return value


def track_changes(model: type, kabupaten: Callable[[Any], str | None]) -> None:
    """Mark the kabupaten of every saved or deleted ``model`` row changed; ``kabupaten``
    gives a row's kabupaten (or region) code, from the row itself where it can.
    (``QuerySet.update`` and bulk writes send no signal: the cache lifetime bounds them.)"""

    def changed(sender: type, instance: Any, **kwargs: Any) -> None:
        kabupaten_changed(kabupaten(instance))

    uid = f"workspace-changes-{model._meta.label_lower}"  # type: ignore[attr-defined]
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
