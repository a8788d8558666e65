"""Dashboard speed on national-scale data: the kabupaten dashboard under 300 ms and the
national roll-up under 1 s (p95 of N renders), on PostgreSQL.

    .venv/bin/python bench/dashboard.py --database-url postgres://postgres@127.0.0.1:5432/jembatan_national
    .venv/bin/python bench/dashboard.py --database-url URL --skip-refresh -n 50

The database must already hold data (bench/national.py loads the national scale; any
migrated database works, the timings are then of whatever is there). The script applies
pending migrations (the rollup tables), runs ``refresh_stats`` (all months, timed), then
renders with Django's test client, signed in: the kabupaten dashboard
(``/kelola/dasbor/?wilayah=...``, as that kabupaten's Diskominfo admin, for the kabupaten
with the most KIMs), the provinsi and national roll-ups (as a platform operator) and the
public ``/statistik/``.
Each page is rendered twice to warm up, then N times; it prints p50/p95 and the number of
SQL queries per render, and exits non-zero when a goal is missed. It writes only the
rollup tables, sessions and (once) a bench operator ``bench-operator@bench.invalid``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from common import percentile, setup_test_client, tenant_host, time_page

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jembatan_national"
GOALS = {"kabupaten": 0.300, "national": 1.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("-n", type=int, default=20, help="timed renders per page (default 20)")
    parser.add_argument("--skip-refresh", action="store_true", help="use the rollups as they are")
    args = parser.parse_args()
    setup_test_client(
        args.database_url,
        PAGE_CACHE_SECONDS="0",  # time the render of /statistik/, not the cache
        JEMBATAN_VAR_DIR=os.environ.get(
            "JEMBATAN_VAR_DIR",
            str(Path("/tmp") / "jembatan-bench-dashboard"),  # noqa: S108
        ),
    )

    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from jembatan.accounts.models import Membership, Role, User
    from jembatan.aspirations.models import Aspiration
    from jembatan.communities.models import Kim
    from jembatan.dashboard.models import CurrentStat, MonthlyStat
    from jembatan.dashboard.rollup import refresh
    from jembatan.sites.models import Post

    call_command("migrate", verbosity=0)  # the rollup tables (and any newer app)
    counts = {
        "KIMs": Kim.objects.count(),
        "posts": Post.objects.count(),
        "aspirations": Aspiration.objects.count(),
    }
    print("data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
    if not args.skip_refresh:
        start = time.perf_counter()
        run = refresh()
        print(f"refresh_stats (all months): {time.perf_counter() - start:.1f} s, {run.rows:,} rows")
    print(
        f"rollups: {MonthlyStat.objects.count():,} monthly rows, "
        f"{CurrentStat.objects.count():,} current rows",
        flush=True,
    )

    top = Kim.objects.values("kabupaten_id").annotate(n=Count("id")).order_by("-n").first() or {
        "kabupaten_id": None
    }
    kabupaten = top["kabupaten_id"]
    if kabupaten is None:
        raise SystemExit("No KIM in the database: load data first (bench/national.py).")
    admin = (
        Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=kabupaten)
        .select_related("user")
        .first()
    )
    if admin is None:
        user, _ = User.objects.get_or_create(
            email=f"bench-admin-{kabupaten}@bench.invalid", defaults={"full_name": "Bench admin"}
        )
        admin = Membership.objects.create(user=user, role=Role.KABUPATEN_ADMIN, region_id=kabupaten)
    operator, _ = User.objects.get_or_create(
        email="bench-operator@bench.invalid", defaults={"full_name": "Bench operator"}
    )
    Membership.objects.get_or_create(user=operator, role=Role.OPERATOR, region=None)

    # Every page on the host of the kabupaten's tenant (a host that serves none gets 404).
    host = tenant_host(kabupaten)
    pages = []
    staff = Client(HTTP_HOST=host)
    staff.force_login(admin.user)
    pages.append(("kabupaten", f"/kelola/dasbor/?wilayah={kabupaten}", staff))
    national = Client(HTTP_HOST=host)
    national.force_login(operator)
    pages.append(("provinsi", f"/kelola/dasbor/?wilayah={kabupaten[:2]}", national))
    pages.append(("national", "/kelola/dasbor/", national))
    pages.append(("statistik", "/statistik/", Client(HTTP_HOST=host)))

    print()
    print("page        url                              runs   p50 ms   p95 ms  queries    bytes")
    print("----------  -------------------------------  ----  -------  -------  -------  -------")
    failed = []
    for name, url, client in pages:
        timings, queries, response = time_page(client, url, args.n)
        size = len(response.content)
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        print(
            f"{name:<10}  {url:<31}  {args.n:>4}  {p50 * 1000:7.1f}  {p95 * 1000:7.1f}"
            f"  {queries:>7}  {size:>7,}"
        )
        goal = GOALS.get(name)
        if goal is not None and p95 > goal:
            failed.append(f"{name}: p95 {p95 * 1000:.0f} ms over {goal * 1000:.0f} ms")
    print()
    for name, goal in GOALS.items():
        print(f"Goal ({name} dashboard, p95 under {goal * 1000:.0f} ms): ", end="")
        print("missed." if any(f.startswith(name) for f in failed) else "met.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
