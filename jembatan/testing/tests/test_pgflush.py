"""After a transactional test on PostgreSQL, every table is emptied by DELETE, as fast on
the hundred empty tables as on the few a test filled; the content types and permissions
come back as after TRUNCATE."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jembatan.communities.models import Kim
from jembatan.sites.services import post_create, post_transition
from jembatan.testing.factories import build_two_tenants

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _rows() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_flush_deletes_every_row_and_brings_back_the_content_types():
    types, permissions = ContentType.objects.count(), Permission.objects.count()
    build_two_tenants()
    before = _rows()
    assert before[Kim._meta.db_table] == 2
    filled = {table for table, count in before.items() if count}
    assert len(filled) >= 8  # users, regions, tenants, KIMs, memberships, tasks ...

    with CaptureQueriesContext(connection) as queries:
        # As TransactionTestCase flushes after a test.
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert "TRUNCATE" not in statements and statements.count("DELETE") >= len(before)

    after = _rows()
    kept = {"django_content_type", "auth_permission"}
    assert {table: count for table, count in after.items() if count and table not in kept} == {}
    assert (ContentType.objects.count(), Permission.objects.count()) == (types, permissions)
    # A Kim's content type answers again (the cache of content types is Django's own).
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Kim).model_class() is Kim


def test_the_flush_is_deletes_for_a_superuser_and_truncate_when_it_must_reset_sequences():
    tables = ["communities_kim", "accounts_user"]
    deletes = connection.ops.sql_flush(no_style(), tables)
    assert deletes[0] == "SET LOCAL session_replication_role = replica;"
    assert deletes[1:3] == ['DELETE FROM "communities_kim";', 'DELETE FROM "accounts_user";']
    # The tables without a model come after the ones asked for, django_migrations never.
    assert 'DELETE FROM "kimsites_search_entry";' in deletes[3:]
    assert not any("django_migrations" in statement for statement in deletes)
    [truncate] = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    assert truncate.startswith("TRUNCATE") and "RESTART IDENTITY" in truncate
    assert '"kimsites_search_entry"' in truncate


def _entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kimsites_search_entry")
        return cursor.fetchone()[0]


def test_the_search_side_table_is_emptied_with_the_rest():
    """Its rows are written by triggers, which neither TRUNCATE nor the DELETEs (triggers
    off) fire: left there, a committed test's entries showed up in the next test's search
    of the same kabupaten."""
    a = build_two_tenants().a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Kerja bakti", "body": "x"})
    post_transition(actor=a.owner, post=draft, action="publish")
    assert _entries() == 1
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    assert _entries() == 0
