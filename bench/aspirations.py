"""Public aspiration form under load: submissions per second, none lost or doubled.

    .venv/bin/python bench/aspirations.py                    # SQLite
    .venv/bin/python bench/aspirations.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/aspirations.py --both             # SQLite, then PostgreSQL
    .venv/bin/python bench/aspirations.py --both --threads 2 # gthread workers (keep-alive)
    .venv/bin/python bench/aspirations.py --postgres URL --profile /tmp/prof   # py-spy

Each database gets its own site: a throwaway SQLite file under /tmp (cache in each
worker's memory, Huey queue in SqliteHuey), or a throwaway PostgreSQL database
jembatan_bench_asp created and dropped through the given server, with the cache and the
Huey queue in Redis (--redis, db 12 by default, flushed before and after). Setup:
migrate, import_regions --province 61, load_demo, collectstatic. gunicorn then serves it
with production settings (DEBUG off, HUEY_IMMEDIATE=0 so that mail to the citizen is
queued, not sent inline) and the form's rate limit raised for the benchmark. Before the
clock starts every worker is warmed up (the URLconf is imported on a worker's first
request) with GETs and POSTs that fill in the honeypot, which store nothing.

The load comes from --clients processes of --connections threads each, every thread
with its own http.client connection: GET /aspirasi/kirim/ once for the csrftoken cookie
and the form's token, then POST the form (multipart, as the page sends it) as fast as the
answers come, for --seconds, each with a unique description and client_id; every 4th
gives an email (a mail task is queued), the others a phone number. A 302 to
/aspirasi/<CODE>/ acknowledges a submission; anything else is an error. Afterwards 100
acknowledged codes are opened at /aspirasi/<CODE>/, and a child with the site's settings
checks that every acknowledged code is in the database exactly once with its client_id
and that the run stored exactly the acknowledged submissions.

Goals: PostgreSQL sustains at least 200 acknowledged submissions/s with none lost and
none duplicated; SQLite is reported, its goal is none lost and none duplicated. The
script exits non-zero when a goal is missed. Loopback only, on the machine's cores: the
load generator, PostgreSQL and Redis share them with the server, so a second table
shows the CPU each used, per submission, and the rate they would allow on their own.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import (
    DEFAULT_POSTGRES,
    ROOT,
    add_database_arguments,
    demo_site,
    free_port,
    gunicorn_command,
    log,
    print_table,
    process_tree,
    rss_kib,
    run,
    setup_child,
    throwaway_postgres,
)

PYTHON = sys.executable
BENCH_DB = "jembatan_bench_asp"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
FORM_PATH = "/aspirasi/kirim/"
RATE_GOAL = 200.0
# settings.ASPIRATION_SUBMIT_LIMIT accepts at most 100,000 (per address, 10 minutes).
SUBMIT_LIMIT = 100_000
EMAIL_EVERY = 4  # every 4th submission gives an email (queues mail_citizen), else a phone
HTTP_SAMPLE = 100  # acknowledged codes opened through /aspirasi/<code>/ afterwards
CODE_IN_LOCATION = re.compile(r"^/aspirasi/([A-Z0-9]{4,32})/(?:terkirim/)?$")
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SITE_FIXTURES = """
import json
from huey.contrib.djhuey import HUEY
from jembatan.aspirations.models import Aspiration, Category
from jembatan.regions.models import Region
from jembatan.tenants.resolve import tenant_for_host
hub = tenant_for_host("127.0.0.1").code  # the host the load is sent to (common.demo_site)
print(json.dumps({
    "categories": list(Category.objects.filter(kabupaten_id=hub, is_active=True)
                       .order_by("pk").values_list("pk", flat=True)),
    "villages": list(Region.objects.filter(level=Region.Level.DESA, code__startswith=hub + ".")
                     .order_by("code").values_list("code", flat=True)),
    "cases": Aspiration.objects.count(),
    "tasks": HUEY.pending_count(),
}))
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's master and workers)."""
    ticks = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def services_cpu() -> float:
    """CPU seconds of PostgreSQL (every server process, plus what the postmaster has reaped)
    and Redis: whatever runs on this machine, not only the benchmark's database."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        name = head.split("(", 1)[1]
        fields = fields.split()
        if name in {"postgres", "redis-server"}:
            total += int(fields[11]) + int(fields[12])
            if name == "postgres":
                total += int(fields[13]) + int(fields[14])  # reaped children (postmaster)
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


# --- Load generator (its own processes) ---------------------------------------------


def multipart(fields: dict[str, str], boundary: str) -> bytes:
    """The form as a browser sends it: its fields and the empty photo input."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


