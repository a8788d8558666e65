"""The production profile under load, at national scale: one command, a table and a file.

    .venv/bin/python bench/national.py            # once: the national-scale database
    .venv/bin/python bench/production.py          # then this
    .venv/bin/python bench/production.py --seconds 20 --connections 32

Serves the national-scale database (bench/national.py, ``--database``) the way
``make run-prod`` does: two gunicorn app servers (``--app-servers``, ``--workers`` sync
workers each) behind nginx rendered by ``manage.py nginx_conf``, Redis for cache, rate
limits and the queue (db ``--redis-db``, flushed), the Huey consumer, ``DEBUG`` off, static
files collected. Every kabupaten/kota is a tenant on its own host (``national.py`` makes
them: ``11-08.bench.localhost``); the load comes for ``--tenants`` (50) of them, the ones
with the most KIMs, each request with the Host of its tenant (nginx and the app servers
all listen on the loopback, wrk sets the header); ``--tenants 1`` is the single-tenant run
to compare with (the hub alone: the kabupaten with the most KIMs). Then wrk, a second
process, loads each endpoint in turn through nginx for ``--seconds``, rotating over many
URLs (so the page cache, on as in production, serves repeats but not everything):

    static limit   the article below, saved and served by nginx as a static file
    one article    /kim/<kim>/berita/<post>/           (that one article, the same URL)
    hub            /                                   (each tenant's hub)
    kim home       /kim/<kim>/                         (500 KIMs of those tenants)
    article        /kim/<kim>/berita/<post>/           (500 of their published posts)
    search         /cari/?q=<words>                    (12 queries on each tenant's host)
    information    /informasi/<item>/                  (the tenants' information items)
    aspiration     POST /aspirasi/kirim/               (a new case of each tenant in turn)
    dashboard      /kelola/dasbor/                     (the hub's admin, on the hub's host)
    workspace      /kelola/                            (the same admin's workspace home)
    case list      /kelola/aspirasi/                   (the same admin's aspiration desk)

The three staff pages are loaded by ``--connections`` (16) signed-in sessions of the hub's
Diskominfo admin at once (one session per connection would be the same user's pages).

For each: requests/s, p50 and p99 latency, errors (non-2xx/3xx and socket errors), the
RSS of the servers (app servers, nginx, consumer) after the run, and the ratio of its
requests/s to the static limit: the same nginx, in the same run, serving a saved copy of
the first article (a server block of its own) is the most this machine can serve, so
"one article" at 0.40 is 40 % of that limit (issue 19's goal). Anonymous pages come from
nginx's shared page cache, as in production (README: Production). Each endpoint is
warmed up first (not measured): every page of the rotation but the searches is fetched
once (so the page cache holds them all, whether they are one tenant's few or fifty
tenants' many), then 3 s of wrk (the aspiration form too, with ids of its own: the
measured forms are all new cases, and "stored" counts only theirs); a request slower than
10 s counts as an error.
The results go to bench/results/production-<time>.json and are printed as a table.
Loopback only; wrk shares the 2 cores with the servers, PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from common import ROOT, free_port, production_env, run, serve_tenant, server_url

PYTHON = sys.executable
BIN = Path(PYTHON).parent
SEARCHES = [
    "posyandu", "gotong royong", "jalan desa", "panen", "stunting", "bumdes",
    "jembatan", "sampah", "pelatihan", "vaksinasi", "pupuk kompos", "air bersih",
]  # fmt: skip
# Each line of WRK_PATHS is "<host> <path>": the request goes to nginx with that Host.
ROTATE = """
local hosts, paths = {}, {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  local host, path = line:match("^(%S+) (%S+)$")
  hosts[#hosts + 1] = host
  paths[#paths + 1] = path
end
local cookie = os.getenv("WRK_COOKIE")
local i = 0
function init(args) i = math.random(0, #paths) end
function request()
  i = i + 1
  local n = (i % #paths) + 1
  local headers = {["Host"] = hosts[n]}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[n], headers)
end
"""
# Each line of WRK_FORMS is "<host> <category id> <desa code>", one per tenant.
SUBMIT = """
local forms = {}
for line in io.lines(os.getenv("WRK_FORMS")) do
  local host, category, region = line:match("^(%S+) (%S+) (%S+)$")
  forms[#forms + 1] = {host, category, region}
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local n = 0
function request()
  n = n + 1
  -- Unique per run too: an id sent in an earlier run is a retry and stores nothing.
  local id = string.format("b%s%03d%09d", os.getenv("WRK_RUN"), tid, n)
  local form = forms[(n + tid) % #forms + 1]
  local body = "csrfmiddlewaretoken=" .. os.getenv("WRK_TOKEN")
    .. "&category=" .. form[2]
    .. "&region=" .. form[3]
    .. "&description=Jalan+desa+rusak+berlubang+laporan+" .. id
    .. "&reporter_phone=081234567890&visibility=anonim&website=&client_id=" .. id
  return wrk.format("POST", "/aspirasi/kirim/", {
    ["Host"] = form[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. os.getenv("WRK_CSRF_COOKIE"),
  }, body)
end
"""


# The static limit's own server block, added to the rendered nginx.conf: the saved article
# for any path, as nginx serves any static file.
STATIC_SERVER = """
    server {{
        listen 127.0.0.1:{port};
        location / {{
            root {root};
            default_type text/html;
            try_files /article.html =404;
        }}
    }}
"""


def log(message: str) -> None:
    print(message, flush=True)


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        children = subprocess.run(
            ["pgrep", "-P", str(current)], capture_output=True, text=True, check=False
        ).stdout.split()
        stack.extend(int(c) for c in children)
    return found


def rss_mib(pids: list[int]) -> float:
    total = 0
    for root in pids:
        for pid in descendants(root):
            try:
                match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
            except OSError:
                continue
            total += int(match.group(1)) if match else 0
    return total / 1024


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a server stopped at start (exit {process.returncode})")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"nothing listens on {port} after {seconds} s")


def get(url: str, cookie: str = "", host: str = "") -> tuple[int, str, dict]:
    headers = {"Cookie": cookie} if cookie else {}
    if host:
        headers["Host"] = host
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.status, response.read().decode(), dict(response.headers)


def prime(base: str, lines: list[str], cookie: str = "") -> float:
    """Every "<host> <path>" fetched once, 8 at a time: the page cache then holds all of
    them, so that a run over 50 tenants' pages and one over a single tenant's both measure
    the steady state, not how many distinct pages the warm-up happened to render."""
    start = time.perf_counter()

    def fetch(line: str) -> None:
        host, path = line.split(" ", 1)
        # A page that fails here fails in the measured run too, where it counts.
        with contextlib.suppress(Exception):
            get(f"{base}{path}", cookie, host=host)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, lines))
    return time.perf_counter() - start


def port_range(spec: str, needed: int) -> Iterator[int]:
    """The ports to serve on: ``FIRST-LAST`` in turn, or any free ones when none is given."""
    if not spec:
        return (free_port() for _ in range(needed))
    first, _, last = spec.partition("-")
    ports = range(int(first), int(last or first) + 1)
    if len(ports) < needed:
        sys.exit(f"--ports {spec}: {needed} ports are needed")
    return iter(ports)


def parse_wrk(output: str) -> dict:
    def seconds_of(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50_ms": seconds_of(latency["50"]) * 1000 if "50" in latency else None,
        "p99_ms": seconds_of(latency["99"]) * 1000 if "99" in latency else None,
        "errors": errors,
    }


STAFF_SESSION = """
import os
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from jembatan.accounts.models import Membership
m = Membership.objects.filter(role="kabupaten_admin", region_id=os.environ["BENCH_HUB"]).first()
user = m.user if m else None
store = import_module(settings.SESSION_ENGINE).SessionStore()
assert user is not None, "no kabupaten admin"
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "jembatan.accounts.backends.EmailOrPhoneBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
try:  # two-step sign-in, where installed: the bench session counts as verified
    from django_otp.plugins.otp_static.models import StaticDevice
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    store["otp_device_id"] = device.persistent_id
except Exception:
    pass
store.create()
print(settings.SESSION_COOKIE_NAME + "=" + store.session_key)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="jembatan_national")
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument(
        "--skip-migrate",
        action="store_true",
        help="serve the database as it is (e.g. to measure before a migration)",
    )
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="sync workers per app server")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--only", help="comma-separated endpoints to run (default all)", default="")
    parser.add_argument(
        "--visitor-cookie",
        default="",
        help="a Cookie header every anonymous page request carries, as a returning "
        "visitor's browser does (e.g. 'csrftoken=...; _ga=...')",
    )
    parser.add_argument(
        "--tenants",
        type=int,
        default=50,
        help="tenants the load is spread over, those with the most KIMs (1: the hub alone)",
    )
    parser.add_argument(
        "--ports",
        default="",
        help="FIRST-LAST (or FIRST: FIRST, FIRST+1, ...) for nginx, the static limit and the "
        "app servers (default: any free ports, or BENCH_PORTS)",
    )
    opts = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is needed: apt-get install {tool}")
    db_url = server_url(opts.postgres, opts.database)
    try:
        [(kims,)] = query(db_url, "SELECT count(*) FROM communities_kim")
    except Exception as exc:
        sys.exit(f"{opts.database} is not ready ({exc}); run bench/national.py first.")
    # The tenants with the most KIMs, the hub (the most of all) first, with their host.
    served = query(
        db_url,
        "SELECT t.region_id, h.host, count(k.id) FROM tenants_tenant t"
        " JOIN tenants_tenanthost h ON h.tenant_id = t.id AND h.is_primary"
        " LEFT JOIN communities_kim k ON k.kabupaten_id = t.region_id"
        " WHERE t.is_active GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT %s",
        (max(1, opts.tenants),),
    )
    if len(served) < min(opts.tenants, 2):
        sys.exit(
            f"{opts.database} has {len(served)} tenant(s); add one per kabupaten/kota with "
            f"bench/national.py --database {opts.database} --tenants-only"
        )
    hub, hub_host, hub_kims = served[0]
    host_of = {code: host for code, host, _ in served}
    codes = list(host_of)
    [(all_tenants,)] = query(db_url, "SELECT count(*) FROM tenants_tenant WHERE is_active")
    [(posts,)] = query(db_url, "SELECT count(*) FROM kimsites_post")
    [(cases,)] = query(db_url, "SELECT count(*) FROM aspirations_aspiration")
    log(
        f"{opts.database}: {kims:,} KIMs, {posts:,} posts, {cases:,} aspirations, "
        f"{all_tenants} tenants; load on {len(codes)} of them; hub {hub} ({hub_kims} KIMs)"
    )
    redis_url = f"redis://127.0.0.1:6379/{opts.redis_db}"
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    tmp = Path(tempfile.mkdtemp(prefix="jembatan-prod-bench-"))
    env = production_env(tmp, db_url, redis_url)
    manage = [PYTHON, "manage.py"]
    if not opts.skip_migrate:
        run([*manage, "migrate", "--noinput", "--verbosity", "0"], env)
    serve_tenant(env, hub)
    run([*manage, "build_js_catalog", "--verbosity", "0"], env)
    run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)
    ports = port_range(opts.ports, 2 + opts.app_servers)
    nginx_port = next(ports)
    app_ports = [next(ports) for _ in range(opts.app_servers)]
    upstreams = [a for p in app_ports for a in ("--upstream", f"127.0.0.1:{p}")]
    conf = tmp / "nginx.conf"
    run(
        [*manage, "nginx_conf", "--listen", f"127.0.0.1:{nginx_port}", *upstreams,
         "--var", str(tmp), "--output", str(conf)],
        env,
    )  # fmt: skip
    # The limit: the same nginx serving a saved copy of the article as a static file.
    static_port, static_dir = next(ports), tmp / "static-limit"
    static_dir.mkdir()
    text = conf.read_text().rstrip()
    assert text.endswith("}"), "the rendered nginx.conf ends with its http block"
    conf.write_text(text[:-1] + STATIC_SERVER.format(port=static_port, root=static_dir) + "}\n")
    servers: list[subprocess.Popen] = []
    results: list[dict] = []
    try:
        servers.append(
            subprocess.Popen(
                [*manage, "run_huey"], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        for port in app_ports:
            servers.append(
                subprocess.Popen(
                    [str(BIN / "gunicorn"), "jembatan.wsgi", "--bind", f"127.0.0.1:{port}",
                     "--workers", str(opts.workers), "--forwarded-allow-ips", "127.0.0.1",
                     "--log-level", "warning"],
                    cwd=ROOT, env=env,
                )
            )  # fmt: skip
            wait_for(port, servers[-1])
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        servers.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)]))
        wait_for(nginx_port, servers[-1])
        base = f"http://127.0.0.1:{nginx_port}"

        # What each endpoint rotates over: "<host> <path>", each on its tenant's host.
        kims = query(
            db_url,
            "SELECT kabupaten_id, slug FROM communities_kim WHERE kabupaten_id = ANY(%s)"
            " ORDER BY md5(slug) LIMIT 500",
            (codes,),
        )
        articles = query(
            db_url,
            "SELECT k.kabupaten_id, k.slug, p.slug FROM kimsites_post p"
            " JOIN communities_kim k ON k.id = p.kim_id"
            " WHERE k.kabupaten_id = ANY(%s) AND p.status = 'published'"
            " AND p.published_at <= now() AND p.id %% 7 = 0 ORDER BY p.id LIMIT 500",
            (codes,),
        )
        items = query(
            db_url,
            "SELECT area_id, slug FROM dissemination_infoitem WHERE status = 'published'"
            " AND area_id = ANY(%s) ORDER BY id LIMIT 300",
            (codes,),
        )
        forms = query(
            db_url,
            "SELECT c.kabupaten_id, min(c.id), min(r.code) FROM aspirations_category c"
            " JOIN regions_region r ON r.level = 4 AND r.code LIKE c.kabupaten_id || '.%%'"
            " WHERE c.kabupaten_id = ANY(%s) GROUP BY 1",
            (codes,),
        )
        if not articles:
            sys.exit(f"{opts.database} has no published article on the loaded tenants' hosts")
        one = f"{host_of[articles[0][0]]} /kim/{articles[0][1]}/berita/{articles[0][2]}/"
        one_host, one_path = one.split(" ", 1)
        _, page, headers = get(f"{base}{one_path}", host=one_host)
        (static_dir / "article.html").write_text(page)
        log(f"static limit: {one_path} saved, {len(page.encode()):,} bytes of HTML")
        bases = {"static limit": f"http://127.0.0.1:{static_port}"}
        endpoints = {
            "static limit": [one],
            "one article": [one],
            "hub": [f"{host_of[c]} /" for c in codes],
            "kim home": [f"{host_of[c]} /kim/{s}/" for c, s in kims],
            "article": [f"{host_of[c]} /kim/{k}/berita/{p}/" for c, k, p in articles],
            "search": [
                f"{host_of[codes[i % len(codes)]]} /cari/?q={quote(q)}"
                for i, q in enumerate(SEARCHES * len(codes))
            ],
            "information": [f"{host_of[c]} /informasi/{s}/" for c, s in items],
        }
        staff_cookie = run([*manage, "shell", "-c", STAFF_SESSION], {**env, "BENCH_HUB": hub})
        staff_cookie = staff_cookie.strip()
        staff_cookie = staff_cookie.splitlines()[-1] if staff_cookie else ""
        wanted = {e.strip() for e in opts.only.split(",") if e.strip()}
        staff_pages = {
            "dashboard": "/kelola/dasbor/",
            "workspace": "/kelola/",
            "case list": "/kelola/aspirasi/",
        }
        plan = [*endpoints, "aspiration", *staff_pages]
        if wanted:  # the limit always runs: every ratio is to this run's own limit
            wanted.add("static limit")
        for name in plan:
            if wanted and name not in wanted:
                continue
            script = tmp / f"{name.replace(' ', '-')}.lua"
            wrk_env = dict(os.environ)
            if name == "aspiration":
                _, page, headers = get(f"{base}/aspirasi/kirim/", host=hub_host)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
                script.write_text(SUBMIT)
                listing = tmp / "aspiration.forms"
                listing.write_text(
                    "".join(f"{host_of[c]} {category} {desa}\n" for c, category, desa in forms)
                )
                wrk_env.update(
                    WRK_TOKEN=token, WRK_CSRF_COOKIE=cookie, WRK_RUN=str(int(time.time())),
                    WRK_FORMS=str(listing),
                )  # fmt: skip
            else:
                paths = endpoints.get(name)
                if name in staff_pages:
                    path = staff_pages[name]
                    if not staff_cookie:
                        log(f"{name}: no kabupaten admin in this database; skipped")
                        continue
                    try:
                        get(f"{base}{path}", staff_cookie, host=hub_host)
                    except Exception as exc:
                        log(f"{name}: {path} answers {exc}; skipped")
                        continue
                    paths = [f"{hub_host} {path}"]
                    wrk_env["WRK_COOKIE"] = staff_cookie
                elif opts.visitor_cookie:
                    wrk_env["WRK_COOKIE"] = opts.visitor_cookie
                listing = tmp / f"{name.replace(' ', '-')}.paths"
                listing.write_text("\n".join(paths) + "\n")
                script.write_text(ROTATE)
                wrk_env["WRK_PATHS"] = str(listing)
            target = bases.get(name, base)
            if name not in ("aspiration", "search", *staff_pages):
                seconds = prime(target, paths)
                log(f"{name}: {len(paths)} pages fetched once in {seconds:.1f} s")
            if name == "one article":
                answer = get(f"{base}{one_path}", opts.visitor_cookie, host=one_host)
                cache_status = answer[2].get("X-Cache-Status")
                log(f"one article: nginx's shared page cache answers {cache_status}")
            # Every worker imports the URLconf and compiles templates on its first
            # request, and keeps each tenant's categories and desa for the form: a short
            # unmeasured run first, so that is not in the numbers. The form's warm-up
            # sends ids of its own (a measured form must be new, not a retry), and the
            # cases it stores are counted before the measured run.
            subprocess.run(
                ["wrk", "-t", "1", "-c", str(2 * opts.workers * opts.app_servers),
                 "-d", "3s", "--timeout", "30s", "-s", str(script), target],
                env={**wrk_env, "WRK_RUN": f"{wrk_env.get('WRK_RUN', '')}w"},
                capture_output=True, check=False,
            )  # fmt: skip
            if name == "aspiration":
                before = query(db_url, "SELECT count(*) FROM aspirations_aspiration")[0][0]
            log(f"{name}: wrk {opts.connections} connections, {opts.seconds} s ...")
            done = subprocess.run(
                ["wrk", "-t", str(opts.threads), "-c", str(opts.connections),
                 "-d", f"{opts.seconds}s", "--timeout", "10s", "--latency",
                 "-s", str(script), target],
                env=wrk_env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            record = {"endpoint": name, **parse_wrk(done.stdout)}
            if not record["requests"]:  # wrk did not run (a script error) or nothing came back
                log(f"{name}: no request completed\n{done.stdout}{done.stderr}")
                record["errors"] = max(1, record["errors"])
            if os.environ.get("BENCH_DEBUG"):
                log(done.stdout + done.stderr)
            if name == "aspiration":
                after = query(db_url, "SELECT count(*) FROM aspirations_aspiration")[0][0]
                record["stored"] = after - before
            record["rss_mib"] = round(rss_mib([s.pid for s in servers]), 1)
            results.append(record)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        query(db_url, "SELECT 1")  # the database is still there for the next run
        shutil.rmtree(tmp, ignore_errors=True)
        redis.Redis.from_url(redis_url).flushdb()

    opts.loaded, opts.all_tenants = len(codes), all_tenants
    print_table(results, opts)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"production-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "database": opts.database,
                "kims": kims,
                "posts": posts,
                "aspirations": cases,
                "hub": hub,
                "tenants": all_tenants,
                "tenants_loaded": len(codes),
                "app_servers": opts.app_servers,
                "workers": opts.workers,
                "connections": opts.connections,
                "seconds": opts.seconds,
                "results": results,
            },
            indent=2,
        )
    )
    log(f"\nResults written to {out.relative_to(ROOT)}")
    return 1 if any(r["errors"] for r in results) else 0


