"""Authorization matrix: every URL pattern, every role, tenant A's object and tenant B's.

The expected statuses live in matrix_table.py. A URL pattern added later without an
entry there fails test_every_pattern_has_an_entry, so the matrix stays complete.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache

from jembatan.accounts.models import AuditLog
from jembatan.core.tests.security.matrix_table import EXPECTED
from jembatan.core.tests.security.urlmap import all_patterns, url_for
from jembatan.core.tests.security.world import ROLES

pytestmark = [pytest.mark.django_db]

DENIED = {"302L", "403", "404", "405"}
TENANT_A_ROLES = ["member", "ketua", "kab_admin", "opd", "camat"]


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


def test_every_pattern_has_an_entry():
    patterns = set(all_patterns())
    missing = sorted(patterns - set(EXPECTED))
    stale = sorted(set(EXPECTED) - patterns)
    assert not missing, f"URL patterns without an authorization entry: {missing}"
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


def _tenant_urls(world, name: str, route: str) -> tuple[str, str] | None:
    """A's and B's URL, when the pattern names a tenant's object (B's URL differs)."""
    url_a, url_b = (url_for(name, route, world.args[t]) for t in ("a", "b"))
    return (url_a, url_b) if url_a != url_b else None


def test_no_tenant_a_role_may_open_tenant_b_workspace_pages(world):
    """The table itself: B's objects under /kelola/ are closed to every role of A."""
    routes = all_patterns()
    for name, (_, row_b) in EXPECTED.items():
        route = routes.get(name, "")
        if not route.startswith("kelola/") or not _tenant_urls(world, name, route):
            continue
        codes = dict(zip(ROLES, row_b.split(), strict=True))
        for role in [*TENANT_A_ROLES, "outsider", "anonymous"]:
            assert codes[role] in DENIED, (name, role, codes[role])


def test_matrix(world):
    clients = {role: world.client(role) for role in ROLES}
    failures = []
    for name, route in sorted(all_patterns().items()):
        expected_a, expected_b = EXPECTED[name]
        tenants = [("a", expected_a)]
        if _tenant_urls(world, name, route):  # (otherwise B's URL is A's)
            tenants.append(("b", expected_b))
        for tenant, expected in tenants:
            url = url_for(name, route, world.args[tenant])
            cache.clear()  # rate limits and throttles are tested elsewhere
            responses = [clients[role].get(url) for role in ROLES]
            got = " ".join(status_code(r) for r in responses)
            for response in responses:
                failures.extend(f"{name}: {e}" for e in header_errors(response))
            if got != expected:
                failures.append(f"{name} [{tenant}] {url}\n  expected {expected}\n  got      {got}")
    assert not failures, "\n".join(failures)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "accounts",
            "communities",
            "kimsites",
            "dissemination",
            "aspirations",
            "disclosure",
            "literacy",
            "dialogue",
            "api",
        }
        and model is not AuditLog
    }


def test_posts_to_another_tenants_objects_are_refused_and_change_nothing(world):
    """Every state-changing workspace URL of tenant B, posted by every role of tenant A."""
    clients = {role: world.client(role) for role in TENANT_A_ROLES}
    before, audit_before = _row_counts(), AuditLog.objects.count()
    failures = []
    tried = 0
    for name, route in sorted(all_patterns().items()):
        urls = _tenant_urls(world, name, route) if route.startswith("kelola/") else None
        if urls is None:
            continue
        url = urls[1]
        for role, client in clients.items():
            cache.clear()
            response = client.post(url, {"action": "publish", "status": "published"})
            tried += 1
            # (405: the view takes no POST at all)
            if response.status_code not in (403, 404, 405):
                failures.append(f"{name} {role} {url}: {response.status_code}")
    assert tried > 100
    assert not failures, "\n".join(failures)
    assert AuditLog.objects.count() == audit_before
    assert _row_counts() == before