class Connection:
    """One visitor's connection: the form's cookie and token, then POSTs."""

    def __init__(self, port: int, name: str, fixtures: dict, seed: int) -> None:
        self.port = port
        self.name = name
        self.fixtures = fixtures
        self.random = random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""
        self.count = 0

    def open_form(self) -> None:
        self.conn.request("GET", FORM_PATH)
        response = self.conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {FORM_PATH}: {response.status}")
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = TOKEN_INPUT.search(body)
        if not cookie or not token:
            raise RuntimeError("the form gave no csrftoken cookie or csrfmiddlewaretoken")
        self.cookie, self.token = cookie.group(1), token.group(1)

    def submit(self) -> tuple[str, float, int, str]:
        """POST one submission: (client_id, seconds, status or 0, code or error text)."""
        self.count += 1
        n = self.count
        client_id = f"{self.name}-{n:06d}"
        fields = {
            "csrfmiddlewaretoken": self.token,
            "category": str(self.random.choice(self.fixtures["categories"])),
            "region": self.random.choice(self.fixtures["villages"]),
            "location": f"RT {n % 20 + 1:02d}",
            "description": f"Aspirasi uji beban {client_id}: jalan desa berlubang dan "
            "parit tersumbat, mohon diperbaiki sebelum musim hujan.",
            "reporter_name": "",
            "reporter_phone": "" if n % EMAIL_EVERY == 0 else f"0812 {n % 10000:04d} 7890",
            "reporter_email": f"warga{n}@bench.invalid" if n % EMAIL_EVERY == 0 else "",
            "visibility": "anonim",
            "website": "",
            "client_id": client_id,
        }
        boundary = f"----bench{secrets.token_hex(8)}"
        body = multipart(fields, boundary)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": f"csrftoken={self.cookie}",
        }
        started = time.perf_counter()
        try:
            self.conn.request("POST", FORM_PATH, body, headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()  # the next request opens a new connection
            return client_id, time.perf_counter() - started, 0, type(exc).__name__
        elapsed = time.perf_counter() - started
        location = urlsplit(response.getheader("Location") or "").path
        match = CODE_IN_LOCATION.match(location)
        if response.status == 302 and match:
            return client_id, elapsed, 302, match.group(1)
        return client_id, elapsed, response.status, location


def load_process(
    index: int,
    port: int,
    connections: int,
    seconds: float,
    prefix: str,
    fixtures: dict,
    barrier,
    results,
) -> None:
    """One load process: its connections in threads, started together with the others."""
    conns = [
        Connection(port, f"{prefix}-{index}-{c}", fixtures, seed=index * 1000 + c)
        for c in range(connections)
    ]
    for conn in conns:
        conn.open_form()
    records: list[list[tuple]] = [[] for _ in conns]

    def drive(c: int, deadline: float) -> None:
        conn, out = conns[c], records[c]
        while time.monotonic() < deadline:
            out.append(conn.submit())

    barrier.wait(timeout=120)
    cpu0 = os.times()
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=drive, args=(c, deadline)) for c in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.monotonic()
    cpu1 = os.times()
    results.put(
        {
            "started": started,
            "ended": ended,
            "cpu": (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system),
            "records": [r for out in records for r in out],
        }
    )


