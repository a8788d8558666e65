"""Render deploy/nginx.conf.template for this site: the reverse proxy of the production
profile (README: Production)."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management.base import BaseCommand, CommandError

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx.conf.template"
UPSTREAM = re.compile(r"^[A-Za-z0-9.\-]+:\d{1,5}$")


def _cookie(name: str) -> str:
    # nginx reads a cookie as $cookie_<name>: a name it cannot spell would silently never
    # match, and a visitor with a session could then be served a shared page.
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"nginx cannot read the cookie {name!r}: rename it (letters, digits, _).")
    return name


def _language(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", code):
        raise ValueError(f"Not a language code nginx can match: {code!r}.")
    return code


def render(
    *,
    listen: str,
    upstreams: list[str],
    var_dir: Path,
    user: str | None = None,
    mime_types: str = "/etc/nginx/mime.types",
) -> str:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--listen must be HOST:PORT, not {listen!r}.")
    bad = [u for u in upstreams if not UPSTREAM.match(u)]
    if not upstreams or bad:
        raise ValueError(f"Each --upstream must be HOST:PORT (got {bad or 'none'}).")
    user = user or getpass.getuser()
    if not re.fullmatch(r"[a-z_][a-z0-9_-]*", user):
        raise ValueError(f"Not a user name: {user!r}.")
    values = {
        "USER": user,
        "VAR": str(var_dir),
        "MIME_TYPES": mime_types,
        # The largest upload the app takes (a training video) plus room for the form.
        "MAX_BODY_MB": str(settings.LITERACY_MAX_VIDEO_BYTES // (1024 * 1024) + 10),
        "UPSTREAMS": " ".join(f"server {u} max_fails=3 fail_timeout=5s;" for u in upstreams),
        "HOST": host,
        "PORT": port,
        "STATIC_ROOT": str(Path(settings.STATIC_ROOT).resolve()),
        "MEDIA_ROOT": str(Path(settings.MEDIA_ROOT).resolve()),
        # The cookies that keep a visitor out of the shared page cache, and the language's.
        "SESSION_COOKIE": _cookie(settings.SESSION_COOKIE_NAME),
        "MESSAGES_COOKIE": _cookie(CookieStorage.cookie_name),
        "LANGUAGE_COOKIE": _cookie(settings.LANGUAGE_COOKIE_NAME),
        # The languages a page is written in, each its own copy; anything else is the
        # default's (jembatan.core.middleware.request_language).
        "LANGUAGE_CODE": _language(settings.LANGUAGE_CODE),
        "LANGUAGES": " ".join(f"{_language(code)} {code};" for code, _name in settings.LANGUAGES),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"Unfilled placeholders in the template: {sorted(set(left))}.")
    return text


class Command(BaseCommand):
    help = "Write the nginx configuration of the production profile (deploy/nginx.conf.template)."

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

    def handle(self, *args, **options):
        var_dir = Path(options["var"] or settings.VAR_DIR).resolve()
        try:
            text = render(
                listen=options["listen"],
                upstreams=options["upstream"] or ["127.0.0.1:8001", "127.0.0.1:8002"],
                var_dir=var_dir,
                user=options["user"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["output"]:
            Path(options["output"]).write_text(text)
            self.stdout.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text, ending="")
