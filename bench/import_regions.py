"""Time `manage.py import_regions` on the full national list: cold, then again (idempotent).

    .venv/bin/python bench/import_regions.py
    .venv/bin/python bench/import_regions.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Each database runs in its own child process (Django reads its settings once): a fresh
temporary SQLite file under /tmp, and with --postgres a throwaway database named
jembatan_bench, created and dropped through the given server. The goal is the full list
(about 91,600 regions) in under 60 s on SQLite.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, child_env, print_table, setup_child, throwaway_postgres

BENCH_DB = "jembatan_bench"
GOAL_SECONDS = 60.0


def worker() -> None:
    """In the child: migrate, then import twice; one JSON line per run on stdout."""
    setup_child()
    from django.core.management import call_command
    from django.db import connection

    from jembatan.regions.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    for run in ("cold", "idempotent"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_regions", stdout=out)
        seconds = time.perf_counter() - started
        verdict = out.getvalue().strip().splitlines()[-1]
        match = re.search(r"(\d+) changed", verdict)
        record = {
            "database": connection.vendor,
            "run": run,
            "seconds": round(seconds, 2),
            "rows": Region.objects.count(),
            "changed": int(match.group(1)) if match else 0,
        }
        print(json.dumps(record), flush=True)


def run_child(database_url: str, var_dir: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, __file__, "--worker"],
        env=child_env(database_url, var_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"benchmark against {database_url} failed (exit {result.returncode})")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def bench_sqlite(var_dir: Path) -> list[dict]:
    return run_child(f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir)


def bench_postgres(server: str, var_dir: Path) -> list[dict]:
    with throwaway_postgres(server, BENCH_DB) as url:
        return run_child(url, var_dir)


def print_records(records: list[dict]) -> None:
    columns = ["database", "run", "seconds", "rows", "changed"]
    rows = [
        [r["database"], r["run"], f"{r['seconds']:.2f}", str(r["rows"]), str(r["changed"])]
        for r in records
    ]
    print_table(columns, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also benchmark PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/postgres "
        f"(a throwaway database {BENCH_DB} is created there and dropped afterwards)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return

    var_dir = Path(tempfile.mkdtemp(prefix="jembatan-bench-", dir="/tmp"))
    try:
        records = bench_sqlite(var_dir)
        if args.postgres:
            records += bench_postgres(args.postgres, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print_records(records)
    cold = next(r for r in records if r["database"] == "sqlite" and r["run"] == "cold")
    verdict = "met" if cold["seconds"] < GOAL_SECONDS else "MISSED"
    print(f"\nGoal (full list, cold, SQLite, under {GOAL_SECONDS:.0f} s): {verdict}.")
    if any(r["run"] == "idempotent" and r["changed"] for r in records):
        raise SystemExit("The second import changed rows: the importer is not idempotent.")
    if verdict == "MISSED":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
