"""Does the site's database connection survive a PostgreSQL restart? A real one.

    .venv/bin/python bench/pg_restart.py --port 8739

Makes a private PostgreSQL cluster in a temporary directory (initdb, on --port; as the
``postgres`` user when run as root, which initdb refuses), and runs requests the way the
app servers do (request_started, a transaction with one statement, request_finished)
with the project's settings (CONN_MAX_AGE, the health checks, jembatan.core.postgresql),
restarting the server between them: fast, then immediate. Prints what each request sent
and whether it went through; exits non-zero if any failed. The cluster is removed after.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pg_bin(name: str) -> str:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]
    if not found:
        sys.exit(f"{name} not found (PostgreSQL's server binaries)")
    return found if isinstance(found, str) else found[0]


def as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["su", "postgres", "-c", " ".join(f"'{a}'" for a in args)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8739)
    opts = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="jembatan-pg-restart-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    cluster = data / "data"
    ctl = [pg_bin("pg_ctl"), "-D", str(cluster), "-l", str(data / "log")]
    server_options = ["-o", f"-p {opts.port} -k {data}"]

    def pg_ctl(*args: str) -> None:
        subprocess.run(as_postgres([*ctl, *args]), check=True, capture_output=True)

    subprocess.run(
        as_postgres([pg_bin("initdb"), "-D", str(cluster), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    pg_ctl(*server_options, "-w", "start")
    failed = 0
    try:
        sys.path.insert(0, str(ROOT))
        os.environ.update(
            DJANGO_SETTINGS_MODULE="jembatan.settings",
            DEBUG="0",
            SECRET_KEY="x" * 50,
            ALLOWED_HOSTS="*",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{opts.port}/postgres",
        )
        import django

        django.setup()
        import psycopg
        from django.core.signals import request_finished, request_started
        from django.db import connection, transaction

        sent: list[str] = []
        real = psycopg.Cursor.execute

        def execute(self, query, params=None, **kwargs):
            sent.append(str(query))
            return real(self, query, params, **kwargs)

        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        print(f"engine {connection.settings_dict['ENGINE']}, on port {opts.port}")

        def request(label: str) -> None:
            nonlocal failed
            request_started.send(sender=None)
            sent.clear()
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    outcome = f"served by backend {cursor.fetchone()[0]}"
            except Exception as exc:  # what the request would have answered 503 for
                failed += 1
                outcome = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            finally:
                request_finished.send(sender=None)
            print(f"{label:<28} {outcome}; sent {sent}")

        request("first request")
        request("a request reusing it")
        for mode in ("fast", "immediate"):
            pg_ctl("-m", mode, *server_options, "-w", "restart")
            print(f"-- PostgreSQL restarted ({mode})")
            request("the next request")
            request("and the one after")
    finally:
        pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)
    print("every request went through" if not failed else f"{failed} requests failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
