"""What one submission of the aspiration form costs, in this process, with the production
profile's settings: statements sent, round trips to Redis, CPU of the process (user and
system) and of the PostgreSQL backend that served it. Measures that hold under load.

    .venv/bin/python bench/national.py --database NAME --scale 0.05     # once
    .venv/bin/python bench/submit_cost.py --database NAME --redis-db 4 -n 600
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=cg.out \\
        .venv/bin/python bench/submit_cost.py --database NAME --callgrind -n 100

Each POST goes through Django's WSGI handler as gunicorn calls it (every middleware,
CSRF with a real token, the session written, the redirect), from a new visitor, to the
hub of the national data (the first tenant by code), after 20 to warm the process up.
Every statement the driver sends is counted, BEGIN and COMMIT aside (Django's health
check included, which bypasses Django's query log); every Redis command sent, a pipeline
as one. With ``--callgrind`` (under valgrind, as above) only the measured POSTs are
instrumented: callgrind's total over -n is the user-space instructions per POST, the
same on a busy machine as on a quiet one (system time is not in it).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import production_env

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="jembatan_national")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("-n", type=int, default=400, help="POSTs measured (default 400)")
    parser.add_argument("--callgrind", action="store_true", help="instrument the POSTs only")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="jembatan-submit-cost-"))
    server = opts.postgres.rsplit("/", 1)[0]
    os.environ.update(
        production_env(tmp, f"{server}/{opts.database}", f"redis://127.0.0.1:6379/{opts.redis_db}"),
        DJANGO_SETTINGS_MODULE="jembatan.settings",
        JEMBATAN_VAR_DIR=str(tmp),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import psycopg
    import redis
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    call_command("build_js_catalog", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.host, c.id, min(r.code) FROM tenants_tenanthost h"
            " JOIN tenants_tenant t ON t.id = h.tenant_id"
            " JOIN aspirations_category c ON c.kabupaten_id = t.region_id AND c.is_active"
            " JOIN regions_region r ON r.level = 4 AND r.code LIKE t.region_id || '.%%'"
            " GROUP BY h.host, c.id ORDER BY h.host, c.id LIMIT 1"
        )
        host, category, desa = cursor.fetchone()
    app = get_wsgi_application()

    sql: list[str] = []
    real_execute = psycopg.Cursor.execute

    def execute(self, query, params=None, **kwargs):
        sql.append(str(query))
        return real_execute(self, query, params, **kwargs)

    psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    trips: list[bytes] = []
    real_send = redis.connection.AbstractConnection.send_packed_command

    def send(self, command, check_health=True):
        trips.append(b"".join(command) if isinstance(command, list) else bytes(command))
        return real_send(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = send  # type: ignore[method-assign]

    def call(method: str, path: str, body: bytes = b"", cookie: str = "") -> tuple:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_FORWARDED_FOR": f"10.1.{secrets.randbelow(250)}.{secrets.randbelow(250)}",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        got: dict = {}

        def start_response(status, headers, exc_info=None):
            got["status"], got["headers"] = status, headers

        response = app(environ, start_response)
        content = b"".join(response)
        response.close()  # request_finished, as gunicorn does
        return got["status"], got["headers"], content

    status, headers, page = call("GET", "/aspirasi/kirim/")
    assert status.startswith("200"), status
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = next(
        v.strip().split(";", 1)[0]
        for k, v in headers
        if k == "Set-Cookie" and v.strip().startswith("csrftoken=")
    )
    run = uuid.uuid4().hex[:8]

    def post(i: int) -> str:
        client_id = f"c{run}{i:010d}"
        body = (
            f"csrfmiddlewaretoken={token}&category={category}&region={desa}"
            f"&description=Jalan+desa+rusak+berlubang+laporan+{client_id}"
            f"&reporter_phone=081234567890&visibility=anonim&website=&client_id={client_id}"
        ).encode()
        status, _, _ = call("POST", "/aspirasi/kirim/", body, cookie)
        assert status.startswith("302"), status
        return status

    for i in range(20):
        post(i)
    sql.clear()
    trips.clear()
    post(20)
    print(f"{host}: one POST sends {len(sql)} statements (BEGIN and COMMIT aside):")
    for statement in sql:
        print(f"    {statement[:100]}")
    print(f"and makes {len(trips)} round trips to Redis:")
    for trip in trips:
        print(f"    {trip[:100]!r}")

    def backend_cpu() -> tuple[int, float]:
        pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    n = opts.n
    if opts.callgrind:
        on = ["callgrind_control", "-i", "on", str(os.getpid())]
        subprocess.run(on, check=True, capture_output=True)
    pid0, pg0 = backend_cpu()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu, wall = [], []
    for i in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        post(1000 + i)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    pid1, pg1 = backend_cpu()
    if opts.callgrind:
        subprocess.run([*on[:2], "off", on[3]], check=True, capture_output=True)
    cpu.sort()
    wall.sort()
    print(
        f"{n} POSTs, per POST: CPU {(usage1.ru_utime - usage0.ru_utime) / n * 1000:.2f} ms user"
        f" + {(usage1.ru_stime - usage0.ru_stime) / n * 1000:.2f} ms system"
        f" (median {cpu[n // 2] * 1000:.2f} ms), wall median {wall[n // 2] * 1000:.2f} ms,"
        f" {(usage1.ru_nvcsw - usage0.ru_nvcsw) / n:.1f} waits;"
        f" PostgreSQL backend {(pg1 - pg0) / n * 1000:.2f} ms"
        + ("" if pid0 == pid1 else " (it reconnected: not comparable)")
    )


if __name__ == "__main__":
    main()
