"""Article page weight and throughput on a production-like server.

    .venv/bin/python bench/site.py [--seconds 10] [--connections 32] [--workers 4]

Starts gunicorn with production settings (DEBUG off, compressed hashed static files,
the anonymous page cache on) on a throwaway SQLite database with the Bengkayang demo
and one article, then:
- weight: the article's HTML plus every CSS and JS file it loads, gzip-compressed as
  served (goal: at most 14 KB, images aside);
- load: wrk with N connections against the article (goal: at least 2,000 req/s on
  2 cores), printing req/s, p50 and p99 latency, errors and the server's RSS.
Loopback only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, demo_site, free_port, gunicorn_command, rss_kib, run

PYTHON = sys.executable
ARTICLE_SETUP = """
from jembatan.communities.models import Kim
from jembatan.sites.services import post_create, post_transition
kim = Kim.objects.get(slug="sebalo")
ketua = kim.memberships.get(position="ketua").user
body = "".join(
    f"<p>Paragraf {i}: warga Kelurahan Sebalo bergotong royong memperbaiki jalan desa "
    "menuju posyandu, dibantu pemerintah kecamatan dan KIM setempat.</p>" for i in range(8)
)
post = post_create(actor=ketua, kim=kim, data={
    "title": "Gotong royong memperbaiki jalan menuju posyandu",
    "summary": "Warga dan KIM Sebalo memperbaiki jalan sepanjang 300 meter.",
    "body": body, "tags": "gotong royong, posyandu"})
post = post_transition(actor=ketua, post=post, action="publish")
print(post.get_absolute_url())
"""


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--path", help="load this path instead of the article (e.g. /, /kim/)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="more than 1 uses gunicorn's gthread workers (keep-alive)",
    )
    opts = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="jembatan-bench-site-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jembatan.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "JEMBATAN_VAR_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
    }
    manage = [PYTHON, "manage.py"]
    demo_site(env)
    path = run([*manage, "shell", "-c", ARTICLE_SETUP], env).strip().splitlines()[-1]

    server = subprocess.Popen(
        gunicorn_command(port, workers=opts.workers, threads=opts.threads), cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        html = fetch(base + path)
        assets = re.findall(r'(?:href|src)="(/(?:static|jsi18n)[^"]*)"', html.decode())
        assets = [a for a in assets if not a.endswith((".png", ".svg", ".ico"))]
        weights = [("HTML", len(html), len(gzip.compress(html, 6)))]
        for asset in assets:
            body = fetch(base + asset)
            name = asset.strip("/").rsplit("/", 1)[-1][:28]
            weights.append((name, len(body), len(gzip.compress(body, 6))))
        print(f"Article {path}")
        print(f"{'resource':<30}{'bytes':>9}{'gzip':>9}")
        for name, raw, packed in weights:
            print(f"{name:<30}{raw:>9}{packed:>9}")
        total = sum(p for _n, _r, p in weights)
        print(
            f"{'total':<30}{sum(r for _n, r, _p in weights):>9}{total:>9}"
            f"   goal <= 14336: {'ok' if total <= 14336 else 'MISSED'}"
        )

        target = opts.path or path
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{opts.connections}",
                f"-d{opts.seconds}s",
                "--latency",
                base + target,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
        p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        sockets = re.search(r"Socket errors: (.*)", out)
        print(
            f"\nwrk {opts.connections} connections, {opts.seconds}s, "
            f"{opts.workers} gunicorn workers"
        )
        print(f"{'req/s':>10}{'p50':>10}{'p99':>10}{'non-2xx':>10}  server RSS")
        print(
            f"{rps:>10.0f}{p50:>10}{p99:>10}{errors.group(1) if errors else '0':>10}"
            f"  {rss_kib(server.pid) / 1024:.0f} MiB"
            + (f"  socket errors: {sockets.group(1)}" if sockets else "")
        )
        print(f"goal >= 2000 req/s: {'ok' if rps >= 2000 else 'MISSED'}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
