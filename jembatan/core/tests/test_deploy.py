"""deploy/ for real servers (docs/deploy.md): the TLS site for the distribution's nginx,
rendered and run in front of a live server; the systemd units and the environment file
they load; rotating SECRET_KEY with SECRET_KEY_FALLBACKS."""

from __future__ import annotations

import datetime
import getpass
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jembatan.core.management.commands.nginx_conf import SHARED, render, render_site
from jembatan.core.tests.nginx_proxy import NGINX, free_port, live_upstream
from jembatan.core.tests.test_settings import (
    assert_one_line_config_error,
    production_env,
    run_manage,
    settings_variables,
)
from jembatan.testing.factories import UserFactory

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "jembatan.env.example"
DEPLOY_DOC = REPO / "docs" / "deploy.md"
# The layout docs/deploy.md describes and the units expect.
APP_DIR = "/srv/jembatan/app"
VENV_BIN = "/srv/jembatan/venv/bin/"
ENV_FILE = "/etc/jembatan/jembatan.env"
HSTS = "max-age=31536000; includeSubDomains"


# --- The TLS site ------------------------------------------------------------------


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for ``name`` and its key: certbot's files cannot be had here."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def main_conf(var: Path, site: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf does around sites-enabled/, in a directory."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (var / f"nginx-{name}").mkdir(exist_ok=True)
    conf = var / "nginx.conf"
    kinds = ("proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"  {n}_temp_path {var}/nginx-{n};\n" for n in kinds)
    conf.write_text(
        f"user {getpass.getuser()};\npid {var}/nginx.pid;\n"
        f"error_log {var}/error.log warn;\ndaemon off;\n"
        "events { worker_connections 64; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"{temp}  client_body_temp_path {var}/nginx-body;\n  include {site};\n}}\n"
    )
    return conf


def nginx_test(conf: Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )


