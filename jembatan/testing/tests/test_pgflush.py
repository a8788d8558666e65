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
    assert deletes[1:] == ['DELETE FROM "communities_kim";', 'DELETE FROM "accounts_user";']
    [truncate] = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    assert truncate.startswith("TRUNCATE") and "RESTART IDENTITY" in truncate
