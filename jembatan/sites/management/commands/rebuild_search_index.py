from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jembatan.sites.search import rebuild_index

NAMES = {"posts": "Posts", "potensi": "Potensi", "produk": "Produk"}


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search indexes of posts, potensi and produk (SQLite FTS5 "
        "tables). On PostgreSQL the indexes are maintained by the database; this only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        with transaction.atomic(using=database):
            counts = rebuild_index(using=database)
        if connections[database].vendor == "sqlite":
            lines = [f"{NAMES.get(k, k)} indexed: {n}." for k, n in counts.items()]
            message = "Search index rebuilt. " + " ".join(lines)
        else:
            lines = [f"{NAMES.get(k, k)}: {n}." for k, n in counts.items()]
            message = "The database maintains the search index itself. " + " ".join(lines)
        self.stdout.write(self.style.SUCCESS(message))
