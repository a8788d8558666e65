"""What the workspace home shows every Diskominfo of a kabupaten alike, kept in the cache.

The "today" counts and the KIM panel of a user whose access is one or more whole
kabupaten and nothing else (the Diskominfo role there: no office, no kecamatan, no KIM of
their own) depend on those kabupaten alone, not on who asks: the access helpers give
every such user the same rows. They are worked out once per kabupaten and kept in the
cache for SHARED_SECONDS at most, by kabupaten, day, time zone and language; the entries
say so (``Entry(shared=True)``), and their apps mark a kabupaten changed when a row the
entries read is saved or deleted (``core.registry.track_changes``), so a case verified,
a rumour answered or a KIM registered shows on the next visit. Writes that send no
signal (bulk updates, a delivery's reach) show within SHARED_SECONDS. Who sees an entry
is still decided per user and per request (``visible``), and anyone with any other role
(an office, a camat, a KIM member, an operator over every kabupaten) gets their own
counts, read afresh, as before.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from jembatan.communities.access import whole_kabupaten_codes
from jembatan.core.registry import (
    PANELS,
    SECTIONS,
    Shown,
    kept_while_unchanged,
    workspace_registry,
)

# How long a kabupaten's shared values are kept at most (the writes that mark it changed
# aside): the staleness of what no signal reports.
SHARED_SECONDS = 60


def shared_scope(user: Any) -> tuple[str, ...] | None:
    """The kabupaten codes when administering them is all the user's access (then the
    shared entries are the same for every such user); None for anyone else."""
    return whole_kabupaten_codes(user)


def _shared_values(user: Any, scope: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """The counts and contexts of the shared entries the user sees, by entry key, and the
    HTML of the shared panels (their template drawn with ``panel`` alone, which is all a
    panel's template reads): from the cache while none of the kabupaten changed since,
    else worked out and kept."""
    entries = [
        entry
        for entry in workspace_registry.entries()
        if entry.shared and (entry.count or entry.context) and entry.visible(user)
    ]
    if not entries:
        return {}, {}
    key = "workspace:shared:v3:{}:{}:{}:{}".format(
        ",".join(scope),
        timezone.localdate().isoformat(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    wanted = {entry.key for entry in entries}

    def work_out() -> tuple[dict[str, Any], dict[str, str]]:
        values = {
            entry.key: entry.count(user) if entry.count else entry.context(user)  # type: ignore[misc]
            for entry in entries
        }
        drawn = {
            entry.key: render_to_string(entry.template, {"panel": values[entry.key]})
            for entry in entries
            if entry.section == PANELS and entry.template and values[entry.key] is not None
        }
        return values, drawn

    values, drawn = kept_while_unchanged(
        key, scope, work_out, seconds=SHARED_SECONDS, usable=lambda kept: wanted <= kept[0].keys()
    )
    return (
        {name: values[name] for name in wanted},
        {name: html for name, html in drawn.items() if name in wanted},
    )


def home_entries(user: Any) -> dict[str, list[Shown]]:
    """The tools, today queues and panels of the home, by section."""
    scope = shared_scope(user)
    known, drawn = _shared_values(user, scope) if scope else ({}, {})
    sections = {section: workspace_registry.for_user(user, section, known) for section in SECTIONS}
    for item in sections[PANELS]:
        if item.key in drawn:
            # Drawn by the template engine from the panel's context (escaped there).
            item.html = mark_safe(drawn[item.key])  # noqa: S308
    return sections
