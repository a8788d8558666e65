from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jembatan.sites.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of posts (SQLite FTS5 table). "
        "On PostgreSQL the index is maintained by the database; this only counts posts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        with transaction.atomic(using=database):
            count = rebuild_index(using=database)
        if connections[database].vendor == "sqlite":
            message = f"Search index rebuilt. Posts indexed: {count}."
        else:
            message = f"The database maintains the search index itself. Posts: {count}."
        self.stdout.write(self.style.SUCCESS(message))
