"""The order the suite's files are handed to the workers: the longest first.

pytest-xdist keeps a file on one worker (``--dist loadfile``) and, by default, hands the
files out by their number of tests, most first. The longest files here have few tests (a
`make` on a fresh clone, the validators over the demo's pages, a crawl), so they came last
and one worker ran them alone while the other had finished. With ``--no-loadscope-reorder``
(pyproject.toml) xdist keeps the collection's order, and the hook below sorts the files by
their seconds in a recent run (``file_seconds.json`` beside this module), longest first:
the workers then finish within about one short file of each other.

A file missing from the record counts ``UNKNOWN_SECONDS_PER_TEST`` per test. The record
only orders the files; a stale one costs time, never a result. Refresh it from a whole run:

    .venv/bin/python -m pytest -n 2 --junitxml=run.xml
    .venv/bin/python -m jembatan.testing.schedule run.xml
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

RECORD = Path(__file__).with_name("file_seconds.json")
UNKNOWN_SECONDS_PER_TEST = 0.15


def file_seconds() -> dict[str, float]:
    try:
        return json.loads(RECORD.read_text())
    except (OSError, ValueError):
        return {}


def longest_first(items: list, seconds: dict[str, float]) -> list:
    """The items grouped by file, the files longest first, each file's own order kept; files
    of equal weight keep their collection order."""
    by_file: dict[str, list] = {}
    for item in items:
        by_file.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def weight(path: str) -> float:
        known = seconds.get(path)
        return known if known is not None else UNKNOWN_SECONDS_PER_TEST * len(by_file[path])

    order = sorted(by_file, key=lambda path: -weight(path))
    return [item for path in order for item in by_file[path]]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # trylast: after the root conftest has deselected the other database's tests. Every
    # worker collects alike and sorts alike, as xdist requires.
    items[:] = longest_first(items, file_seconds())


def record_from_junit(path: str) -> dict[str, float]:
    """Seconds per test file (setup, call and teardown of its tests) in a junit report."""
    seconds: Counter[str] = Counter()
    for case in ET.parse(path).iter("testcase"):  # noqa: S314 (the suite's own report)
        module = [part for part in case.get("classname", "").split(".") if not part[:1].isupper()]
        seconds["/".join(module) + ".py"] += float(case.get("time") or 0)
    return {name: round(value, 1) for name, value in sorted(seconds.items())}


if __name__ == "__main__":
    record = record_from_junit(sys.argv[1])
    RECORD.write_text(json.dumps(record, indent=0, sort_keys=True) + "\n")
    print(f"{len(record)} files, {sum(record.values()):.0f} s in all, written to {RECORD.name}")
