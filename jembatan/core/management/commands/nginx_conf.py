"""Render the nginx configuration: deploy/nginx.conf.template, the whole nginx.conf of the
production profile (README: Production), or deploy/nginx-site.conf.template, the TLS site of
a real server (docs/deploy.md). Both paste in the same shared parts (deploy/nginx/)."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management.base import BaseCommand, CommandError

DEPLOY = Path(settings.BASE_DIR) / "deploy"
TEMPLATE = DEPLOY / "nginx.conf.template"
SITE_TEMPLATE = DEPLOY / "nginx-site.conf.template"
# The parts both templates share (the microcache, its maps, the app servers, the locations).
SHARED = {
    "HTTP_SHARED": DEPLOY / "nginx" / "http.conf.in",
    "SERVER_SHARED": DEPLOY / "nginx" / "server.conf.in",
}
UPSTREAM = re.compile(r"^[A-Za-z0-9.\-]+:\d{1,5}$")
SERVER_NAME = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'


def _cookie(name: str) -> str:
    # nginx reads a cookie as $cookie_<name>: a name it cannot spell would silently never
    # match, and a visitor with a session could then be served a shared page.
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"nginx cannot read the cookie {name!r}: rename it (letters, digits, _).")
    return name


def _path(value: str | Path, what: str) -> str:
    text = str(value)
    if not text.startswith("/") or re.search(r"[\s;{}'\"$]", text):
        raise ValueError(f"{what} must be an absolute path without spaces or ;{{}}$: {text!r}.")
    return text


def _paste(text: str, name: str, part: str) -> str:
    """Put a shared part where the template's line says @NAME@, at that line's indent."""

    def indented(match: re.Match[str]) -> str:
        indent = match.group(1)
        # Without its opening comment, which says where the part is pasted.
        lines = part.split("\n\n", 1)[1].rstrip("\n").splitlines()
        return "\n".join(indent + line if line.strip() else "" for line in lines)

    return re.sub(rf"^([ \t]*)@{name}@[ \t]*$", indented, text, flags=re.MULTILINE)


LOCAL_MEDIA = re.compile(
    r"^[ \t]*@LOCAL_MEDIA_BEGIN@\n(.*?)^[ \t]*@LOCAL_MEDIA_END@\n", re.S | re.M
)


def _local_media(text: str) -> str:
    """The /media/ location only when uploads are in MEDIA_ROOT: with a bucket (S3_BUCKET)
    their links go to the bucket, and an alias to a directory nobody writes is dead config."""
    keep = not settings.S3_BUCKET
    return LOCAL_MEDIA.sub(lambda match: match.group(1) if keep else "", text)


def _fill(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for name, path in SHARED.items():
        text = _paste(text, name, path.read_text())
    text = _local_media(text)
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"Unfilled placeholders in the template: {sorted(set(left))}.")
    return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)


def _language(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", code):
        raise ValueError(f"Not a language code nginx can match: {code!r}.")
    return code


def _shared_values(upstreams: list[str], cache_dir: str) -> dict[str, str]:
    bad = [u for u in upstreams if not UPSTREAM.match(u)]
    if not upstreams or bad:
        raise ValueError(f"Each --upstream must be HOST:PORT (got {bad or 'none'}).")
    return {
        "CACHE_DIR": cache_dir,
        # The largest upload the app takes (a training video) plus room for the form.
        "MAX_BODY_MB": str(settings.LITERACY_MAX_VIDEO_BYTES // (1024 * 1024) + 10),
        "UPSTREAMS": " ".join(f"server {u} max_fails=3 fail_timeout=5s;" for u in upstreams),
        "STATIC_ROOT": _path(Path(settings.STATIC_ROOT).resolve(), "STATIC_ROOT"),
        "MEDIA_ROOT": _path(Path(settings.MEDIA_ROOT).resolve(), "MEDIA_ROOT"),
        # The cookies that keep a visitor out of the shared page cache, and the language's.
        "SESSION_COOKIE": _cookie(settings.SESSION_COOKIE_NAME),
        "MESSAGES_COOKIE": _cookie(CookieStorage.cookie_name),
        "LANGUAGE_COOKIE": _cookie(settings.LANGUAGE_COOKIE_NAME),
        # The languages a page is written in, each its own copy; anything else is the
        # default's (jembatan.core.middleware.request_language).
        "LANGUAGE_CODE": _language(settings.LANGUAGE_CODE),
        "LANGUAGES": " ".join(f"{_language(code)} {code};" for code, _name in settings.LANGUAGES),
    }


def render(
    *,
    listen: str,
    upstreams: list[str],
    var_dir: Path,
    user: str | None = None,
    mime_types: str = "/etc/nginx/mime.types",
) -> str:
    """The whole nginx.conf of the production profile (plain HTTP, everything in var_dir)."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--listen must be HOST:PORT, not {listen!r}.")
    user = user or getpass.getuser()
    if not re.fullmatch(r"[a-z_][a-z0-9_-]*", user):
        raise ValueError(f"Not a user name: {user!r}.")
    values = _shared_values(upstreams, f"{var_dir}/nginx-cache")
    values |= {
        "USER": user,
        "VAR": str(var_dir),
        "MIME_TYPES": mime_types,
        "HOST": host,
        "PORT": port,
        # Plain HTTP here: no HSTS.
        "TLS_HEADERS": "",
    }
    return _fill(TEMPLATE, values)