def generate_load(port: int, fixtures: dict, opts: argparse.Namespace, prefix: str) -> dict:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(opts.clients + 1)
    results = context.Queue()
    procs = [
        context.Process(
            target=load_process,
            args=(i, port, opts.connections, opts.seconds, prefix, fixtures, barrier, results),
        )
        for i in range(opts.clients)
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)  # every connection has its form: go
    outs = [results.get(timeout=opts.seconds + 180) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    return {
        "started": min(o["started"] for o in outs),
        "ended": max(o["ended"] for o in outs),
        "client_cpu": sum(o["cpu"] for o in outs),
        "records": [r for o in outs for r in o["records"]],
    }


# --- Verification (a child with the site's settings) ------------------------------------


def verify(path: Path) -> None:
    """Every acknowledged code in the database once, with its client_id; nothing else new."""
    setup_child()
    from huey.contrib.djhuey import HUEY

    from jembatan.aspirations.models import Aspiration

    data = json.loads(path.read_text())
    acked: list[list[str]] = data["acked"]  # [client_id, code]
    rows = list(Aspiration.objects.values_list("code", "client_id", "description"))
    times_found = collections.Counter(code for code, _cid, _d in rows)
    client_of = {code: client_id for code, client_id, _d in rows}
    lost = sum(
        1
        for client_id, code in acked
        if times_found[code] != 1 or client_of[code] != f"web:{client_id}"
    )
    ours = [(cid, d) for _c, cid, d in rows if (cid or "").startswith(f"web:{data['prefix']}-")]
    # A code acknowledged twice, a client_id stored twice, or one submission stored twice
    # under another client_id (each description is unique).
    repeats = sum(
        n - 1
        for counter in (
            collections.Counter(code for _cid, code in acked),
            collections.Counter(cid for cid, _d in ours),
            collections.Counter(d for _cid, d in ours),
        )
        for n in counter.values()
    )
    acked_ids = {f"web:{client_id}" for client_id, _c in acked}
    unacked = sum(1 for cid, _d in ours if cid not in acked_ids)
    print(
        json.dumps(
            {
                "stored": len(rows) - data["cases_before"],
                "lost": lost,
                "duplicated": repeats,
                "unacked": unacked,
                "queued_tasks": HUEY.pending_count() - data["tasks_before"],
            }
        ),
        flush=True,
    )


# --- One database ----------------------------------------------------------------------


def site_env(tmp: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jembatan.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "JEMBATAN_VAR_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        "HUEY_IMMEDIATE": "0",
        "ASPIRATION_SUBMIT_LIMIT": str(SUBMIT_LIMIT),
        "ASPIRATION_SUBMIT_CONTACT_LIMIT": str(SUBMIT_LIMIT),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("gunicorn did not answer /healthz")


def warm_up(port: int, fixtures: dict, parallel: int) -> None:
    """Every worker imports the URLconf and renders the form on its first requests: do that
    before the clock starts, from `parallel` connections at once, twice over: GET the form,
    then POST it with the honeypot filled in (accepted silently, nothing stored)."""

    failures: list[str] = []

    def visit(index: int) -> None:
        try:
            visit_once(index)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    def visit_once(index: int) -> None:
        conn = Connection(port, f"warm-{index}", fixtures, seed=index)
        for _ in range(2):
            conn.open_form()
            fields = {
                "csrfmiddlewaretoken": conn.token,
                "category": str(fixtures["categories"][0]),
                "region": fixtures["villages"][0],
                "description": "Pemanasan sebelum pengukuran.",
                "reporter_phone": "0812 3456 7890",
                "visibility": "anonim",
                "website": "http://bench.invalid/",
            }
            conn.conn.request(
                "POST",
                FORM_PATH,
                urlencode(fields),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={conn.cookie}",
                },
            )
            response = conn.conn.getresponse()
            response.read()
            if response.status != 302:
                raise RuntimeError(f"warm-up POST {FORM_PATH}: {response.status}")
        conn.conn.close()

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"warm-up failed: {failures[0]}")


