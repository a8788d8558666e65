"""The tenant in the search index (PostgreSQL only): a search for a common word reads the
kabupaten's matches, never the country's.

With 0014 the planner had two ways to a tenant's matches, both reading the whole country:
the text index gives every post in Indonesia with the word (133,000 for "pelatihan" in a
million posts), intersected with the tenant's posts by ``kim_id`` (10,000) only after both
were read; or one text index scan per KIM of the tenant (200 scans). Here each searched
table gets a ``search_kabupaten`` column (the kabupaten/kota of the row's KIM) and one GIN
index over ``(search_kabupaten, search_vector)`` (``btree_gin``, a contrib extension
shipped with PostgreSQL), so one index scan gives the tenant's matches alone (1,334 for
"pelatihan" in the hub). It replaces 0014's index on the vector alone, which a search
without a tenant still uses through this one.

Like ``search_vector``, the column is not a model field and is kept by triggers: on the
searched table, ``BEFORE INSERT OR UPDATE OF kim_id`` copies the KIM's kabupaten (rows
written by ``bulk_create``, ``.update()`` or plain SQL too); on the KIM table, a change of
its kabupaten is copied to its rows. SQLite keeps its FTS5 tables (0005, 0008), where a
search is scoped by its KIMs.

On a big install the backfill rewrites every row of the tables (a million posts: see the
search section of bench/README.md); ``VACUUM ANALYZE kimsites_post`` afterwards returns
the space of the old row versions.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

# table → (0014's index on the vector alone, the new index)
TABLES = {
    "kimsites_post": ("post_search_vector_idx", "post_search_tenant_idx"),
    "kimsites_potential": ("potential_search_vector_idx", "potential_search_tenant_idx"),
    "kimsites_product": ("product_search_vector_idx", "product_search_tenant_idx"),
}
KIM_TRIGGER = "communities_kim_search_kabupaten"


class BtreeGinOnPostgres(BtreeGinExtension):
    """Django's extension operation skips other databases going forwards but not going
    back (it asks pg_extension): this one skips them both ways."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def add_tenant_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    # A bigger sort area for the index builds of this transaction only.
    execute("SET LOCAL maintenance_work_mem = '256MB'")
    for table, (old_index, new_index) in TABLES.items():
        function = f"{table}_search_kabupaten_update"
        execute(f"ALTER TABLE {table} ADD COLUMN search_kabupaten varchar(13)")
        execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
            "NEW.search_kabupaten := (SELECT kabupaten_id FROM communities_kim "
            "WHERE id = NEW.kim_id); RETURN NEW; END $$"
        )
        execute(
            f"CREATE TRIGGER {table}_search_kabupaten BEFORE INSERT OR UPDATE OF kim_id "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        # The old index goes first: the backfill need not keep it up to date.
        execute(f"DROP INDEX IF EXISTS {old_index}")
        execute(
            f"UPDATE {table} t SET search_kabupaten = k.kabupaten_id"  # noqa: S608
            " FROM communities_kim k WHERE k.id = t.kim_id"
        )
        execute(f"CREATE INDEX {new_index} ON {table} USING gin (search_kabupaten, search_vector)")
        execute(f"ANALYZE {table}")
    updates = " ".join(
        f"UPDATE {table} SET search_kabupaten = NEW.kabupaten_id WHERE kim_id = NEW.id;"  # noqa: S608
        for table in TABLES
    )
    execute(
        f"CREATE FUNCTION {KIM_TRIGGER}_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {updates} RETURN NULL; END $$"
    )
    execute(
        f"CREATE TRIGGER {KIM_TRIGGER} AFTER UPDATE OF kabupaten_id ON communities_kim "
        "FOR EACH ROW WHEN (OLD.kabupaten_id IS DISTINCT FROM NEW.kabupaten_id) "
        f"EXECUTE FUNCTION {KIM_TRIGGER}_update()"
    )


def remove_tenant_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"DROP TRIGGER IF EXISTS {KIM_TRIGGER} ON communities_kim")
    execute(f"DROP FUNCTION IF EXISTS {KIM_TRIGGER}_update()")
    for table, (old_index, new_index) in TABLES.items():
        execute(f"DROP TRIGGER IF EXISTS {table}_search_kabupaten ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {table}_search_kabupaten_update()")
        execute(f"DROP INDEX IF EXISTS {new_index}")
        execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_kabupaten")
        execute(f"CREATE INDEX {old_index} ON {table} USING gin (search_vector)")


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0014_stored_search_vector"),
        ("communities", "0007_kimid_key"),
    ]

    operations = [
        BtreeGinOnPostgres(),
        migrations.RunPython(add_tenant_column, remove_tenant_column),
    ]
