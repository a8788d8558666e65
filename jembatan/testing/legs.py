"""Which leg of the suite a test belongs to: CI runs the suite on SQLite (`make test`) and
on PostgreSQL (`make test-postgres`), and a few tests are for one of them only (their
markers are described in pyproject.toml)."""

from __future__ import annotations

from typing import Any

# Markers whose tests the leg leaves out (deselected, not skipped: nothing is missing).
LEFT_OUT: dict[bool, tuple[str, ...]] = {
    # On SQLite: what needs a server (concurrent writers, the search triggers).
    False: ("postgresql",),
    # On PostgreSQL: what exists on the embedded database only, and what never uses the
    # database under test (it ran in the SQLite leg; running it again proves nothing new).
    True: ("sqlite", "once"),
}


def for_this_leg(item: Any, *, on_postgresql: bool) -> bool:
    return not any(item.get_closest_marker(name) for name in LEFT_OUT[on_postgresql])
