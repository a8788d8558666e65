"""The staff desk's case list with 100,000 cases: how long the list takes with search and
filters, for Diskominfo of the busiest kabupaten and for a platform operator.

    .venv/bin/python bench/desk_list.py                       # SQLite (a file under /tmp)
    .venv/bin/python bench/desk_list.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/desk_list.py --cases 20000 -n 5    # smaller, quicker

SQLite: a throwaway file under /tmp; PostgreSQL: a throwaway database
``jembatan_bench_desk`` created and dropped through the given server. Setup (timed):
migrate, 50 kabupaten of 10 kecamatan of 10 desa each (5,000 desa), per kabupaten two
offices, five categories and a Diskominfo admin, then ``--cases`` (100,000) cases with
``bulk_create`` spread over the country, a fifth of them in the first kabupaten (the
busiest one, whose admin is timed), in every status of the workflow with realistic
deadlines. The list pages are then rendered with Django's test client, signed in, twice
to warm up and N times timed; it prints p50/p95, the SQL queries per render and the size
of the page. Goal: every list under 1 s p95 (exits non-zero when missed).
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import shutil
import sys
import tempfile
import time

from common import percentile, setup_test_client, tenant_host, throwaway_postgres, time_page

BENCH_DB = "jembatan_bench_desk"
ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
GOAL = 1.0
KABUPATEN = 50
WORDS = [
    "jalan berlubang di depan sekolah",
    "lampu jalan mati sejak minggu lalu",
    "air bersih tidak mengalir",
    "jembatan kayu lapuk",
    "sampah menumpuk di pasar",
    "saluran air tersumbat saat hujan",
    "posyandu kekurangan timbangan",
    "sinyal telepon hilang di dusun",
]


def load(cases: int) -> dict:
    """Regions, offices, categories, people and ``cases`` aspirations; returns what the
    timed pages need."""
    from django.utils import timezone

    from jembatan.accounts.models import Membership, Office, Role, User
    from jembatan.aspirations.models import Aspiration, Category, Status
    from jembatan.regions.models import Region

    rng = random.Random(23)
    regions = [Region(code="61", name="Kalimantan Barat", level=1, kind="provinsi")]
    desa_by_kab: dict[str, list[str]] = {}
    for k in range(1, KABUPATEN + 1):
        kab = f"61.{k:02d}"
        regions.append(
            Region(code=kab, name=f"Kabupaten Bench {k}", level=2, kind="kabupaten", parent_id="61")
        )
        for c in range(1, 11):
            kec = f"{kab}.{c:02d}"
            regions.append(
                Region(
                    code=kec, name=f"Kecamatan {k}-{c}", level=3, kind="kecamatan", parent_id=kab
                )
            )
            for d in range(1, 11):
                code = f"{kec}.{2000 + d}"
                regions.append(
                    Region(code=code, name=f"Desa {k}-{c}-{d}", level=4, kind="desa", parent_id=kec)
                )
                desa_by_kab.setdefault(kab, []).append(code)
    for level in (1, 2, 3, 4):
        Region.objects.bulk_create([r for r in regions if r.level == level], batch_size=2000)
    offices, categories, admins = {}, {}, {}
    for kab in desa_by_kab:
        pupr = Office.objects.create(kabupaten_id=kab, name="Dinas PUPR")
        Office.objects.create(kabupaten_id=kab, name="Dinas Kesehatan")
        offices[kab] = pupr
        categories[kab] = [
            Category.objects.create(kabupaten_id=kab, name=n, office=pupr if i < 2 else None)
            for i, n in enumerate(["Jalan", "Jembatan", "Air bersih", "Sampah", "Lainnya"])
        ]
        admin = User.objects.create(email=f"admin-{kab}@bench.invalid", full_name=f"Admin {kab}")
        Membership.objects.create(user=admin, role=Role.KABUPATEN_ADMIN, region_id=kab)
        admins[kab] = admin
    operator = User.objects.create(email="operator@bench.invalid", full_name="Operator")
    Membership.objects.create(user=operator, role=Role.OPERATOR)

    now = timezone.now()
    today = timezone.localdate()
    statuses = (
        [Status.RECEIVED] * 15
        + [Status.VERIFIED] * 10
        + [Status.DISPOSED] * 15
        + [Status.IN_PROGRESS] * 15
        + [Status.DONE] * 35
        + [Status.CLOSED] * 10
    )
    kabs = list(desa_by_kab)
    busiest = kabs[0]
    codes: set[str] = set()
    batch = []
    for n in range(cases):
        kab = busiest if n % 5 == 0 else kabs[rng.randrange(len(kabs))]
        status = statuses[n % len(statuses)]
        created = now - datetime.timedelta(minutes=n * 3 + rng.randrange(3))
        code = "".join(rng.choice(ALPHABET) for _ in range(8))
        while code in codes:
            code = "".join(rng.choice(ALPHABET) for _ in range(8))
        codes.add(code)
        referred = status in (Status.DISPOSED, Status.IN_PROGRESS, Status.DONE)
        batch.append(
            Aspiration(
                code=code,
                kabupaten_id=kab,
                region_id=rng.choice(desa_by_kab[kab]),
                category=rng.choice(categories[kab]),
                description=f"{WORDS[n % len(WORDS)].capitalize()}, laporan nomor {n}.",
                location=f"RT {n % 20:02d}",
                visibility=["publik", "anonim", "anonim", "rahasia"][n % 4],
                channel=["web", "web", "kim", "sms", "whatsapp"][n % 5],
                status=status,
                close_reason="spam" if status == Status.CLOSED else "",
                office=offices[kab] if referred else None,
                verify_due=created.date() + datetime.timedelta(days=3),
                answer_due=(today + datetime.timedelta(days=rng.randrange(-10, 10)))
                if referred
                else None,
                created_at=created,
            )
        )
        if len(batch) == 5000:
            Aspiration.objects.bulk_create(batch)
            batch = []
    Aspiration.objects.bulk_create(batch)
    return {"busiest": busiest, "admin": admins[busiest], "operator": operator}


def matching(response) -> int:
    """The number of cases the list says match (-1 when it does not say)."""
    found = re.search(r'aria-live="polite">([\d.,]+) aspirasi', response.content.decode())
    return int(re.sub(r"\D", "", found.group(1))) if found else -1


def run(database: str, database_url: str, cases: int, runs: int, var_dir: str) -> list[str]:
    setup_test_client(database_url, JEMBATAN_VAR_DIR=var_dir)
    from django.core.management import call_command
    from django.test import Client

    from jembatan.aspirations.models import Aspiration

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{database}: migrate {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    data = load(cases)
    if database == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{database}: {Aspiration.objects.count():,} cases loaded in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )
    kab = data["busiest"]
    code = Aspiration.objects.filter(kabupaten_id=kab).values_list("code", flat=True).first()
    host = tenant_host(kab)  # the desk is served on the host of a tenant
    admin, operator = Client(HTTP_HOST=host), Client(HTTP_HOST=host)
    admin.force_login(data["admin"])
    operator.force_login(data["operator"])
    filters = f"status=terbuka&kecamatan={kab}.03&tenggat=terlambat&foto=tidak&urut=tenggat"
    shown = f"{code[:4]}-{code[4:]}"
    national = "cari=air&status=terbuka&tenggat=terlambat&saluran=sms"
    pages = [
        ("admin", "list (default: open work by deadline)", "/kelola/aspirasi/", admin),
        ("admin", "text search", "/kelola/aspirasi/?cari=jalan+sekolah", admin),
        ("admin", "search + filters", f"/kelola/aspirasi/?cari=jalan&{filters}", admin),
        ("admin", "filters, last page", f"/kelola/aspirasi/?{filters}&halaman=999", admin),
        ("admin", "tracking code (redirect)", f"/kelola/aspirasi/?cari={shown}", admin),
        ("operator", "list, all 100% of cases", "/kelola/aspirasi/", operator),
        ("operator", "text search", "/kelola/aspirasi/?cari=jalan+sekolah", operator),
        ("operator", "search + filters", f"/kelola/aspirasi/?{national}", operator),
    ]
    print()
    print(
        f"{'database':<10}  {'who':<8}  {'page':<40}  {'matching':>8}  {'p50 ms':>7}"
        f"  {'p95 ms':>7}  {'queries':>7}  {'bytes':>7}"
    )
    failed = []
    for who, name, url, client in pages:
        timings, queries, response = time_page(client, url, runs, accept=(200, 302))
        size, total = len(response.content), matching(response)
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        print(
            f"{database:<10}  {who:<8}  {name:<40}  {total:>8,}  {p50 * 1000:7.1f}  "
            f"{p95 * 1000:7.1f}  {queries:>7}  {size:>7,}",
            flush=True,
        )
        if p95 > GOAL:
            failed.append(f"{database} {who} {name}: p95 {p95 * 1000:.0f} ms")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("-n", type=int, default=10, help="timed renders per page (default 10)")
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="jembatan-bench-desk-")
    try:
        if args.postgres:
            with throwaway_postgres(args.postgres, BENCH_DB) as url:
                try:
                    failed = run("postgresql", url, args.cases, args.n, var_dir)
                finally:
                    from django.db import connections

                    connections.close_all()
        else:
            url = f"sqlite:///{var_dir}/bench.sqlite3"
            failed = run("sqlite", url, args.cases, args.n, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print()
    print(f"Goal (every list p95 under {GOAL * 1000:.0f} ms): {'missed' if failed else 'met'}.")
    for line in failed:
        print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
