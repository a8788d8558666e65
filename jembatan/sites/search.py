"""Full-text search of news posts with Indonesian stemming (/cari/).

Both databases stem with Snowball's Indonesian algorithm, so "membangun" and
"pembangunan" both become "bangun" and find each other:

* PostgreSQL: the built-in ``indonesian`` text search configuration (the same Snowball
  stemmer), a weighted tsvector of title (A), summary and tags (B) and body (C), and a GIN
  expression index on exactly that tsvector (migration 0005). Nothing to maintain.
* SQLite: an FTS5 table ``sites_post_fts`` holding the text stemmed here in Python with the
  ``snowballstemmer`` package; signals keep it in step with saved and deleted posts, and
  ``manage.py rebuild_search_index`` rebuilds it.

The query is parsed once, here, into the same structure for both databases, so they agree
on what matches. Like PostgreSQL's websearch syntax: words must all appear; ``"a b"`` is a
phrase; ``a or b`` either; ``-a`` excludes. Everything else is ignored, so no input can
produce an invalid query. Whether a post is live is decided at query time, so the index
may hold drafts and scheduled posts without showing them.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import snowballstemmer
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags

from jembatan.regions.models import Region
from jembatan.sites.models import Post, live_posts

CONFIG = "indonesian"  # PostgreSQL text search configuration
FTS_TABLE = "sites_post_fts"
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
INDEXED_FIELDS = frozenset({"title", "summary", "tags", "body"})

# Letters and digits; everything else separates words (as PostgreSQL's parser does).
_WORD = re.compile(r"[^\W_]+")
# A quoted phrase (the closing quote may be missing) or a run of other characters.
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_local = threading.local()


# --- Stemming -------------------------------------------------------------------------


def _stemmer() -> snowballstemmer.stemmer:
    # Snowball stemmer objects keep state between calls: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("indonesian")
    return stemmer


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _stem(word: str) -> str:
    # PostgreSQL's `indonesian` configuration leaves words with digits unstemmed.
    if any(ch.isdigit() for ch in word):
        return word
    return _stemmer().stemWord(word)


def html_to_text(value: str) -> str:
    """The text of sanitised HTML; tags separate words, entities become characters."""
    return html.unescape(strip_tags((value or "").replace("<", " <")))


def stem_text(text: str) -> str:
    """Lowercased word stems of ``text``, separated by spaces."""
    return " ".join(_stem(w) for w in _words(text or ""))


# --- Queries --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...]  # all groups must match; any term of a group
    excluded: tuple[Term, ...]  # none of these may match

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse_query(query: str) -> ParsedQuery:
    """Websearch-style query → AND of OR-groups of words/phrases, plus exclusions."""
    query = (query or "")[:MAX_QUERY_LENGTH].strip()
    if len(query) < MIN_QUERY_LENGTH:
        return ParsedQuery((), ())
    groups: list[list[Term]] = []
    pending_or = negate_next = False
    count = 0
    for match in _QUERY_TOKEN.finditer(query):
        phrase, chunk = match.groups()
        negated = negate_next
        negate_next = False
        if chunk is not None:
            if chunk.lower() == "or":
                pending_or = bool(groups)
                continue
            if chunk.startswith("-"):
                negated = True
            words = _words(chunk)
            if not words:
                negate_next = chunk == "-"  # -"a phrase"
                continue
        else:
            words = _words(phrase)
            if not words:
                continue
        count += 1
        if count > MAX_TERMS:
            break
        term = Term(tuple(words), negated)
        if pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    excluded = tuple(g[0] for g in groups if len(g) == 1 and g[0].negated)
    # "a or -b" cannot be said in FTS5; such negations are dropped on both databases.
    kept = tuple(
        tuple(t for t in g if not t.negated) for g in groups if not (len(g) == 1 and g[0].negated)
    )
    kept = tuple(g for g in kept if g)
    return ParsedQuery(kept, excluded if kept else ())


def _fts_term(term: Term) -> str:
    # Stems are letters and digits only, so quoting makes each a plain FTS5 string.
    return '"' + " ".join(_stem(w) for w in term.words) + '"'


def fts_match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query (empty when it has no terms)."""
    if not parsed:
        return ""
    groups = [
        _fts_term(g[0]) if len(g) == 1 else "(" + " OR ".join(_fts_term(t) for t in g) + ")"
        for g in parsed.groups
    ]
    expression = " AND ".join(groups)
    if parsed.excluded:
        excluded = " OR ".join(_fts_term(t) for t in parsed.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def pg_search_query(parsed: ParsedQuery):
    from django.contrib.postgres.search import SearchQuery

    def term_query(term: Term) -> SearchQuery:
        # PostgreSQL stems the words itself, with the same Snowball algorithm.
        return SearchQuery(" ".join(term.words), config=CONFIG, search_type="phrase")

    combined = None
    for group in parsed.groups:
        alternatives = term_query(group[0])
        for term in group[1:]:
            alternatives = alternatives | term_query(term)
        combined = alternatives if combined is None else combined & alternatives
    for term in parsed.excluded:
        combined = combined & ~term_query(term)
    return combined


def pg_search_vector():
    """The weighted tsvector searched on PostgreSQL; migration 0005 indexes this expression."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", config=CONFIG, weight="A")
        + SearchVector("summary", "tags", config=CONFIG, weight="B")
        + SearchVector("body", config=CONFIG, weight="C")
    )


class RankedPosts:
    """Posts in a fixed order of ids, loaded a page at a time (for the paginator)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            found = live_posts().in_bulk(ids)
            return [found[i] for i in ids if i in found]
        post = self[index : index + 1 if index != -1 else None]
        if not post:
            raise IndexError(index)
        return post[0]

    def __iter__(self) -> Iterator[Post]:
        for start in range(0, len(self.ids), 100):
            yield from self[start : start + 100]


def search_posts(query: str, *, kabupaten: Region | str | None = None):
    """Live posts of active KIMs matching ``query``, best match first.

    Newer posts come first among equally good matches. ``kabupaten`` (a Region or its
    code) limits the search to that kabupaten's KIMs. A query shorter than two characters,
    or without any word, finds nothing.
    """
    parsed = parse_query(query)
    base = live_posts()
    if kabupaten is not None:
        code = kabupaten.code if isinstance(kabupaten, Region) else kabupaten
        base = base.filter(kim__kabupaten_id=code)
    if not parsed:
        return base.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        vector, pg_query = pg_search_vector(), pg_search_query(parsed)
        return (
            base.alias(search=vector)
            .filter(search=pg_query)
            .alias(rank=SearchRank(vector, pg_query))
            .order_by("-rank", "-published_at", "-pk")
        )
    if connection.vendor == "sqlite":
        return RankedPosts(_sqlite_ranked_ids(base, fts_match_expression(parsed)))
    raise NotImplementedError(f"search is not implemented for {connection.vendor}")


def _sqlite_ranked_ids(base, expression: str) -> list[int]:
    candidates, params = base.order_by().values("pk").query.sql_with_params()
    # `candidates` is SQL that Django compiled from the queryset; values are in params.
    sql = (
        f"SELECT p.id FROM {FTS_TABLE} JOIN kimsites_post p ON p.id = {FTS_TABLE}.rowid "  # noqa: S608
        f"WHERE {FTS_TABLE} MATCH %s AND p.id IN ({candidates}) "
        f"ORDER BY bm25({FTS_TABLE}), p.published_at DESC, p.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params])
        return [row[0] for row in cursor.fetchall()]


# --- Index maintenance (SQLite; PostgreSQL indexes by itself) -------------------------


def document_text(title: str, summary: str, tags: str, body: str) -> str:
    """What the SQLite index holds for a post: stems, the title twice to weigh it more."""
    stemmed_title = stem_text(title)
    parts = [stemmed_title, stemmed_title, stem_text(summary), stem_text(tags)]
    parts.append(stem_text(html_to_text(body)))
    return " ".join(p for p in parts if p)


def _uses_fts(using: str) -> bool:
    return connections[using].vendor == "sqlite"


def index_post(post_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write a post's current text (read from the database) to the SQLite index."""
    if not _uses_fts(using):
        return
    row = (
        Post.objects.using(using)
        .filter(pk=post_id)
        .values_list("title", "summary", "tags", "body")
        .first()
    )
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post_id])  # noqa: S608
        if row is not None:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, post_id, content) VALUES (%s, %s, %s)",  # noqa: S608
                [post_id, post_id, document_text(*row)],
            )


