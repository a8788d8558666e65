"""Authorization matrix: every URL pattern, every role, tenant A's object and tenant B's.

The expected statuses live in matrix_table.py. A URL pattern added later without an
entry there fails test_every_pattern_has_an_entry, so the matrix stays complete. The GET
sweep itself is in test_matrix_get_<n>.py (one test per pattern, split over files so that
the suite's workers share it); this file holds the table's own checks and the POST sweep.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache

from jembatan.accounts.models import AuditLog
from jembatan.core.tests.security.matrix import (
    DENIED,
    SHARD_COUNT,
    TENANT_A_ROLES,
    shard,
    tenant_urls,
)
from jembatan.core.tests.security.matrix_table import EXPECTED
from jembatan.core.tests.security.urlmap import all_patterns
from jembatan.core.tests.security.world import ROLES

pytestmark = [pytest.mark.django_db]


def test_every_pattern_has_an_entry():
    patterns = set(all_patterns())
    missing = sorted(patterns - set(EXPECTED))
    stale = sorted(set(EXPECTED) - patterns)
    assert not missing, f"URL patterns without an authorization entry: {missing}"
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


def test_the_get_sweep_covers_every_entry_once():
    swept = [name for number in range(1, SHARD_COUNT + 1) for name in shard(number)]
    assert len(swept) == len(set(swept))
    assert set(swept) == set(EXPECTED)


def test_no_tenant_a_role_may_open_tenant_b_workspace_pages(world):
    """The table itself: B's objects under /kelola/ are closed to every role of A."""
    routes = all_patterns()
    for name, (_, row_b) in EXPECTED.items():
        route = routes.get(name, "")
        if not route.startswith("kelola/") or not tenant_urls(world, name, route):
            continue
        codes = dict(zip(ROLES, row_b.split(), strict=True))
        for role in [*TENANT_A_ROLES, "outsider", "anonymous"]:
            assert codes[role] in DENIED, (name, role, codes[role])


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
            "clarifications",
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
        urls = tenant_urls(world, name, route) if route.startswith("kelola/") else None
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
