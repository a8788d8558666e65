"""What the benchmarks share: the project's root, progress lines, ports and child
processes, throwaway PostgreSQL databases, Django in the bench's own process, timing a
page through the test client, and the plain-text table of results.

Every bench stays one command, `.venv/bin/python bench/<name>.py`: Python puts the
script's folder (bench/) first on the path, so `import common` finds this module, in the
bench and in the children it starts from its own file.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


# --- Progress and processes ------------------------------------------------------------


def log(message: str) -> None:
    """Progress on stderr; stdout carries the results."""
    print(message, file=sys.stderr, flush=True)


_given_ports: set[int] = set()


def free_port() -> int:
    """A port nothing listens on: any the system gives, or with BENCH_PORTS=FIRST-LAST (a
    machine shared by several benches) the next free one of that range, each once."""
    wanted = os.environ.get("BENCH_PORTS", "")
    if not wanted:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    first, _, last = wanted.partition("-")
    for port in range(int(first), int(last or first) + 1):
        if port in _given_ports:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given_ports.add(port)
        return port
    sys.exit(f"no free port left in BENCH_PORTS={wanted}")


def run(args: list[str], env: dict[str, str]) -> str:
    """A command in the project's root; its stdout, or the end of its stderr and exit."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args[1:4])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# The kabupaten ``BENCH_HUB`` as a tenant answering on the bench's ALLOWED_HOSTS (whole
# names only): a site answers only on a tenant's host (jembatan.tenants).
SERVE_TENANT = """
import os
from jembatan.regions.models import Region
from jembatan.tenants.models import Tenant, TenantHost
region = Region.objects.get(pk=os.environ["BENCH_HUB"])
name = f"Jembatan {region.name}"
tenant, _ = Tenant.objects.get_or_create(region=region, defaults={"name": name})
for host in os.environ["ALLOWED_HOSTS"].split(","):
    host = host.strip().lower()
    if host and "*" not in host and not host.startswith("."):
        primary = not tenant.hosts.filter(is_primary=True).exists()
        defaults = {"tenant": tenant, "is_primary": primary}
        TenantHost.objects.get_or_create(host=host, defaults=defaults)
"""


def serve_tenant(env: dict[str, str], hub: str) -> None:
    """Serve kabupaten ``hub`` on the hosts of ``env`` (its tenant made if missing)."""
    run([sys.executable, "manage.py", "shell", "-c", SERVE_TENANT], {**env, "BENCH_HUB": hub})


def demo_site(env: dict[str, str]) -> None:
    """The Bengkayang demo in the database of ``env``: migrate, the province's regions,
    the demo data, Bengkayang served on the bench's hosts and the static files."""
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "-v0"], env)
    run([*manage, "import_regions", "--province", "61"], env)
    run([*manage, "load_demo"], env)
    serve_tenant(env, "61.07")
    run([*manage, "build_js_catalog", "-v0"], env)
    run([*manage, "collectstatic", "--noinput", "-v0"], env)


def gunicorn_command(port: int, *, workers: int, threads: int = 1) -> list[str]:
    """gunicorn serving the project on the loopback ``port``; more than one thread per
    worker uses the gthread workers (keep-alive)."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "jembatan.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return command


def process_tree(pid: int) -> list[int]:
    """The process and its direct children (gunicorn's master and its workers)."""
    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [pid, *map(int, children)]


def rss_kib(pid: int) -> int:
    """Resident memory of the process and its direct children, in KiB."""
    total = 0
    for p in process_tree(pid):
        status = Path(f"/proc/{p}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+)", status.read_text())
            total += int(match.group(1)) if match else 0
    return total


def child_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a bench's child (``--worker``): the real settings with DEBUG on,
    its own database and var directory, no Redis unless ``extra`` names one."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jembatan.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "JEMBATAN_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def production_env(tmp: Path, db_url: str, redis_url: str) -> dict[str, str]:
    """The environment of the site as production runs it (DEBUG off, PostgreSQL, Redis),
    its files under ``tmp`` and the form's limits out of the way of a load: the app
    servers of production.py, the in-process POSTs of submit_cost.py."""
    return dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        # The tenants' hosts are <code>.bench.localhost (national.py).
        ALLOWED_HOSTS="127.0.0.1,localhost,.localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        PROXY_COUNT="1",
        JEMBATAN_VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        PPID_PRIVATE_ROOT=str(tmp / "private"),
        ASPIRATION_SUBMIT_LIMIT="100000",
        ASPIRATION_SUBMIT_CONTACT_LIMIT="100000",
        HUEY_IMMEDIATE="0",
        PYTHONDONTWRITEBYTECODE="1",
    )