def unindex_post(post_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    if not _uses_fts(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post_id])  # noqa: S608


def clear_index(*, using: str = DEFAULT_DB_ALIAS) -> None:
    if not _uses_fts(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608


def rebuild_index(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Index every post again; returns the number of posts (on PostgreSQL, just counts)."""
    posts = Post.objects.using(using)
    if not _uses_fts(using):
        return posts.count()
    count = 0
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        rows = posts.order_by("pk").values_list("pk", "title", "summary", "tags", "body")
        batch: list[tuple[int, int, str]] = []
        for pk, *text in rows.iterator(chunk_size=500):
            batch.append((pk, pk, document_text(*text)))
            if len(batch) == 500:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, post_id, content) VALUES (%s, %s, %s)",  # noqa: S608
                    batch,
                )
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, post_id, content) VALUES (%s, %s, %s)",  # noqa: S608
                batch,
            )
            count += len(batch)
    return count


def _post_saved(sender, instance: Post, using: str, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return  # e.g. a status change: liveness is checked when searching
    index_post(instance.pk, using=using)


def _post_deleted(sender, instance: Post, using: str, **kwargs) -> None:
    unindex_post(instance.pk, using=using)


def connect_signals() -> None:
    post_save.connect(_post_saved, sender=Post, dispatch_uid="sites.search.post_saved")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="sites.search.post_deleted")
