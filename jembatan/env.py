"""Typed readers for the environment variables that configure Jembatan.

Every reader raises ConfigError with one line that names the variable and what
is wrong, so that a bad deployment fails with a message an operator can act on
instead of a traceback deep inside Django.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import dj_database_url


class ConfigError(Exception):
    """A configuration value is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] = os.environ
) -> str:
    value = environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is required but not set.")
        return default
    return value


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] = os.environ
) -> str:
    """One of ``choices`` (lower case), or a ConfigError naming them."""
    value = env_str(name, default, environ=environ).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of: {', '.join(choices)} (got {value!r}).")
    return value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}; got {value}.")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_HOST_NAME = re.compile(
    r"(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\Z"
)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def env_host_map(name: str, *, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Comma-separated "host=slug" pairs as {host: slug}; host names are lowercased.

    Unset or empty gives {}. A host may be named once; several hosts may share a slug
    (e.g. with and without "www.").
    """
    raw = environ.get(name) or ""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        host, sep, slug = (s.strip() for s in item.partition("="))
        host = host.lower().removesuffix(".")
        if not sep or not _HOST_NAME.match(host) or not _SLUG.match(slug):
            raise ConfigError(
                f"{name} must be comma-separated host=kim-slug pairs "
                f"(e.g. sebalo.kim.example.go.id=sebalo); got {item!r}."
            )
        if host in mapping:
            raise ConfigError(f"{name} names the host {host!r} more than once.")
        mapping[host] = slug
    return mapping


def env_timezone(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: the tzdata package answers "Asia" (a folder) with IsADirectoryError.
        raise ConfigError(f"{name} is not a known time zone: {value!r}.") from None
    return value


# The placeholder every secret of deploy/jembatan.env.example starts with.
PLACEHOLDER_PREFIX = "change-me"


def url_password(url: str) -> str:
    """The password of a DATABASE_URL/REDIS_URL ("" when it has none or is malformed)."""
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def refuse_placeholders(secrets: Mapping[str, str | list[str]]) -> None:
    """A ConfigError naming the first variable that still holds the example's placeholder.

    ``secrets`` maps a variable's name to its value (or values); the value is never part
    of the message.
    """
    for name, value in secrets.items():
        for item in [value] if isinstance(value, str) else value:
            if item.strip().lower().startswith(PLACEHOLDER_PREFIX):
                raise ConfigError(
                    f"{name} still holds the example's placeholder ({PLACEHOLDER_PREFIX}...); "
                    "set a real secret."
                )


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Turn DATABASE_URL into a Django DATABASES entry (SQLite or PostgreSQL only)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ConfigError(f"{name} is malformed.") from None
    scheme = parts.scheme
    if scheme not in _DB_SCHEMES:
        raise ConfigError(
            f"{name} must start with sqlite:/// or postgres://; got scheme {scheme or 'none'!r}."
        )
    if scheme != "sqlite":
        # Checked before dj-database-url, whose message for a bad port says nothing useful.
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{name} has an invalid port.") from None
        if port is not None and not 0 < port < 65536:
            raise ConfigError(f"{name} has an invalid port.")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise ConfigError(f"{name} is malformed: {exc}") from None
    if scheme == "sqlite":
        # dj-database-url turns an empty path into ":memory:": only allow that when asked for.
        if not config.get("NAME") or (parts.path in ("", "/") and parts.netloc != ":memory:"):
            raise ConfigError(f"{name} names no SQLite file; use sqlite:///path/to/db.sqlite3.")
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE avoids
            # the "database is locked" upgrade deadlock under concurrent writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    else:
        if not config.get("NAME"):
            raise ConfigError(f"{name} names no database; use postgres://user@host:5432/name.")
        # Django's backend, whose health check of a reused connection polls its socket
        # before sending SELECT 1 (jembatan.core.postgresql).
        config["ENGINE"] = "jembatan.core.postgresql"
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def parse_redis_url(url: str, *, name: str = "REDIS_URL") -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ConfigError(f"{name} is malformed.") from None
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(
            f"{name} must start with redis://, rediss:// or unix://; "
            f"got scheme {parts.scheme or 'none'!r}."
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"{name} names no host.")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{name} has an invalid port.") from None
    if port == 0:
        raise ConfigError(f"{name} has an invalid port.")
    return url
