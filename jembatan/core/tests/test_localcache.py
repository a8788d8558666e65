"""The per-process memo: fresh values are reused, stale ones reloaded, clear forgets."""

from __future__ import annotations

from jembatan.core import localcache
from jembatan.core.localcache import LocalCache


def test_a_fresh_value_is_reused_and_a_stale_one_reloaded(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(localcache.time, "monotonic", lambda: now[0])
    memo: LocalCache[int] = LocalCache(seconds=60)
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert memo.get("k", load) == 1
    now[0] += 59
    assert memo.get("k", load) == 1
    now[0] += 2
    assert memo.get("k", load) == 2
    assert len(loads) == 2


def test_clear_all_forgets_every_instance_and_the_bound_holds():
    first: LocalCache[str] = LocalCache(seconds=60, max_entries=2)
    second: LocalCache[str] = LocalCache(seconds=60)
    first.get("a", lambda: "A")
    second.get("b", lambda: "B")
    localcache.clear_all()
    assert first.get("a", lambda: "A2") == "A2"
    assert second.get("b", lambda: "B2") == "B2"
    first.get("c", lambda: "C")
    first.get("d", lambda: "D")  # over the bound: the old entries go
    assert first.get("a", lambda: "A3") == "A3"


def test_get_many_loads_only_the_missing_keys_at_once(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(localcache.time, "monotonic", lambda: now[0])
    memo: LocalCache[str] = LocalCache(seconds=60, max_entries=4)
    asked: list[list[int]] = []

    def load(missing: list[int]) -> dict[int, str]:
        asked.append(missing)
        return {key: f"{key}@{now[0]:.0f}" for key in range(missing[0], missing[-1] + 1)}

    assert memo.get_many([1, 2], load) == {1: "1@1000", 2: "2@1000"}
    now[0] += 30
    assert memo.get_many([1, 2, 3], load) == {1: "1@1000", 2: "2@1000", 3: "3@1030"}
    now[0] += 31  # 1 and 2 are stale, 3 is not
    assert memo.get_many([1, 2, 3], load) == {1: "1@1061", 2: "2@1061", 3: "3@1030"}
    assert asked == [[1, 2], [3], [1, 2]]
    memo.get_many([5, 6, 7], load)  # past the bound: the old entries go
    assert memo.get_many([1], load) == {1: "1@1061"} and asked[-1] == [1]
