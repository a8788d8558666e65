"""A narrow side table of the rows search may show (PostgreSQL only): a common word reads
few table pages.

With 0015 one GIN scan gave a tenant's matches, but each match was a row of the wide
table (a post with its body), so "posyandu" on the hub read one heap page per match
(about 4,400 pages) to check status, date and KIM and keep the newest 1,001, and no
index on the wide table avoids that. Here ``kimsites_search_entry`` holds, for every row
that may be shown (a published post or a potensi/produk shown on the site, of an active
KIM), only what a search needs: its kind (0 posts, 1 potensi, 2 produk), id, KIM,
kabupaten, the date that orders equal matches (``published_at``, ``created_at``) and the
weighted vector; per kind a GIN index over (kabupaten, vector), which gives a rare word's
matches, and a btree over (kabupaten, date, id), read newest first for a common word until
enough match (the planner chooses). The backfill writes it in (kabupaten, kind, date)
order, so a tenant's rows sit on few pages: "posyandu" on the national data's hub reads
277 pages where it read 4,889 (bench/README.md). The GIN indexes are written row by row
(``fastupdate = off``): with GIN's pending list every search also read the list of
recent writes, up to 4 MB (321 more pages after 20,000 inserts), until a vacuum; a write
costs about 0.3 ms more instead.

Triggers keep it: ``AFTER INSERT OR UPDATE OR DELETE`` on each searched table (an eligible
row is written, a row that may no longer be shown is removed; ``bulk_create``,
``.update()`` and plain SQL too), and on ``communities_kim`` a deactivated KIM's entries are
removed, a reactivated KIM's written again, a moved KIM's take its new kabupaten. The
vector and kabupaten are copied from the searched table's own trigger-kept columns
(0014, 0015: one definition of the vector); 0015's GIN indexes on the wide tables, which
nothing reads any more, are dropped. A scheduled post is an entry already (its date is
checked when searching). SQLite keeps its FTS5 tables.
"""

from django.db import migrations

ENTRY = "kimsites_search_entry"
# table → (kind, the shown test on NEW, the date that orders equal matches, watched
# columns, 0015's index)
TABLES = {
    "kimsites_post": (
        0,
        "NEW.status = 'published'",
        "published_at",
        ["title", "summary", "tags", "body", "status", "published_at"],
        "post_search_tenant_idx",
    ),
    "kimsites_potential": (
        1,
        "NEW.is_published",
        "created_at",
        ["title", "location", "kind", "body", "is_published", "created_at"],
        "potential_search_tenant_idx",
    ),
    "kimsites_product": (
        2,
        "NEW.is_published",
        "created_at",
        ["title", "seller", "unit", "body", "is_published", "created_at"],
        "product_search_tenant_idx",
    ),
}
KIM_TRIGGER = "communities_kim_search_entry"


def _shown_rows(table: str, kind: int, shown: str, newest: str, where: str = "") -> str:
    """SELECT of the entries of ``table``'s rows that may be shown (active KIMs only)."""
    return (
        f"SELECT {kind}, t.id, t.search_kabupaten, t.kim_id, t.{newest}, t.search_vector"  # noqa: S608
        f" FROM {table} t JOIN communities_kim k ON k.id = t.kim_id"
        f" WHERE k.is_active AND {shown.replace('NEW.', 't.')}{where}"
    )