def get(url: str, **headers: str):
    """status, headers and body over HTTP or HTTPS (the test certificate is not checked);
    redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def tls_site(live_server, settings, tmp_path):
    """The real site (deploy/nginx-site.conf.template) with a self-signed certificate, in
    front of the live server and an app server that is down."""
    settings.STATIC_ROOT = tmp_path / "static"
    css = settings.STATIC_ROOT / "css" / "site.0123456789ab.css"
    css.parent.mkdir(parents=True)
    css.write_bytes(b"body { color: #123; }\n")
    acme = tmp_path / "acme"
    challenge = acme / ".well-known" / "acme-challenge" / "tok3n"
    challenge.parent.mkdir(parents=True)
    challenge.write_text("tok3n.proof")
    cert, key = self_signed(tmp_path, "localhost")
    http_port, https_port = free_port(), free_port()
    site = tmp_path / "jembatan.conf"
    site.write_text(
        render_site(
            server_names=["localhost"],
            upstreams=[f"127.0.0.1:{free_port()}", live_upstream(live_server)],
            certificate=str(cert),
            certificate_key=str(key),
            cache_dir=str(tmp_path / "cache"),
            acme_root=str(acme),
            http_port=http_port,
            https_port=https_port,
        )
    )
    conf = main_conf(tmp_path, site)
    check = nginx_test(conf, tmp_path)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)])
    try:
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://localhost:{http_port}", f"https://localhost:{https_port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_tls_site_redirects_serves_the_challenge_and_proxies_with_hsts(tls_site):
    http, https = tls_site
    # Plain HTTP: certbot's challenge files, everything else to HTTPS (port kept).
    status, headers, body = get(f"{http}/.well-known/acme-challenge/tok3n")
    assert status == 200 and body == b"tok3n.proof"
    status, headers, _ = get(f"{http}/berita/?halaman=2")
    assert status == 301
    assert headers["Location"] == f"{https}/berita/?halaman=2"
    # HTTPS: the app's pages through the shared proxy part (one app server is down).
    for _ in range(3):
        status, headers, page = get(f"{https}/")
        assert status == 200 and b"Jembatan" in page
        assert "X-Cache-Status" in headers
    # Static files from nginx, with HSTS (the app is not asked).
    status, headers, body = get(f"{https}/static/css/site.0123456789ab.css")
    assert status == 200 and body.startswith(b"body")
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # /metrics is never served from outside, whatever token is sent.
    status, headers, _ = get(f"{https}/metrics", Authorization="Bearer anything")
    assert status == 404 and headers["Strict-Transport-Security"] == HSTS


def test_nginx_accepts_the_site_with_certbots_paths_and_refuses_bad_values(tmp_path):
    text = render_site(
        server_names=["kim.example.go.id", "www.kim.example.go.id"],
        upstreams=["10.0.0.11:8001", "10.0.0.12:8001"],
    )
    assert "ssl_certificate /etc/letsencrypt/live/kim.example.go.id/fullchain.pem;" in text
    assert "ssl_certificate_key /etc/letsencrypt/live/kim.example.go.id/privkey.pem;" in text
    assert "server_name kim.example.go.id www.kim.example.go.id;" in text
    assert "return 301 https://$host$request_uri;" in text
    assert "server 10.0.0.12:8001 max_fails=3" in text
    assert "@" not in text.replace("$", "")
    # nginx -t with the certbot paths swapped for files that exist here.
    cert, key = self_signed(tmp_path, "kim.example.go.id")
    live = "/etc/letsencrypt/live/kim.example.go.id"
    site = tmp_path / "jembatan.conf"
    site.write_text(
        text.replace(f"{live}/fullchain.pem", str(cert))
        .replace(f"{live}/privkey.pem", str(key))
        .replace("/var/cache/nginx/jembatan", str(tmp_path / "cache"))
    )
    check = nginx_test(main_conf(tmp_path, site), tmp_path)
    assert check.returncode == 0, check.stderr
    with pytest.raises(ValueError, match="server-name"):
        render_site(server_names=["kim example"], upstreams=["10.0.0.11:8001"])
    with pytest.raises(ValueError, match="absolute path"):
        render_site(
            server_names=["kim.example.go.id"], upstreams=["10.0.0.11:8001"], certificate="x.pem"
        )
    with pytest.raises(CommandError, match="server-name"):
        call_command("nginx_conf", site=True, output=str(tmp_path / "x.conf"))


def test_the_profile_and_the_site_share_one_proxy_part(tmp_path):
    """Both configurations paste the same parts (deploy/nginx/): neither template holds a
    copy of its own that could drift."""
    profile = render(listen="127.0.0.1:8080", upstreams=["127.0.0.1:8001"], var_dir=tmp_path)
    site = render_site(server_names=["kim.example.go.id"], upstreams=["127.0.0.1:8001"])
    for template in (DEPLOY / "nginx.conf.template", DEPLOY / "nginx-site.conf.template"):
        own = [
            line.strip()
            for line in template.read_text().splitlines()
            if not line.lstrip().startswith("#")
        ]
        for directive in ("proxy_cache_path ", "proxy_pass ", "location /static/", "upstream "):
            assert not [line for line in own if line.startswith(directive)], template.name
    profile_lines = {line.strip() for line in profile.splitlines()}
    site_lines = {line.strip() for line in site.splitlines()}
    for part in SHARED.values():
        lines = [
            line.strip()
            for line in part.read_text().split("\n\n", 1)[1].splitlines()
            if line.strip() and "@" not in line
        ]
        assert len(lines) > 20
        assert not [line for line in lines if line not in profile_lines], "profile"
        assert not [line for line in lines if line not in site_lines], "site"


# --- systemd units and the environment file -----------------------------------------


def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as {section: [(key, value), ...]} (systemd allows a key more than once,
    which configparser refuses)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not key=value: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), line
            assert name not in pairs, f"{name} twice"
            # Read alike by systemd and by a shell (`set -a; . jembatan.env`): a value with
            # spaces or < > is quoted.
            if value.startswith('"'):
                assert value.endswith('"') and '"' not in value[1:-1], line
                value = value[1:-1]
            else:
                assert not re.search(r"[\s<>;&|'`$]", value), f"quote it: {line}"
            pairs[name] = value
    return pairs


def unit_variables() -> set[str]:
    found = set()
    for path in UNITS.iterdir():
        found |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", path.read_text()))
    return found


def test_the_units_parse_and_follow_the_layout():
    services = sorted(UNITS.glob("*.service"))
    timers = sorted(UNITS.glob("*.timer"))
    names = {p.name for p in services}
    assert {"jembatan-app@.service", "jembatan-consumer.service"} <= names
    assert {p.name for p in timers} >= {"jembatan-backup.timer", "jembatan-clearsessions.timer"}
    for path in services:
        unit = read_unit(path)
        service = dict(unit["Service"])
        assert service["User"] == "jembatan" and service["Group"] == "jembatan", path.name
        assert service["WorkingDirectory"] == APP_DIR, path.name
        assert values(unit, "Service", "EnvironmentFile") == [ENV_FILE], path.name
        for key, expected in {
            "NoNewPrivileges": "yes",
            "ProtectSystem": "strict",
            "ProtectHome": "yes",
            "PrivateTmp": "yes",
            "CapabilityBoundingSet": "",
            "SystemCallFilter": "@system-service",
            "ProtectProc": "invisible",
            "RemoveIPC": "yes",
            "PrivateMounts": "yes",
        }.items():
            assert service.get(key) == expected, (path.name, key)
        assert service["StateDirectory"] == "jembatan", path.name
        (start,) = values(unit, "Service", "ExecStart")
        assert start.startswith(VENV_BIN), (path.name, start)
        command = start.split()
        if command[0].endswith("/python"):
            assert command[1] == "manage.py"
            assert (REPO / "manage.py").is_file()
            assert command[2] in get_commands(), command[2]
        else:
            assert command[0] == f"{VENV_BIN}gunicorn" and "jembatan.wsgi" in command
            assert "python:jembatan.core.gunicorn" in command
        extras = values(unit, "Service", "ExecStartPost") + values(unit, "Service", "ExecReload")
        for extra in extras:
            assert Path(extra.split()[0]).is_absolute(), (path.name, extra)
        if service["Type"] != "oneshot":
            assert service["Restart"] == "always", path.name
            assert values(unit, "Install", "WantedBy") == ["jembatan.target"], path.name
    app = read_unit(UNITS / "jembatan-app@.service")
    assert values(app, "Service", "ExecReload") == ["/bin/kill -s HUP $MAINPID"]
    assert "%i" in values(app, "Service", "ExecStart")[0]  # the port is the instance
    for path in timers:
        timer = read_unit(path)
        assert (UNITS / path.name.replace(".timer", ".service")).is_file(), path.name
        assert values(timer, "Timer", "OnCalendar")
        assert values(timer, "Timer", "Persistent") == ["true"]  # a missed run is made up
        assert values(timer, "Install", "WantedBy") == ["timers.target"]
    # The layout the units expect is the one the guide sets up.
    guide = DEPLOY_DOC.read_text()
    layout = (APP_DIR, VENV_BIN.rstrip("/"), ENV_FILE, "/var/lib/jembatan", "/var/backups/jembatan")
    for path in layout:
        assert path in guide, path
    for path in [*services, *timers, UNITS / "jembatan.target"]:
        assert path.name in guide, path.name


def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify, in a root laid out as docs/deploy.md says (no systemd is
    running here, and the units must not be installed on this machine)."""
    analyze = shutil.which("systemd-analyze")
    system = Path("/usr/lib/systemd/system")
    if analyze is None or not (system / "sysinit.target").exists():
        pytest.skip("systemd-analyze is not installed (the unit checks above still ran)")
    root = tmp_path / "root"
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree(system, root / "usr/lib/systemd/system", symlinks=True)
    for binary in (f"{VENV_BIN}gunicorn", f"{VENV_BIN}python", "/bin/kill", "/usr/bin/find"):
        target = root / binary.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("#!/bin/sh\n")
        target.chmod(0o755)
    (root / APP_DIR.lstrip("/")).mkdir(parents=True)
    (root / ENV_FILE.lstrip("/")).parent.mkdir(parents=True)
    shutil.copy(ENV_EXAMPLE, root / ENV_FILE.lstrip("/"))
    shutil.copytree(UNITS, root / "etc/systemd/system")
    units = [p.name for p in UNITS.iterdir() if not p.name.endswith("@.service")]
    result = subprocess.run(
        [analyze, "verify", f"--root={root}", "jembatan-app@8001.service", *units],
        capture_output=True,
        text=True,
        check=False,
        cwd=root / "etc/systemd/system",
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_env_example_defines_what_the_units_use_and_the_settings_read():
    defined = set(env_example())
    used_by_units = unit_variables()
    assert used_by_units and used_by_units <= defined, used_by_units - defined
    read = settings_variables()
    unknown = defined - read - used_by_units
    assert not unknown, f"set in the env example but read by nothing: {sorted(unknown)}"
    # What every install must set, and the rotation variable.
    required = {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    required |= {"S3_BUCKET", "METRICS_TOKEN", "PROXY_COUNT", "SENTRY_DSN", "JEMBATAN_VAR_DIR"}
    assert required <= defined, required - defined


def filled_in(example: dict[str, str]) -> dict[str, str]:
    """The example with every change-me placeholder replaced, as section 5 says to."""
    secret = "s" * 60
    return {
        name: value.replace("change-me", secret) if "change-me" in value else value
        for name, value in example.items()
    }


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_the_settings_accept_the_env_example(tmp_path):
    """Its values, the secrets filled in, are a configuration the production settings start
    with; left as they stand, the first placeholder stops them (test below)."""
    example = filled_in(env_example())
    assert not [value for value in example.values() if "change-me" in value]
    var = tmp_path / "var"
    overrides = {
        **example,
        "JEMBATAN_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "PPID_PRIVATE_ROOT": str(var / "private"),
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.PROXY_COUNT, s.STORAGES['default']['BACKEND'], s.SECRET_KEY_FALLBACKS)"
    )
    result = run_manage(production_env(tmp_path, **overrides), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False 1 storages.backends.s3.S3Storage []"


# --- Rotating SECRET_KEY -----------------------------------------------------------------

OLD_KEY = "old-" + "k" * 60
NEW_KEY = "new-" + "n" * 60


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_secret_key_fallbacks_from_the_environment(tmp_path):
    fallbacks = f"{OLD_KEY},{'o' * 55}"
    code = "from django.conf import settings as s; print(s.SECRET_KEY_FALLBACKS)"
    result = run_manage(
        production_env(tmp_path, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=fallbacks),
        "shell",
        "-c",
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str([OLD_KEY, "o" * 55])
    short = run_manage(production_env(tmp_path, SECRET_KEY_FALLBACKS=f"{OLD_KEY},short"), "check")
    assert short.returncode == 2 and "SECRET_KEY_FALLBACKS" in short.stderr
    assert "short" not in short.stderr  # a secret is never echoed


@pytest.mark.django_db
def test_a_rotated_key_keeps_sessions_and_reset_links_valid_through_its_fallback(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    user = UserFactory()
    active, away = Client(), Client()
    active.force_login(user)
    away.force_login(user)
    page = reverse("accounts:two_factor")
    assert active.get(page).status_code == 200 and away.get(page).status_code == 200
    token = default_token_generator.make_token(user)
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )

    # The new key, the old one as fallback: still signed in, the mailed link still works.
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert active.get(page).status_code == 200  # Django re-signs the session: new key
    answer = Client().get(link)
    assert answer.status_code == 302 and "set-password" in answer["Location"]

    # The old key dropped: a session used meanwhile stays; one signed only with the old key
    # and the link made with it are no longer valid (why a fallback stays 12 hours or more).
    settings.SECRET_KEY_FALLBACKS = []
    assert active.get(page).status_code == 200
    signed_out = away.get(page)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:login"))
    assert Client().get(link).context["validlink"] is False


# --- What an administrator following docs/deploy.md ran into -------------------------


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_the_env_example_as_it_stands_is_refused(tmp_path):
    """A forgotten placeholder is a publicly known secret: never a running install."""
    example = env_example()
    var = tmp_path / "var"
    overrides = {**example, "JEMBATAN_VAR_DIR": str(var), "STATIC_ROOT": str(var / "static")}
    line = assert_one_line_config_error(
        run_manage(production_env(tmp_path, **overrides), "check", "--deploy")
    )
    assert "SECRET_KEY" in line and example["SECRET_KEY"] not in line


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("SECRET_KEY", "change-me-" + "x" * 50, "SECRET_KEY"),
        ("SECRET_KEY_FALLBACKS", "o" * 55 + ",Change-Me-" + "y" * 50, "SECRET_KEY_FALLBACKS"),
        ("METRICS_TOKEN", "change-me-to-a-long-random-token", "METRICS_TOKEN"),
        ("DATABASE_URL", "postgres://jembatan:change-me@10.0.0.10:5432/j", "DATABASE_URL"),
        ("REDIS_URL", "redis://:change-me@10.0.0.10:6379/0", "REDIS_URL"),
        ("S3_SECRET_ACCESS_KEY", "change-me-too", "S3_SECRET_ACCESS_KEY"),
    ],
)
def test_a_placeholder_secret_stops_production_with_one_line(tmp_path, name, value, shown):
    result = run_manage(production_env(tmp_path, **{name: value}), "check")
    line = assert_one_line_config_error(result)
    assert shown in line and "placeholder" in line
    assert value not in result.stderr and "x" * 20 not in line and "y" * 20 not in line


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_a_placeholder_is_accepted_for_development(tmp_path):
    env = production_env(tmp_path, DEBUG="1", METRICS_TOKEN="change-me-to-a-long-random-token")
    result = run_manage(env, "shell", "-c", "from django.conf import settings as s; print(1)")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_probes_answer_by_the_app_servers_address_and_pages_do_not(client, settings):
    """Load balancers and Prometheus ask http://10.0.0.11:8001/...: /healthz, /readyz and
    /metrics answer whatever the Host (they write no link); every other path still meets
    ALLOWED_HOSTS, so no tenant page is served under a bare address."""
    settings.ALLOWED_HOSTS = ["kim.example.go.id"]
    settings.METRICS_TOKEN = token = "m" * 40
    address = {"HTTP_HOST": "10.0.0.11:8001"}
    health = client.get("/healthz", **address)
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in health["Cache-Control"] and health["X-Content-Type-Options"] == "nosniff"
    # The bearer token is still required.
    assert client.get("/readyz", **address).status_code == 404
    assert client.get("/metrics", **address).status_code == 404
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}", **address}
    ready = client.get("/readyz", **bearer)
    assert ready.status_code in (200, 503) and "checks" in ready.json()
    metrics = client.get("/metrics", **bearer)
    assert metrics.status_code == 200 and b"# TYPE" in metrics.content
    # Anything else by the address: refused as before, nothing of a tenant in it.
    for path in ("/", "/healthz/", "/readyz/x", "/akun/masuk/"):
        refused = client.get(path, **address)
        assert refused.status_code == 400, path
        assert b"kim.example.go.id" not in refused.content
    # By a served host name the probes answer as before.
    assert client.get("/healthz", HTTP_HOST="kim.example.go.id").json()["status"] == "ok"


