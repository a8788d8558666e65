"""A stored, trigger-kept tsvector column per searched table (PostgreSQL only).

Migrations 0005 and 0008 indexed an expression: the planner could find the matching rows
through the GIN index, but ranking them recomputed ``to_tsvector`` of every matching row's
whole body, per query (2.4 s for a common word at national scale). Here each table gets a
``search_vector`` column, written by a ``BEFORE INSERT OR UPDATE OF <its fields>`` trigger
(so rows written by ``bulk_create``, ``.update()`` or plain SQL are indexed too), filled
once for the existing rows, and a GIN index on it; the expression indexes are dropped.
The column is not a model field: nothing but search.py reads it, and list pages should not
fetch it. The vectors are those of 0005/0008, term for term.

SQLite keeps its FTS5 tables (0005, 0008): nothing to do there. On a big install the
backfill rewrites every row (11 minutes for a million posts on a busy 2-core machine);
``VACUUM ANALYZE kimsites_post`` afterwards returns the space of the old row versions.
"""

from django.db import migrations

_KIND_LABEL = (
    "CASE"
    " WHEN {r}kind = 'wisata' THEN 'Wisata'"
    " WHEN {r}kind = 'pertanian' THEN 'Pertanian dan perkebunan'"
    " WHEN {r}kind = 'perikanan' THEN 'Perikanan dan peternakan'"
    " WHEN {r}kind = 'budaya' THEN 'Seni dan budaya'"
    " WHEN {r}kind = 'kerajinan' THEN 'Kerajinan dan industri rumah'"
    " WHEN {r}kind = 'lainnya' THEN 'Lainnya'"
    " ELSE NULL END"
)


def _vector(title: str, b_fields: list[str], body: str) -> str:
    b = " || ' ' || ".join(f"COALESCE({f}, '')" for f in b_fields)
    return (
        f"(setweight(to_tsvector('indonesian'::regconfig, COALESCE({title}, '')), 'A')"
        f" || setweight(to_tsvector('indonesian'::regconfig, {b}), 'B'))"
        f" || setweight(to_tsvector('indonesian'::regconfig, COALESCE({body}, '')), 'C')"
    )


# table → (old expression index, new index, watched columns, vector with {r} as row prefix)
TABLES = {
    "kimsites_post": (
        "post_search_idx",
        "post_search_vector_idx",
        ["title", "summary", "tags", "body"],
        _vector("{r}title", ["{r}summary", "{r}tags"], "{r}body"),
    ),
    "kimsites_potential": (
        "potential_search_idx",
        "potential_search_vector_idx",
        ["title", "location", "kind", "body"],
        _vector("{r}title", ["{r}location", _KIND_LABEL], "{r}body"),
    ),
    "kimsites_product": (
        "product_search_idx",
        "product_search_vector_idx",
        ["title", "seller", "unit", "body"],
        _vector("{r}title", ["{r}seller", "{r}unit"], "{r}body"),
    ),
}


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (old_index, new_index, columns, vector) in TABLES.items():
        function = f"{table}_search_vector_update"
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
        schema_editor.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"NEW.search_vector := {vector.format(r='NEW.')}; RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF "
            f"{', '.join(columns)} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        schema_editor.execute(f"UPDATE {table} SET search_vector = {vector.format(r='')}")  # noqa: S608
        schema_editor.execute(f"CREATE INDEX {new_index} ON {table} USING gin (search_vector)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")
        # The planner's statistics of the new column: without them it guesses a handful of
        # matches for any word and may scan the whole country's matches for a tenant.
        schema_editor.execute(f"ANALYZE {table}")


def remove_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (old_index, _new_index, _columns, vector) in TABLES.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector_update()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"CREATE INDEX {old_index} ON {table} USING gin (({vector.format(r='')}))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0013_kimid_feed_import"),
    ]

    operations = [
        migrations.RunPython(add_search_vectors, remove_search_vectors),
    ]
