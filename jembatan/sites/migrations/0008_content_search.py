"""Full-text search of potensi desa and produk (jembatan.sites.search), like posts in 0005.

SQLite: one FTS5 table per model, of the same shape as sites_post_fts, filled here from the
existing rows. PostgreSQL: a GIN index per table on the weighted `indonesian` tsvector that
search.py queries; each expression must stay identical to search.pg_potential_vector() and
search.pg_product_vector() for the index to be used (tests check this with EXPLAIN).
The kind of a potensi is indexed by its (Indonesian) label: changing a label of
Potential.Kind needs a new migration re-creating potential_search_idx.
"""

from django.db import migrations

_KIND_LABEL = (
    "CASE"
    " WHEN kind = 'wisata' THEN 'Wisata'"
    " WHEN kind = 'pertanian' THEN 'Pertanian dan perkebunan'"
    " WHEN kind = 'perikanan' THEN 'Perikanan dan peternakan'"
    " WHEN kind = 'budaya' THEN 'Seni dan budaya'"
    " WHEN kind = 'kerajinan' THEN 'Kerajinan dan industri rumah'"
    " WHEN kind = 'lainnya' THEN 'Lainnya'"
    " ELSE NULL END"
)

# model name → (search target key, FTS5 table, PostgreSQL index, tsvector expression)
INDEXES = {
    "Potential": (
        "potensi",
        "sites_potential_fts",
        "potential_search_idx",
        "(setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')"
        " || setweight(to_tsvector('indonesian'::regconfig,"
        f" COALESCE(location, '') || ' ' || COALESCE({_KIND_LABEL}, '')), 'B'))"
        " || setweight(to_tsvector('indonesian'::regconfig, COALESCE(body, '')), 'C')",
    ),
    "Product": (
        "produk",
        "sites_product_fts",
        "product_search_idx",
        "(setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')"
        " || setweight(to_tsvector('indonesian'::regconfig,"
        " COALESCE(seller, '') || ' ' || COALESCE(unit, '')), 'B'))"
        " || setweight(to_tsvector('indonesian'::regconfig, COALESCE(body, '')), 'C')",
    ),
}


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for model_name, (key, fts_table, pg_index, pg_vector) in INDEXES.items():
        model = apps.get_model("kimsites", model_name)
        if vendor == "postgresql":
            table = schema_editor.quote_name(model._meta.db_table)
            schema_editor.execute(
                f"CREATE INDEX {pg_index} ON {table} USING gin (({pg_vector}))"
            )
        elif vendor == "sqlite":
            from jembatan.sites.search import TARGETS

            target = TARGETS[key]
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {fts_table} USING fts5("
                f"{target.id_column} UNINDEXED, content,"
                " tokenize = 'unicode61 remove_diacritics 0')"
            )
            rows = (
                model.objects.using(schema_editor.connection.alias)
                .order_by("pk")
                .values_list("pk", *target.field_names)
            )
            with schema_editor.connection.cursor() as cursor:
                target.fill(rows.iterator(), cursor)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for _key, fts_table, pg_index, _vector in INDEXES.values():
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {pg_index}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0007_albums_and_photo_purpose"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