def format_table(results: list[dict], opts: argparse.Namespace) -> str:
    """One table: each endpoint with its ratio to the static limit of the same run."""
    limit = next((r["rps"] for r in results if r["endpoint"] == "static limit"), 0.0)
    lines = [
        f"{opts.app_servers} app servers x {opts.workers} sync workers behind nginx; "
        f"wrk {opts.threads} threads, {opts.connections} connections, {opts.seconds} s each; "
        f"{opts.loaded} of {opts.all_tenants} tenants' hosts"
    ]
    head = (
        f"{'endpoint':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'requests':>9} {'RSS MiB':>8} {'x limit':>8}"
    )
    lines += [head, "-" * len(head)]
    for r in results:
        p50 = f"{r['p50_ms']:.1f}" if r["p50_ms"] is not None else "-"
        p99 = f"{r['p99_ms']:.1f}" if r["p99_ms"] is not None else "-"
        ratio = f"{r['rps'] / limit:.2f}" if limit else "-"
        line = (
            f"{r['endpoint']:<12} {r['rps']:>9.1f} {p50:>8} {p99:>8} {r['errors']:>7} "
            f"{r['requests']:>9} {r['rss_mib']:>8.1f} {ratio:>8}"
        )
        if "stored" in r:
            line += f"   (stored {r['stored']})"
        lines.append(line)
    return "\n".join(lines)


def print_table(results: list[dict], opts: argparse.Namespace) -> None:
    log("\n" + format_table(results, opts))


if __name__ == "__main__":
    sys.exit(main())