def render_site(
    *,
    server_names: list[str],
    upstreams: list[str],
    certificate: str | None = None,
    certificate_key: str | None = None,
    cache_dir: str = "/var/cache/nginx/jembatan",
    acme_root: str = "/var/www/letsencrypt",
    http_port: int = 80,
    https_port: int = 443,
) -> str:
    """The TLS site for the distribution's nginx (deploy/nginx-site.conf.template).

    Without --certificate, certbot's paths for the first server name
    (/etc/letsencrypt/live/NAME/fullchain.pem and privkey.pem).
    """
    names = [name.lower() for name in server_names]
    bad = [name for name in names if not SERVER_NAME.match(name)]
    if not names or bad:
        raise ValueError(f"Each --server-name must be a host name (got {bad or 'none'}).")
    for port in (http_port, https_port):
        if not 0 < port < 65536:
            raise ValueError(f"Not a port: {port}.")
    live = f"/etc/letsencrypt/live/{names[0].removeprefix('*.')}"
    values = _shared_values(upstreams, _path(cache_dir, "--cache-dir"))
    values |= {
        "SERVER_NAMES": " ".join(names),
        "CERTIFICATE": _path(certificate or f"{live}/fullchain.pem", "--certificate"),
        "CERTIFICATE_KEY": _path(certificate_key or f"{live}/privkey.pem", "--certificate-key"),
        "ACME_ROOT": _path(acme_root, "--acme-root"),
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        "HTTPS_PORT_SUFFIX": "" if https_port == 443 else f":{https_port}",
        "TLS_HEADERS": HSTS,
    }
    return _fill(SITE_TEMPLATE, values)


class Command(BaseCommand):
    help = (
        "Write the nginx configuration: the production profile's whole nginx.conf "
        "(deploy/nginx.conf.template), or with --site the TLS site for a real server "
        "(deploy/nginx-site.conf.template, docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="127.0.0.1:8080", help="HOST:PORT nginx listens on")
        parser.add_argument(
            "--upstream",
            action="append",
            default=[],
            help="an app server HOST:PORT (repeat for each; default 127.0.0.1:8001 and :8002)",
        )
        parser.add_argument("--var", help="nginx's pid, logs and temp files (default var/)")
        parser.add_argument(
            "--user",
            help="the user nginx workers run as (default: the current user; e.g. www-data)",
        )
        parser.add_argument("--output", help="file to write (default: standard output)")
        site = parser.add_argument_group("the TLS site of a real server (--site)")
        site.add_argument("--site", action="store_true", help="render the TLS site instead")
        site.add_argument(
            "--server-name",
            action="append",
            default=[],
            help="a host name the site answers on (repeat for each tenant's and KIM's host)",
        )
        site.add_argument("--certificate", help="default: certbot's fullchain.pem")
        site.add_argument("--certificate-key", help="default: certbot's privkey.pem")
        site.add_argument("--cache-dir", default="/var/cache/nginx/jembatan")
        site.add_argument("--acme-root", default="/var/www/letsencrypt")
        site.add_argument("--http-port", type=int, default=80)
        site.add_argument("--https-port", type=int, default=443)

    def handle(self, *args, **options):
        upstreams = options["upstream"] or ["127.0.0.1:8001", "127.0.0.1:8002"]
        try:
            if options["site"]:
                text = render_site(
                    server_names=options["server_name"],
                    upstreams=upstreams,
                    certificate=options["certificate"],
                    certificate_key=options["certificate_key"],
                    cache_dir=options["cache_dir"],
                    acme_root=options["acme_root"],
                    http_port=options["http_port"],
                    https_port=options["https_port"],
                )
            else:
                text = render(
                    listen=options["listen"],
                    upstreams=upstreams,
                    var_dir=Path(options["var"] or settings.VAR_DIR).resolve(),
                    user=options["user"],
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["output"]:
            Path(options["output"]).write_text(text)
            self.stdout.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text, ending="")