def start_profiler(pid: int, vendor: str, opts: argparse.Namespace) -> subprocess.Popen | None:
    """py-spy on gunicorn and its workers for the load's duration (--profile DIR): samples
    of running code only (no --idle), since the two cores are what runs out."""
    if not opts.profile:
        return None
    py_spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(py_spy).exists():
        sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
    out = Path(opts.profile).resolve() / f"{vendor}-{opts.workers}x{opts.threads}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    log(f"{vendor}: profiling the server into {out} (collapsed stacks)")
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--rate",
            "100",
            "--duration",
            str(max(1, round(opts.seconds))),
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def open_sample(port: int, codes: list[str]) -> int:
    """How many of these codes open their public page (200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ok = 0
    for code in codes:
        conn.request("GET", f"/aspirasi/{code}/")
        response = conn.getresponse()
        response.read()
        ok += response.status == 200
    conn.close()
    return ok


def bench_site(database_url: str | None, redis_url: str | None, opts: argparse.Namespace) -> dict:
    """One site on a database (None: a SQLite file in the temporary directory)."""
    tmp = Path(tempfile.mkdtemp(prefix="jembatan-bench-asp-", dir="/tmp"))
    database_url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = site_env(tmp, database_url, redis_url)
    manage = [PYTHON, "manage.py"]
    try:
        started = time.perf_counter()
        demo_site(env)
        fixtures = json.loads(run([*manage, "shell", "-c", SITE_FIXTURES], env).splitlines()[-1])
        vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
        log(
            f"{vendor}: site ready in {time.perf_counter() - started:.1f} s "
            f"({len(fixtures['categories'])} categories, {len(fixtures['villages'])} villages, "
            f"{fixtures['cases']} cases)"
        )
        port = free_port()
        gunicorn = gunicorn_command(port, workers=opts.workers, threads=opts.threads)
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
        try:
            wait_for(port, server)
            warm_up(port, fixtures, parallel=2 * opts.workers * opts.threads)
            prefix = f"b{uuid.uuid4().hex[:8]}"
            log(
                f"{vendor}: {opts.clients} x {opts.connections} connections for "
                f"{opts.seconds:g} s against {opts.workers} workers"
                + (f" x {opts.threads} threads" if opts.threads > 1 else "")
            )
            profiler = start_profiler(server.pid, vendor, opts)
            busy0, total0 = machine_cpu()
            server_cpu0 = cpu_seconds(server.pid)
            services_cpu0 = services_cpu()
            load = generate_load(port, fixtures, opts, prefix)
            services_used = services_cpu() - services_cpu0
            if profiler is not None:
                profiler.wait(timeout=60)
            server_cpu = cpu_seconds(server.pid) - server_cpu0
            busy1, total1 = machine_cpu()
            rss = rss_kib(server.pid)
            records = load["records"]
            acked = [[cid, result] for cid, _s, status, result in records if status == 302]
            sample = random.Random(1).sample(acked, min(HTTP_SAMPLE, len(acked)))
            opened = open_sample(port, [code for _cid, code in sample])
        finally:
            server.terminate()
            server.wait(timeout=30)

        check = tmp / "acked.json"
        check.write_text(
            json.dumps(
                {
                    "prefix": prefix,
                    "cases_before": fixtures["cases"],
                    "tasks_before": fixtures["tasks"],
                    "acked": acked,
                }
            )
        )
        verified = json.loads(
            run([PYTHON, __file__, "--verify", str(check)], env).strip().splitlines()[-1]
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    elapsed = load["ended"] - load["started"]
    latencies = sorted(s for _cid, s, _st, _r in records)
    errors = collections.Counter(
        f"{status or ''} {result}".strip() for _c, _s, status, result in records if status != 302
    )
    emails = sum(1 for cid, _code in acked if int(cid.rsplit("-", 1)[1]) % EMAIL_EVERY == 0)
    return {
        "database": vendor,
        "queue": "redis" if redis_url else "sqlite",
        "workers": opts.workers,
        "threads": opts.threads,
        "connections": opts.clients * opts.connections,
        "seconds": elapsed,
        "requests": len(records),
        "rate": len(acked) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors.most_common(5)),
        "acked": len(acked),
        "emails": emails,
        "opened": opened,
        "sampled": len(sample),
        "rss_mib": rss / 1024,
        "server_cpu": server_cpu / elapsed,
        "client_cpu": load["client_cpu"] / elapsed,
        "services_cpu": services_used / elapsed,
        "machine_cpu": (busy1 - busy0) / (total1 - total0) * os.cpu_count(),
        **verified,
    }


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(fraction * len(values)))]


def bench_postgres(server: str, redis_url: str, opts: argparse.Namespace) -> dict:
    with throwaway_postgres(server, opts.database, redis_url=redis_url) as url:
        return bench_site(url, redis_url, opts)


# --- Report ------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def print_records(records: list[dict]) -> None:
    columns = [
        "database",
        "workers",
        "conns",
        "seconds",
        "subm/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "acked",
        "stored",
        "lost",
        "dup",
        "unacked",
        "RSS MiB",
    ]
    rows = [
        [
            r["database"],
            f"{r['workers']}x{r['threads']} gthread"
            if r["threads"] > 1
            else f"{r['workers']} sync",
            str(r["connections"]),
            f"{r['seconds']:.1f}",
            f"{r['rate']:.0f}",
            ms(r["p50"]),
            ms(r["p99"]),
            str(r["errors"]),
            str(r["acked"]),
            str(r["stored"]),
            str(r["lost"]),
            str(r["duplicated"]),
            str(r["unacked"]),
            f"{r['rss_mib']:.0f}",
        ]
        for r in records
    ]
    print_table(columns, rows, names=2)


def print_cpu_table(records: list[dict]) -> None:
    columns = [
        "database",
        "server cores",
        "db+redis cores",
        "load cores",
        "other cores",
        "server ms/subm",
        "db+redis ms/subm",
        "ceiling/s",
    ]
    rows = []
    for r in records:
        per = 1000 / r["rate"] if r["rate"] else 0.0  # ms of load per submission
        used = r["server_cpu"] + r["services_cpu"] + r["client_cpu"]
        ceiling = os.cpu_count() * 1000 / (used * per) if used and per else 0.0
        rows.append(
            [
                r["database"],
                f"{r['server_cpu']:.2f}",
                f"{r['services_cpu']:.2f}",
                f"{r['client_cpu']:.2f}",
                f"{max(r['machine_cpu'] - used, 0.0):.2f}",
                f"{r['server_cpu'] * per:.1f}",
                f"{r['services_cpu'] * per:.1f}",
                f"{ceiling:.0f}",
            ]
        )
    print_table(columns, rows, names=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(
        parser, bench_db=BENCH_DB, redis_default=DEFAULT_REDIS, redis_use="cache and queue"
    )
    parser.add_argument(
        "--database",
        default=BENCH_DB,
        help=f"the throwaway database's name (default {BENCH_DB}): one of its own for each "
        "run that shares the server with another",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="more than 1 uses gunicorn's gthread workers with this many threads (keep-alive)",
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="load generator processes (default 4)"
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=2,
        help="connections per load process, each in its own thread (default 2)",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="sample the server with py-spy during the load and write collapsed stacks to "
        "DIR (py-spy is not a project dependency: .venv/bin/pip install py-spy)",
    )
    parser.add_argument("--verify", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify:
        verify(Path(args.verify))
        return

    sys.stdout.reconfigure(line_buffering=True)
    started = time.perf_counter()
    postgres_url = args.postgres or (DEFAULT_POSTGRES if args.both else None)
    records: list[dict] = []
    if args.both or not postgres_url:
        records.append(bench_site(None, None, args))
    if postgres_url:
        records.append(bench_postgres(postgres_url, args.redis, args))

    print()
    print_records(records)
    print(
        "\nsubm/s    acknowledged submissions (302 to /aspirasi/<code>/) per second of load"
        "\np50, p99  latency of every POST, connect included"
        "\nstored    new cases in the database; lost: acknowledged codes not there once with"
        "\n          their client_id; dup: a code acknowledged twice or a submission stored"
        "\n          twice; unacked: stored cases whose submission got no acknowledgement\n"
    )
    print(
        f"Rate limits raised for the benchmark: ASPIRATION_SUBMIT_LIMIT={SUBMIT_LIMIT} and "
        f"ASPIRATION_SUBMIT_CONTACT_LIMIT={SUBMIT_LIMIT} (the most settings accept; the "
        "defaults are 20 stored per address per 10 minutes, 3 per phone or email an hour)."
    )
    print()
    print_cpu_table(records)
    print(
        "\ncores     CPU used during the load, in cores: gunicorn (master and workers), the"
        "\n          PostgreSQL server and Redis (whatever they serve), the load generator, and"
        "\n          the rest of the machine (other processes, the kernel)"
        "\nms/subm   CPU per acknowledged submission; ceiling: submissions/s if gunicorn, the"
        f"\n          database and the load generator had all {os.cpu_count()} cores to "
        "themselves\n"
    )
    for r in records:
        queue = "Redis" if r["queue"] == "redis" else "SqliteHuey"
        print(
            f"{r['database']}: {r['requests']} POSTs; {r['queued_tasks']} mail tasks queued in "
            f"{queue} for {r['emails']} acknowledged submissions with an email; "
            f"{r['opened']}/{r['sampled']} sampled codes open at /aspirasi/<code>/."
        )
        if r["error_kinds"]:
            print(f"{r['database']}: errors {r['error_kinds']}")

    missed = False
    for r in records:
        intact = (
            r["lost"] == 0
            and r["duplicated"] == 0
            and r["unacked"] == 0
            and r["stored"] == r["acked"]
            and r["opened"] == r["sampled"]
        )
        fast = r["rate"] >= RATE_GOAL
        goal_met = intact and (fast or r["database"] != "postgresql")
        missed |= not goal_met
        goal = (
            f"at least {RATE_GOAL:.0f} submissions/s, none lost or duplicated"
            if r["database"] == "postgresql"
            else "none lost or duplicated"
        )
        print(
            f"\nGoal ({r['database']}, {goal}): {'met' if goal_met else 'MISSED'}"
            f" ({r['rate']:.0f}/s, p99 {ms(r['p99'])} ms, lost {r['lost']}, "
            f"duplicated {r['duplicated']}, unacknowledged {r['unacked']})."
        )
    print(f"\nTotal wall time: {time.perf_counter() - started:.0f} s.")
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
