"""A per-process memo of small, read-mostly tables, kept for a few seconds.

The busiest form (the public aspiration form) validates a category and a desa on every
submission. Those rows change a few times a year, so each worker keeps them in memory for
``seconds`` instead of asking the database twice per request. Saving a row clears this
process's copy at once (connect ``clear`` to the model's signals); other processes see a
change within ``seconds``.

This is deliberately not Django's cache: with Redis that would still be a network round
trip and a pickle per lookup, which is the cost being avoided.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Clearable(Protocol):
    def clear(self) -> None: ...


_instances: list[Clearable] = []


def register(memo: Clearable) -> None:
    """Have ``clear_all`` clear ``memo`` too (another per-process memo, such as
    ``core.urlmemo``'s)."""
    _instances.append(memo)


def clear_all() -> None:
    """Forget every process-local cache (between tests; after a bulk import)."""
    for instance in _instances:
        instance.clear()


class LocalCache(Generic[T]):
    def __init__(self, *, seconds: float, max_entries: int = 256) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()
        register(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value for ``key``: the cached one while fresh, else ``load()`` (kept)."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            # A bound on memory, not an eviction policy: the keys are a handful of tenants.
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now + self.seconds, value)
        return value

    def get_many(self, keys: Iterable[K], load: Callable[[list[K]], Mapping[K, T]]) -> dict[K, T]:
        """The values of ``keys``: the cached ones while fresh, the others from one
        ``load(missing)`` (which may give more than was asked; all of it is kept)."""
        now = time.monotonic()
        found: dict[K, T] = {}
        missing: list[K] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                found[key] = entry[1]
            else:
                missing.append(key)
        if missing:
            loaded = load(missing)
            expires = now + self.seconds
            with self._lock:
                if len(self._entries) + len(loaded) > self.max_entries:
                    self._entries.clear()
                for key, value in loaded.items():
                    self._entries[key] = (expires, value)
            found.update(loaded)
        return found

    def clear(self, *args: Any, **kwargs: Any) -> None:
        """Forget everything (usable directly as a signal receiver)."""
        with self._lock:
            self._entries.clear()
