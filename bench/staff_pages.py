"""The staff pages one request at a time, on the national data, as production serves them.

    .venv/bin/python bench/staff_pages.py --database jembatan_national
    .venv/bin/python bench/staff_pages.py --database DB -n 50 --redis-db 12
    .venv/bin/python bench/staff_pages.py --database DB --profile workspace   # cProfile
    .venv/bin/python bench/staff_pages.py --database DB --explain             # each query

The pages ``production.py`` loads with 16 sessions (the kabupaten dashboard, the
workspace home, the case list), rendered by Django's test client in this process with
the production settings: DEBUG off, Redis for the cache (db ``--redis-db``, flushed
before and after), the sessions and the two-step sign-in as configured, one database
connection kept open as on a server. The user is the Diskominfo admin of the kabupaten
with the most KIMs (the hub), on its tenant's host, signed in through a real session
(with a verified second factor, as production.py's sessions).

Per page: two warm-up requests, then the queries of one request (how many, and their
total time as this process waited for them), then ``-n`` timed requests (p50 and p95 of
the wall time; p50 of this process's CPU time, which the other work on a shared machine
disturbs less), and the size of the HTML. ``--profile PAGE`` prints where one request of
that page spends its time (cProfile, by cumulative and by own time); ``--explain`` runs
EXPLAIN ANALYZE on each query of each page and prints its execution time (and the plan
of any query over 5 ms). Reads only, but for the session it makes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import sys
import time

from common import percentile, print_table, server_url, setup_django

PAGES = {
    "dashboard": "/kelola/dasbor/",
    "workspace": "/kelola/",
    "case list": "/kelola/aspirasi/",
    # What every staff page pays around its view (the middleware, the session, the user
    # and their roles, the base layout): a light page, and a page no view answers.
    "notifications": "/kelola/pemberitahuan/",
    "not found": "/kelola/tidak-ada/",
}
# The pages run unless --only names others (the two small ones are asked by name).
DEFAULT_PAGES = ("dashboard", "workspace", "case list")
# The status each page answers with.
STATUS = {"not found": 404}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="jembatan_national")
    parser.add_argument("--redis-db", type=int, default=11, help="flushed before and after")
    parser.add_argument("-n", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--only", default="", help="comma-separated pages (default: the three big ones)"
    )
    parser.add_argument("--profile", metavar="PAGE", help="cProfile one request of PAGE")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    args = parser.parse_args()
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    setup_django(
        server_url(args.postgres, args.database),
        DEBUG="0",
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="testserver,.localhost",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    from django.conf import settings
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # One connection for the run, as a server keeps it (CONN_MAX_AGE).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    try:
        return run(args)
    finally:
        cache.clear()


def staff_client(hub: str):
    """A client with a real session of the hub's Diskominfo admin, second step passed."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    from jembatan.accounts.models import Membership, Role

    membership = (
        Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=hub)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise SystemExit(f"no kabupaten admin of {hub}")
    user = membership.user
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "jembatan.accounts.backends.EmailOrPhoneBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from jembatan.communities.models import Kim
    from jembatan.tenants.models import TenantHost

    hub, kims = (
        Kim.objects.values_list("kabupaten_id")
        .annotate(n=Count("id"))
        .order_by("-n", "kabupaten_id")
        .first()
    )
    host = TenantHost.objects.filter(tenant__region_id=hub).order_by("-is_primary").first()
    if host is None:
        raise SystemExit(f"{hub} is no tenant: bench/national.py --tenants-only")
    client = staff_client(hub)
    wanted = {p.strip() for p in args.only.split(",") if p.strip()} or set(DEFAULT_PAGES)
    if args.profile:
        wanted.add(args.profile)
    print(f"{args.database}: hub {hub} ({kims} KIMs) on {host.host}, {args.n} requests per page")

    def get(url: str, status: int = 200):
        response = client.get(url, HTTP_HOST=host.host)
        if response.status_code != status:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    rows = []
    for name, url in PAGES.items():
        if name not in wanted:
            continue
        status = STATUS.get(name, 200)
        get(url, status)
        get(url, status)
        with CaptureQueriesContext(connection) as queries:
            response = get(url, status)
        captured = list(queries.captured_queries)
        database_ms = sum(float(q["time"]) for q in captured) * 1000
        timings, cpu = [], []
        for _ in range(args.n):
            start, start_cpu = time.perf_counter(), time.process_time()
            get(url, status)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        rows.append(
            [
                name,
                url,
                f"{percentile(timings, 0.5) * 1000:.1f}",
                f"{percentile(timings, 0.95) * 1000:.1f}",
                f"{percentile(cpu, 0.5) * 1000:.1f}",
                str(len(captured)),
                f"{database_ms:.1f}",
                f"{len(response.content):,}",
            ]
        )
        if args.explain:
            explain(name, captured)
        if args.profile == name:
            profile(lambda url=url, status=status: get(url, status))
    print()
    print_table(["page", "url", "p50 ms", "p95 ms", "cpu ms", "queries", "db ms", "bytes"], rows)
    return 0


def explain(name: str, captured: list[dict]) -> None:
    from django.db import connection

    print(f"\n{name}: {len(captured)} queries")
    with connection.cursor() as cursor:
        for q in captured:
            sql = q["sql"]
            head = " ".join(sql.split())[:150]
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"  {float(q['time']) * 1000:7.2f} ms (not explained)  {head}")
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            print(f"  {plan['Execution Time']:7.2f} ms  {head}")
            if plan["Execution Time"] >= 5:  # the slow ones: the statement and its plan
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n" + sql + "\n" + "\n".join(row[0] for row in cursor.fetchall()))


def profile(call) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    # The project's own functions and the ORM's, templates' and forms' beneath them.
    ours = "jembatan|query.py|compiler.py|paginator|loader|forms"
    stats.sort_stats("cumulative").print_stats(ours, 60)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