def add_entries(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute("SET LOCAL maintenance_work_mem = '256MB'")
    execute(
        f"CREATE TABLE {ENTRY} (kind smallint NOT NULL, row_id integer NOT NULL,"
        " kabupaten varchar(13), kim_id integer NOT NULL, newest timestamptz NOT NULL,"
        " vector tsvector NOT NULL, PRIMARY KEY (kind, row_id))"
    )
    for table, (kind, shown, newest, columns, old_index) in TABLES.items():
        function = f"{table}_search_entry_update"
        execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
            "IF TG_OP = 'DELETE' THEN "
            f"DELETE FROM {ENTRY} WHERE kind = {kind} AND row_id = OLD.id; RETURN NULL; "
            "END IF; "
            f"IF {shown} AND EXISTS (SELECT 1 FROM communities_kim "
            "WHERE id = NEW.kim_id AND is_active) THEN "
            f"INSERT INTO {ENTRY} AS e (kind, row_id, kabupaten, kim_id, newest, vector) "
            f"VALUES ({kind}, NEW.id, NEW.search_kabupaten, NEW.kim_id, NEW.{newest}, "
            "NEW.search_vector) ON CONFLICT (kind, row_id) DO UPDATE SET "
            "kabupaten = EXCLUDED.kabupaten, kim_id = EXCLUDED.kim_id, "
            "newest = EXCLUDED.newest, vector = EXCLUDED.vector "
            "WHERE (e.kabupaten, e.kim_id, e.newest, e.vector) IS DISTINCT FROM "
            "(EXCLUDED.kabupaten, EXCLUDED.kim_id, EXCLUDED.newest, EXCLUDED.vector); "
            "ELSIF TG_OP = 'UPDATE' THEN "
            f"DELETE FROM {ENTRY} WHERE kind = {kind} AND row_id = NEW.id; "
            "END IF; RETURN NULL; END $$"
        )
        # The vector and kabupaten written by the BEFORE triggers of 0014 and 0015 (their
        # columns are written when these are, or by 0015's trigger on the KIM table).
        watched = ", ".join([*columns, "kim_id", "search_kabupaten", "search_vector"])
        execute(
            f"CREATE TRIGGER {table}_search_entry AFTER INSERT OR DELETE OR UPDATE OF "
            f"{watched} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    # A tenant's rows together, the newest last: a search reads few pages.
    execute(
        f"INSERT INTO {ENTRY} "  # noqa: S608
        + " UNION ALL ".join(
            f"({_shown_rows(table, kind, shown, newest)})"
            for table, (kind, shown, newest, _columns, _old) in TABLES.items()
        )
        + " ORDER BY 3, 1, 5"
    )
    for table, (kind, _shown, _newest, _columns, old_index) in TABLES.items():
        name = table.removeprefix("kimsites_")
        execute(
            f"CREATE INDEX {name}_entry_match_idx ON {ENTRY} USING gin (kabupaten, vector)"
            f" WITH (fastupdate = off) WHERE kind = {kind}"
        )
        execute(
            f"CREATE INDEX {name}_entry_newest_idx ON {ENTRY} (kabupaten, newest, row_id)"
            f" WHERE kind = {kind}"
        )
        execute(f"DROP INDEX IF EXISTS {old_index}")
    execute(f"CREATE INDEX {ENTRY}_kim_idx ON {ENTRY} (kim_id)")
    inserts = " ".join(
        f"INSERT INTO {ENTRY} (kind, row_id, kabupaten, kim_id, newest, vector) "  # noqa: S608
        f"{_shown_rows(table, kind, shown, newest, ' AND k.id = NEW.id')} "
        "ON CONFLICT DO NOTHING;"
        for table, (kind, shown, newest, _columns, _old) in TABLES.items()
    )
    execute(
        f"CREATE FUNCTION {KIM_TRIGGER}_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
        f"IF NOT NEW.is_active THEN DELETE FROM {ENTRY} WHERE kim_id = NEW.id; "
        f"ELSIF NOT OLD.is_active THEN {inserts} "
        f"ELSE UPDATE {ENTRY} SET kabupaten = NEW.kabupaten_id WHERE kim_id = NEW.id; "
        "END IF; RETURN NULL; END $$"
    )
    execute(
        f"CREATE TRIGGER {KIM_TRIGGER} AFTER UPDATE OF is_active, kabupaten_id "
        "ON communities_kim FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active "
        "OR OLD.kabupaten_id IS DISTINCT FROM NEW.kabupaten_id) "
        f"EXECUTE FUNCTION {KIM_TRIGGER}_update()"
    )
    execute(f"ANALYZE {ENTRY}")


def remove_entries(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"DROP TRIGGER IF EXISTS {KIM_TRIGGER} ON communities_kim")
    execute(f"DROP FUNCTION IF EXISTS {KIM_TRIGGER}_update()")
    for table, (_kind, _shown, _newest, _columns, old_index) in TABLES.items():
        execute(f"DROP TRIGGER IF EXISTS {table}_search_entry ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {table}_search_entry_update()")
        execute(
            f"CREATE INDEX IF NOT EXISTS {old_index} ON {table}"
            " USING gin (search_kabupaten, search_vector)"
        )
    execute(f"DROP TABLE IF EXISTS {ENTRY}")


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0016_python_default_beside_db_default"),
        ("communities", "0008_python_default_beside_db_default"),
    ]

    operations = [
        migrations.RunPython(add_entries, remove_entries),
    ]
