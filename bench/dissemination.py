"""Publish one item to every village's KIM of a national install; time the inboxes.

    .venv/bin/python bench/dissemination.py                 # SQLite
    .venv/bin/python bench/dissemination.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/dissemination.py --both          # SQLite, then PostgreSQL

Each database runs in its own child process (Django reads its settings once): a fresh
temporary SQLite file under /tmp with the Huey queue in the same temporary VAR dir, or a
throwaway PostgreSQL database jembatan_bench_dissem (created and dropped through the given
server) with the queue in Redis (--redis, db 13 by default, flushed before and after).
The child migrates, imports the national region list, bulk-creates one active KIM per
desa/kelurahan (83,762) and a platform operator, starts a real consumer
(`manage.py run_huey`), then times what the operator sees: item_create + item_publish,
commit included ("publish"), and from the same start until the background fan-out has
filled every KIM's inbox ("inboxes"). Goals: publish under 1 s, inboxes under 60 s, on
both databases; the script exits non-zero when one is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    DEFAULT_POSTGRES,
    ROOT,
    add_database_arguments,
    child_env,
    log,
    print_table,
    setup_child,
    throwaway_postgres,
)

BENCH_DB = "jembatan_bench_dissem"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
PUBLISH_GOAL = 1.0
INBOX_GOAL = 60.0
KIM_BATCH = 5000
POLL_SECONDS = 0.05


# --- In the child ------------------------------------------------------------------


def setup_national_install() -> tuple[int, object, dict[str, float]]:
    """Migrate, import every region, one active KIM per desa/kelurahan, an operator.

    Returns the number of active KIMs, the operator and the seconds of each step."""
    from django.core.management import call_command
    from django.db import transaction

    from jembatan.accounts.models import Membership, Role, User
    from jembatan.communities.models import Kim
    from jembatan.regions.models import Region

    steps: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    steps["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("import_regions", stdout=io.StringIO())
    steps["regions"] = time.perf_counter() - started
    started = time.perf_counter()
    villages = (
        Region.objects.filter(level=Region.Level.DESA)
        .only("code", "name", "level", "kind")
        .order_by("code")
    )
    # bulk_create skips Kim.save, which derives kabupaten and level from the region.
    with transaction.atomic():
        batch: list[Kim] = []
        for region in villages.iterator(chunk_size=KIM_BATCH):
            batch.append(
                Kim(
                    name=f"KIM {region.name}",
                    slug=f"kim-{region.code.replace('.', '-')}",
                    region_id=region.code,
                    kabupaten_id=region.kabupaten_code,
                    level=Kim.level_for(region),
                    is_active=True,
                )
            )
            if len(batch) >= KIM_BATCH:
                Kim.objects.bulk_create(batch, batch_size=KIM_BATCH)
                batch = []
        Kim.objects.bulk_create(batch, batch_size=KIM_BATCH)
        operator = User.objects.create_user(
            email="operator@bench.invalid", full_name="Operator Bench"
        )
        Membership.objects.create(user=operator, role=Role.OPERATOR)
    steps["kims"] = time.perf_counter() - started
    return Kim.objects.filter(is_active=True).count(), operator, steps


def start_consumer(var_dir: Path) -> tuple[subprocess.Popen, Path]:
    """`manage.py run_huey` with this process's environment; returns once it ran a task."""
    from jembatan.core.tasks import ping

    log_path = var_dir / "consumer.log"
    env = {**os.environ, "LOG_LEVEL": "INFO"}  # huey logs each task and its duration
    with log_path.open("w") as log_file:
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    ready = var_dir / "consumer-ready"
    ping(str(ready))
    deadline = time.monotonic() + 60
    while not ready.exists():
        if consumer.poll() is not None or time.monotonic() > deadline:
            stop_consumer(consumer)
            raise SystemExit(f"the consumer did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.05)
    return consumer, log_path


def stop_consumer(consumer: subprocess.Popen) -> int | None:
    """SIGINT is Huey's graceful shutdown (running tasks finish); returns the exit code."""
    if consumer.poll() is not None:
        return consumer.returncode
    consumer.send_signal(signal.SIGINT)
    try:
        return consumer.wait(timeout=30)
    except subprocess.TimeoutExpired:
        consumer.terminate()
        try:
            consumer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait()
        return None


def worker(timeout: float, idle: float) -> None:
    """In the child: build the install, publish nationally, wait for the inboxes."""
    setup_child()
    from django.db import connection

    from jembatan.dissemination.access import get_publishing_areas_for_user
    from jembatan.dissemination.models import Delivery, InfoItem
    from jembatan.dissemination.services import item_create, item_publish

    vendor = connection.vendor
    var_dir = Path(os.environ["JEMBATAN_VAR_DIR"])
    started = time.perf_counter()
    kims, operator, steps = setup_national_install()
    setup_seconds = time.perf_counter() - started
    log(
        f"{vendor}: national install ready in {setup_seconds:.1f} s (migrate "
        f"{steps['migrate']:.1f} s, regions {steps['regions']:.1f} s, {kims:,} KIMs and the "
        f"operator {steps['kims']:.1f} s)"
    )

    areas = get_publishing_areas_for_user(operator)
    national = next(a for a in areas if a.region is None)
    consumer, log_path = start_consumer(var_dir)
    log(f"{vendor}: consumer running (pid {consumer.pid}); idle for {idle:.0f} s, then publish")
    exit_code: int | None = None
    try:
        # An idle consumer polls its queue less and less often (Huey's backoff, up to the
        # consumer's max_delay): publish at a moment like any other, not right after a task.
        time.sleep(idle)
        t0 = time.perf_counter()
        item = item_create(
            actor=operator,
            area_key=national.key,
            data={
                "title": "Bulan Imunisasi Anak Nasional",
                "summary": "Imunisasi tambahan gratis di posyandu seluruh desa dan kelurahan.",
                "body": "<p>Bawa anak usia 0-59 bulan ke posyandu terdekat.</p>"
                "<p>Jadwal tiap desa diumumkan oleh puskesmas setempat.</p>",
                "category": InfoItem.Category.HEALTH,
                "priority": InfoItem.Priority.HIGH,
                "scope": InfoItem.Scope.AREA,
            },
        )
        t_created = time.perf_counter()
        item_publish(actor=operator, item=item)  # commits and enqueues fan_out on commit
        t_published = time.perf_counter()

        fanned_out_at = None
        deliveries = 0
        while True:
            fanned_out_at = (
                InfoItem.objects.filter(pk=item.pk).values_list("fanned_out_at", flat=True).get()
            )
            if fanned_out_at is not None:  # the fan-out has finished: count its rows
                deliveries = Delivery.objects.filter(item_id=item.pk).count()
                break
            if time.perf_counter() - t0 > timeout:
                deliveries = Delivery.objects.filter(item_id=item.pk).count()
                break
            time.sleep(POLL_SECONDS)
        t_done = time.perf_counter()
        complete = fanned_out_at is not None and deliveries >= kims
        targeted = InfoItem.objects.filter(pk=item.pk).values_list("targeted_count", flat=True)[0]
    finally:
        exit_code = stop_consumer(consumer)
    task = re.findall(r"\.fan_out: .*? executed in ([\d.]+)s", log_path.read_text())
    fan_out = float(task[-1]) if task else None
    # The rest of the wait: in the queue until the consumer polled it, plus our polling.
    queued = t_done - t_published - fan_out if complete and fan_out is not None else None
    record = {
        "database": vendor,
        "queue": "redis" if os.environ.get("REDIS_URL") else "sqlite",
        "kims": kims,
        "setup": round(setup_seconds, 2),
        "setup_steps": {k: round(v, 2) for k, v in steps.items()},
        "create": round(t_created - t0, 3),
        "publish": round(t_published - t0, 3),
        "queued": round(max(queued, 0.0), 2) if queued is not None else None,
        "fan_out": round(fan_out, 2) if fan_out is not None else None,
        "inboxes": round(t_done - t0, 2) if complete else None,
        "waited": round(t_done - t0, 2),
        "deliveries": deliveries,
        "targeted": targeted,
        "consumer_exit": exit_code,
    }
    print(json.dumps(record), flush=True)


# --- In the parent -----------------------------------------------------------------


def run_child(
    database_url: str, var_dir: Path, redis_url: str | None, timeout: float, idle: float
) -> dict:
    env = child_env(database_url, var_dir, HUEY_IMMEDIATE="0")
    if redis_url:
        env["REDIS_URL"] = redis_url
    var_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, __file__, "--worker", "--timeout", str(timeout), "--idle", str(idle)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark against {database_url} failed (exit {result.returncode})")
    return next(json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))


