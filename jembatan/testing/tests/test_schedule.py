"""The suite hands its files to the workers longest first (testing/schedule.py)."""

from __future__ import annotations

from dataclasses import dataclass

from jembatan.testing.schedule import (
    RECORD,
    UNKNOWN_SECONDS_PER_TEST,
    file_seconds,
    longest_first,
    record_from_junit,
)


@dataclass
class Item:
    nodeid: str


def _ids(items):
    return [item.nodeid for item in items]


def test_the_longest_file_goes_first_and_each_file_keeps_its_order():
    items = [
        Item("a/test_many.py::one"),
        Item("a/test_many.py::two"),
        Item("a/test_many.py::three"),
        Item("b/test_clone.py::lint"),
        Item("b/test_clone.py::run"),
        Item("c/test_quick.py::x"),
    ]
    seconds = {"a/test_many.py": 2.0, "b/test_clone.py": 60.0, "c/test_quick.py": 0.1}
    assert _ids(longest_first(items, seconds)) == [
        "b/test_clone.py::lint",
        "b/test_clone.py::run",
        "a/test_many.py::one",
        "a/test_many.py::two",
        "a/test_many.py::three",
        "c/test_quick.py::x",
    ]


def test_a_file_missing_from_the_record_counts_by_its_tests():
    items = [Item(f"new/test_new.py::t{n}") for n in range(10)] + [Item("old/test_old.py::a")]
    # Ten unknown tests weigh 10 x UNKNOWN_SECONDS_PER_TEST = 1.5 s: before a 1 s file,
    # after a 2 s one.
    assert _ids(longest_first(items, {"old/test_old.py": 1.0}))[0] == "new/test_new.py::t0"
    assert _ids(longest_first(items, {"old/test_old.py": 2.0}))[0] == "old/test_old.py::a"
    assert UNKNOWN_SECONDS_PER_TEST * 10 == 1.5
    # Equal weights keep the collection's order.
    same = [Item("x/test_x.py::a"), Item("y/test_y.py::a")]
    assert _ids(longest_first(same, {})) == ["x/test_x.py::a", "y/test_y.py::a"]


def test_the_record_is_read_from_a_junit_report(tmp_path):
    report = tmp_path / "run.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="jembatan.core.tests.test_make_run" name="a" time="30.25"/>'
        '<testcase classname="jembatan.core.tests.test_make_run" name="b" time="1.5"/>'
        '<testcase classname="jembatan.sites.tests.test_views.TestPage" name="c" time="0.4"/>'
        "</testsuite></testsuites>"
    )
    assert record_from_junit(str(report)) == {
        "jembatan/core/tests/test_make_run.py": 31.8,
        "jembatan/sites/tests/test_views.py": 0.4,
    }


def test_this_run_sorts_by_the_committed_record(request):
    from django.conf import settings

    seconds = file_seconds()
    assert seconds, f"{RECORD.name} is missing or empty"
    assert (settings.BASE_DIR / max(seconds, key=seconds.get)).exists()
    # xdist would otherwise re-sort the files by their number of tests.
    assert request.config.getoption("loadscopereorder") is False


class Marked:
    def __init__(self, *markers: str) -> None:
        self.markers = set(markers)

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


def test_each_leg_leaves_out_what_is_not_for_it():
    from jembatan.testing.legs import for_this_leg

    plain, server, embedded, once = (
        Marked(),
        Marked("postgresql"),
        Marked("sqlite"),
        Marked("once", "browser"),
    )
    on_sqlite = [for_this_leg(t, on_postgresql=False) for t in (plain, server, embedded, once)]
    on_server = [for_this_leg(t, on_postgresql=True) for t in (plain, server, embedded, once)]
    assert on_sqlite == [True, False, True, True]
    assert on_server == [True, True, False, False]


def test_this_session_holds_only_its_legs_tests(request):
    from django.conf import settings

    from jembatan.testing.legs import for_this_leg

    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    strays = [
        item.nodeid
        for item in request.session.items
        if not for_this_leg(item, on_postgresql=on_postgresql)
    ]
    assert strays == []
