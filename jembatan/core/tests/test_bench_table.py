"""`make bench`'s table (bench/production.py): each endpoint beside the static limit of the
same run. Formatting only; no timing."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from django.conf import settings

BENCH = Path(settings.BASE_DIR) / "bench"


def production():
    sys.path.insert(0, str(BENCH))  # as when the script runs: `import common`
    try:
        spec = importlib.util.spec_from_file_location("bench_production", BENCH / "production.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def result(endpoint: str, rps: float, **more) -> dict:
    row = {"endpoint": endpoint, "rps": rps, "p50_ms": 0.4, "p99_ms": 12.25, "errors": 0}
    return {**row, "requests": int(rps * 15), "rss_mib": 700.0, **more}


def test_the_table_gives_each_endpoint_its_ratio_to_the_static_limit():
    opts = argparse.Namespace(
        app_servers=2, workers=2, threads=2, connections=32, seconds=15, loaded=50,
        all_tenants=514,
    )  # fmt: skip
    table = (
        production()
        .format_table(
            [
                result("static limit", 50000.0),
                result("one article", 21000.0),
                result("aspiration", 250.0, errors=3, stored=3747, p99_ms=None),
            ],
            opts,
        )
        .splitlines()
    )
    assert table[0].startswith("2 app servers x 2 sync workers behind nginx; wrk 2 threads, 32")
    assert table[1].split() == [
        "endpoint", "req/s", "p50", "ms", "p99", "ms", "errors", "requests", "RSS", "MiB", "x",
        "limit",
    ]  # fmt: skip
    rows = {line[:12].strip(): line[12:].split() for line in table[3:]}
    assert rows["static limit"] == ["50000.0", "0.4", "12.2", "0", "750000", "700.0", "1.00"]
    assert rows["one article"][0] == "21000.0" and rows["one article"][-1] == "0.42"
    assert rows["aspiration"][:4] == ["250.0", "0.4", "-", "3"]
    assert rows["aspiration"][-3:] == ["0.01", "(stored", "3747)"]
    # Every row lines up under the header.
    assert len({len(line.split("   (")[0]) for line in table[1:]}) == 1


def test_without_a_static_limit_there_is_no_ratio():
    opts = argparse.Namespace(
        app_servers=1, workers=1, threads=1, connections=8, seconds=5, loaded=1, all_tenants=1
    )
    table = production().format_table([result("hub", 900.0)], opts).splitlines()
    assert table[-1].split()[-1] == "-"