def bench_sqlite(var_dir: Path, timeout: float, idle: float) -> dict:
    sqlite_dir = var_dir / "sqlite"
    return run_child(f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", sqlite_dir, None, timeout, idle)


def bench_postgres(server: str, redis_url: str, var_dir: Path, timeout: float, idle: float) -> dict:
    with throwaway_postgres(server, BENCH_DB, redis_url=redis_url) as url:
        return run_child(url, var_dir / "postgresql", redis_url, timeout, idle)


def seconds(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_records(records: list[dict]) -> None:
    columns = [
        "database",
        "queue",
        "KIMs",
        "setup s",
        "publish s",
        "queued s",
        "fan-out s",
        "inboxes s",
        "deliveries",
    ]
    rows = [
        [
            r["database"],
            r["queue"],
            f"{r['kims']:,}",
            seconds(r["setup"], 1),
            seconds(r["publish"], 3),
            seconds(r["queued"]),
            seconds(r["fan_out"]),
            seconds(r["inboxes"]) if r["inboxes"] is not None else f">{r['waited']:.0f}",
            f"{r['deliveries']:,}",
        ]
        for r in records
    ]
    print_table(columns, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(
        parser, bench_db=BENCH_DB, redis_default=DEFAULT_REDIS, redis_use="the Huey queue"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="give up waiting for the inboxes after this many seconds (default 300)",
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=15.0,
        help="let the started consumer sit idle this long before publishing, so that it "
        "polls its queue at its idle pace (default 15)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.timeout, args.idle)
        return

    sys.stdout.reconfigure(line_buffering=True)  # the children's progress goes to stderr
    started = time.perf_counter()
    postgres_url = args.postgres or (DEFAULT_POSTGRES if args.both else None)
    var_dir = Path(tempfile.mkdtemp(prefix="jembatan-bench-dissem-", dir="/tmp"))
    records: list[dict] = []
    try:
        if args.both or not postgres_url:
            records.append(bench_sqlite(var_dir, args.timeout, args.idle))
        if postgres_url:
            records.append(
                bench_postgres(postgres_url, args.redis, var_dir, args.timeout, args.idle)
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    print()
    print_records(records)
    print(
        "\npublish   item_create + item_publish, commit included, in the publishing process"
        "\nqueued    publish's return to inboxes, minus fan-out: waiting for the consumer to"
        "\n          poll its queue (and this script's 50 ms polling)"
        "\nfan-out   the fan_out task's run time, from the consumer's log"
        "\ninboxes   from the start of publish until every active KIM has its Delivery row\n"
    )
    for r in records:
        if r["queue"] == "redis":
            print(f"{r['database']}: Huey queue in Redis ({args.redis}, flushed before and after).")
        else:
            print(f"{r['database']}: Huey queue in its own SQLite file (SqliteHuey).")
        if r["consumer_exit"] != 0:
            print(
                f"{r['database']}: the consumer did not stop cleanly (exit {r['consumer_exit']})."
            )
        if r["inboxes"] is not None and r["targeted"] != r["deliveries"]:
            print(f"{r['database']}: targeted_count {r['targeted']} != {r['deliveries']} rows.")

    missed = False
    for r in records:
        publish_ok = r["publish"] < PUBLISH_GOAL
        inbox_ok = r["inboxes"] is not None and r["inboxes"] < INBOX_GOAL
        inbox_ok = inbox_ok and r["deliveries"] == r["kims"]
        missed |= not (publish_ok and inbox_ok)
        print(
            f"\nGoal ({r['database']}, publish to {r['kims']:,} KIMs returns under "
            f"{PUBLISH_GOAL:.0f} s): {'met' if publish_ok else 'MISSED'}."
            f"\nGoal ({r['database']}, all {r['kims']:,} inboxes filled under "
            f"{INBOX_GOAL:.0f} s): {'met' if inbox_ok else 'MISSED'}."
        )
    print(f"\nTotal wall time: {time.perf_counter() - started:.0f} s.")
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