def test_the_guide_shows_what_healthz_answers(db, client):
    answer = client.get("/healthz")
    assert json.dumps(answer.json()) in DEPLOY_DOC.read_text()


def test_the_media_location_is_rendered_only_for_local_uploads(settings, tmp_path):
    settings.S3_BUCKET = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    local = render_site(server_names=["kim.example.go.id"], upstreams=["10.0.0.11:8001"])
    assert "location /media/ {" in local and f"alias {tmp_path}/media/;" in local
    profile = render(listen="127.0.0.1:8080", upstreams=["127.0.0.1:8001"], var_dir=tmp_path)
    assert "location /media/ {" in profile
    settings.S3_BUCKET = "jembatan-media"
    for bucket in (
        render_site(server_names=["kim.example.go.id"], upstreams=["10.0.0.11:8001"]),
        render(listen="127.0.0.1:8080", upstreams=["127.0.0.1:8001"], var_dir=tmp_path),
    ):
        assert "/media/" not in bucket.replace("static and media files", "")
        assert str(tmp_path / "media") not in bucket and "@" not in bucket.replace("@8", "")
        assert "location /static/ {" in bucket and "location = /metrics {" in bucket


@pytest.mark.once  # gunicorn's configuration only, no database
def test_gunicorn_opens_no_control_socket(monkeypatch):
    """Two app servers on one host would otherwise share $HOME/.gunicorn/gunicorn.ctl.

    gunicorn's own command line and configuration loading, run here: the configuration it
    prints with --print-config (which then also loads the Django app, at the cost of a
    second Django start that tests nothing here)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    command = ["gunicorn", "--print-config", "-c", "python:jembatan.core.gunicorn"]
    monkeypatch.setattr(sys, "argv", [*command, "jembatan.wsgi"])
    monkeypatch.setattr(sys, "path", list(sys.path))  # gunicorn puts its directory first
    monkeypatch.chdir(REPO)  # and changes to it: back after the test
    printed = str(WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").cfg)
    settings_lines = dict(
        re.split(r"\s+=\s*", line.strip(), maxsplit=1)
        for line in printed.splitlines()
        if " = " in line
    )
    assert settings_lines["config"] == "python:jembatan.core.gunicorn"
    assert settings_lines["control_socket_disable"] == "True"


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_gunicorn_stops_on_a_placeholder_secret_with_one_clear_line(tmp_path):
    """A worker that cannot boot for its configuration stops the master (gunicorn's boot
    error) instead of starting one failing worker after another."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    placeholder = "change-me-to-a-long-random-string-of-at-least-fifty-characters"
    bind = f"127.0.0.1:{free_port()}"
    result = subprocess.run(
        [str(gunicorn), "jembatan.wsgi", "-c", "python:jembatan.core.gunicorn", "--bind", bind],
        cwd=REPO,
        env={**production_env(tmp_path, SECRET_KEY=placeholder), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    assert errors == [
        "Configuration error: SECRET_KEY still holds the example's placeholder "
        "(change-me...); set a real secret."
    ]
    assert placeholder not in result.stderr
