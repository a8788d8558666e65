"""Full-text search of posts (jembatan.sites.search).

SQLite: an FTS5 table of stemmed post text, filled here from the existing posts.
PostgreSQL: a GIN index on the weighted `indonesian` tsvector that search.py queries;
the expression must stay identical to search.pg_search_vector() for the index to be used
(tests check this with EXPLAIN).
"""

from django.db import migrations

FTS_TABLE = "sites_post_fts"
PG_INDEX = "post_search_idx"
PG_VECTOR = (
    "(setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig,"
    " COALESCE(summary, '') || ' ' || COALESCE(tags, '')), 'B'))"
    " || setweight(to_tsvector('indonesian'::regconfig, COALESCE(body, '')), 'C')"
)


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    Post = apps.get_model("kimsites", "Post")
    table = schema_editor.quote_name(Post._meta.db_table)
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {PG_INDEX} ON {table} USING gin (({PG_VECTOR}))")
    elif vendor == "sqlite":
        from jembatan.sites.search import document_text

        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "post_id UNINDEXED, content, tokenize = 'unicode61 remove_diacritics 0')"
        )
        rows = Post.objects.using(schema_editor.connection.alias).values_list(
            "pk", "title", "summary", "tags", "body"
        )
        for pk, *text in rows.iterator():
            schema_editor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, post_id, content) VALUES (%s, %s, %s)",  # noqa: S608
                [pk, pk, document_text(*text)],
            )


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0004_photos"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
    ]
