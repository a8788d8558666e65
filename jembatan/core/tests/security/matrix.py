"""The authorization matrix's shared parts: statuses, the header policy, the shards.

The GET sweep (every URL pattern, every role, tenant A's object and tenant B's) is split
over the files test_matrix_get_<n>.py, one test per pattern, so that the suite's workers
(pytest-xdist keeps a file on one worker) share it instead of one worker taking it all.
"""

from __future__ import annotations

from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.test import Client

from jembatan.core.tests.security.matrix_table import EXPECTED
from jembatan.core.tests.security.urlmap import all_patterns, url_for
from jembatan.core.tests.security.world import ROLES, World

DENIED = {"302L", "403", "404", "405"}
TENANT_A_ROLES = ["member", "ketua", "kab_admin", "opd", "camat"]
SHARD_COUNT = 4


@memoize
def patterns() -> dict[str, str]:
    return all_patterns()


def shard(number: int) -> list[str]:
    """The pattern names swept by test_matrix_get_<number>.py (1 to SHARD_COUNT)."""
    return sorted(EXPECTED)[number - 1 :: SHARD_COUNT]


def status_code(response) -> str:
    login = "/akun/masuk/" in response.get("Location", "")
    return f"{response.status_code}{'L' if login else ''}"


def header_errors(response) -> list[str]:
    """The strict policy on every HTML page (the admin keeps Django's own, not swept)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    errors = []
    csp = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        errors.append(f"CSP {csp!r}")
    if "frame-ancestors 'none'" not in csp and response.get("X-Frame-Options") != "DENY":
        errors.append("framing allowed")
    if response.get("X-Content-Type-Options") != "nosniff":
        errors.append("no nosniff")
    if not response.get("Referrer-Policy"):
        errors.append("no Referrer-Policy")
    if not response.get("Permissions-Policy"):
        errors.append("no Permissions-Policy")
    return errors


def tenant_urls(world: World, name: str, route: str) -> tuple[str, str] | None:
    """A's and B's URL, when the pattern names a tenant's object (B's URL differs)."""
    url_a, url_b = (url_for(name, route, world.args[t]) for t in ("a", "b"))
    return (url_a, url_b) if url_a != url_b else None


def signed_in_sessions(world: World) -> dict[str, str | None]:
    """Every role's session key (second factor given), made once with the shared world."""
    cookie = settings.SESSION_COOKIE_NAME
    keys: dict[str, str | None] = {}
    for role in ROLES:
        morsel = world.client(role).cookies.get(cookie)
        keys[role] = morsel.value if morsel else None
    return keys


def clients_with(sessions: dict[str, str | None]) -> dict[str, Client]:
    """A fresh client per role carrying its session: no cookie, state or redirect of one
    test's requests reaches the next (the session rows are rolled back to the world's)."""
    clients = {}
    for role, key in sessions.items():
        client = Client()
        if key:
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        clients[role] = client
    return clients


def sweep_get(world: World, clients: dict[str, Client], name: str) -> list[str]:
    """GET the pattern's URL for A (and B's when it differs) as every role."""
    route = patterns()[name]
    expected_a, expected_b = EXPECTED[name]
    tenants = [("a", expected_a)]
    if tenant_urls(world, name, route):  # (otherwise B's URL is A's)
        tenants.append(("b", expected_b))
    failures = []
    for tenant, expected in tenants:
        url = url_for(name, route, world.args[tenant])
        cache.clear()  # rate limits and throttles are tested elsewhere
        responses = [clients[role].get(url) for role in ROLES]
        got = " ".join(status_code(r) for r in responses)
        for response in responses:
            failures.extend(f"{name}: {e}" for e in header_errors(response))
        if got != expected:
            failures.append(f"{name} [{tenant}] {url}\n  expected {expected}\n  got      {got}")
    return failures