# --- Databases -------------------------------------------------------------------------


def server_url(url: str, database: str) -> str:
    """The same server's URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


def add_database_arguments(
    parser: argparse.ArgumentParser, *, bench_db: str, redis_default: str, redis_use: str
) -> None:
    """--postgres URL, --both (SQLite, then PostgreSQL) and --redis URL (``redis_use``:
    what the PostgreSQL run keeps there); the run's URL is then
    ``args.postgres or (DEFAULT_POSTGRES if args.both else None)``."""
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="benchmark PostgreSQL instead of SQLite, e.g. "
        f"{DEFAULT_POSTGRES} (a throwaway database {bench_db} is created there and dropped "
        "afterwards)",
    )
    parser.add_argument(
        "--both",
        action="store_true",
        help=f"SQLite, then PostgreSQL (at --postgres, default {DEFAULT_POSTGRES})",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=redis_default,
        help=f"{redis_use} of the PostgreSQL run; this db is flushed (default {redis_default})",
    )


@contextmanager
def throwaway_postgres(server: str, name: str, *, redis_url: str | None = None) -> Iterator[str]:
    """A fresh database ``name`` on the server of the URL ``server`` (its URL is yielded),
    dropped afterwards; with ``redis_url``, that Redis database is emptied before and after.
    Creating and dropping goes through the URL's own database, or ``postgres`` when that
    is the bench's."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(server)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"--postgres needs a postgres:// URL, not {server!r}")
    if redis_url is not None and urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise SystemExit(f"--redis needs a redis:// URL, not {redis_url!r}")
    maintenance_db = parts.path.lstrip("/") or "postgres"
    if maintenance_db == name:
        maintenance_db = "postgres"
    admin_url = urlunsplit((parts.scheme, parts.netloc, f"/{maintenance_db}", "", ""))
    bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def admin(statement: sql.Composable) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(statement)

    identifier = sql.Identifier(name)
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
    admin(sql.SQL("CREATE DATABASE {}").format(identifier))
    if redis_url is not None:
        flush_redis(redis_url)
    try:
        yield bench_url
    finally:
        if redis_url is not None:
            flush_redis(redis_url)
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


# --- Django in the bench's own process -------------------------------------------------


def setup_django(database_url: str, **env: str) -> None:
    """Django on ``database_url`` with the real settings (``env`` sets more variables; a
    random secret key unless one is set)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jembatan.settings"
    setup_child()


def setup_child() -> None:
    """Django in a child the bench started with its environment (``child_env``)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup_test_client(database_url: str, **env: str) -> None:
    """Django for timing pages with the test client: DEBUG off, plain static URLs (no
    collectstatic), no second factor to type (force_login, as in the tests), and one
    database connection for the whole run, as with CONN_MAX_AGE on a server (the client
    would otherwise close it after every request and the timings would include
    connecting)."""
    setup_django(database_url, **{"DEBUG": "0", "ALLOWED_HOSTS": "testserver,.localhost", **env})
    warnings.filterwarnings("ignore", message="No directory at")
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TWO_FACTOR_REQUIRED = False
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def tenant_host(code: str) -> str:
    """The host a test client sends for the kabupaten/kota ``code``: its tenant's primary
    host (``national.py`` gives every one ``<code>.bench.localhost``); a kabupaten that is
    no tenant yet becomes one on that host."""
    from jembatan.regions.models import Region
    from jembatan.tenants.models import Tenant, TenantHost

    tenant, _ = Tenant.objects.get_or_create(
        region_id=code, defaults={"name": f"Jembatan {Region.objects.get(pk=code).name}"}
    )
    host = tenant.hosts.order_by("-is_primary", "host").first()
    if host is None:  # saving it clears the tenant snapshot (a signal)
        host = TenantHost.objects.create(
            tenant=tenant, host=f"{code.replace('.', '-')}.bench.localhost", is_primary=True
        )
    return host.host


def time_page(
    client: Any, url: str, runs: int, *, accept: Sequence[int] = (200,)
) -> tuple[list[float], int, Any]:
    """Two warm-up requests, one that counts the queries, then ``runs`` timed ones:
    (seconds of each timed run, queries of one request, the last response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, secure=True)
        if response.status_code not in accept:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    count = len(queries)  # now: the next request_started clears the query log
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append(time.perf_counter() - start)
        if response.status_code not in accept:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return timings, count, response


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- Results ---------------------------------------------------------------------------


def print_table(columns: list[str], rows: list[list[str]], *, names: int = 2) -> None:
    """A plain-text table: the first ``names`` columns left-aligned, numbers right-aligned."""
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i < names else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(columns))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
