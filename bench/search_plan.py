"""What one search costs PostgreSQL at national scale: pages read and time, query by query.

    .venv/bin/python bench/search_plan.py --database jembatan_national_search
    .venv/bin/python bench/search_plan.py --database DB --tenant 11.08 --repeat 7

For each of production.py's 12 queries, on one tenant (``--tenant``, default the kabupaten
with the most KIMs, the hub), runs ``search_all`` as /cari/ does, takes the ranking query
it sent and runs it again under ``EXPLAIN (ANALYZE, BUFFERS)``: the tenant's matches of
posts (counted on the posts table), the candidates kept, the table and index pages the
query touched (shared hits plus reads: a measure that does not depend on the machine's
load), and its execution time, the first run and the median of ``--repeat``. Prints a
table; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from common import server_url, setup_django
from production import SEARCHES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="jembatan_national_search")
    parser.add_argument("--tenant", help="kabupaten code (default: the most KIMs)")
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    setup_django(server_url(opts.postgres, opts.database), DEBUG="0", ALLOWED_HOSTS="*")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jembatan.sites.search import parse_query, pg_tsquery_sql, search_all

    with connection.cursor() as cursor:
        code = opts.tenant
        if not code:
            cursor.execute(
                "SELECT kabupaten_id FROM communities_kim GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
            code = cursor.fetchone()[0]
    print(f"tenant {code}, {opts.repeat} runs each")
    print(
        f"{'query':<14} {'matches':>8} {'kept':>6} {'pages':>7} {'read':>6}"
        f" {'first ms':>9} {'median ms':>10}"
    )
    for words in SEARCHES:
        with CaptureQueriesContext(connection) as queries:
            results = search_all(words, kabupaten=code)
        sql = queries.captured_queries[0]["sql"]
        tsquery, params = pg_tsquery_sql(parse_query(words))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM kimsites_post WHERE search_kabupaten = %s"  # noqa: S608
                f" AND search_vector @@ ({tsquery})",
                [code, *params],
            )
            matches = cursor.fetchone()[0]
            times, first = [], None
            for _ in range(opts.repeat):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                top = plan["Plan"]
                if first is None:
                    first = plan
                times.append(plan["Execution Time"])
        top = first["Plan"]
        pages = top["Shared Hit Blocks"] + top["Shared Read Blocks"]
        kept = results["posts"].count()
        kept_text = f">{kept}" if results["posts"].capped else str(kept)
        print(
            f"{words:<14} {matches:>8,} {kept_text:>6} {pages:>7,} {top['Shared Read Blocks']:>6,}"
            f" {first['Execution Time']:>9.1f} {statistics.median(times):>10.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
