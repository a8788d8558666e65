"""Full-text search with Indonesian stemming (/cari/): news posts, potensi desa and produk.

Both databases stem with Snowball's Indonesian algorithm, so "membangun" and
"pembangunan" both become "bangun" and find each other:

* PostgreSQL: the built-in ``indonesian`` text search configuration (the same Snowball
  stemmer), a weighted tsvector per model (title A, short fields B, body C) stored in a
  ``search_vector`` column that a trigger writes on every insert and update of the indexed
  fields (migration 0014), beside a trigger-kept ``search_kabupaten`` (the row's KIM's
  kabupaten, 0015). A search reads neither: it reads ``kimsites_search_entry`` (0017), a
  narrow side table of the rows that may be shown (published posts, potensi and produk
  shown on the site, of active KIMs) with their kind, id, kabupaten, date and vector, kept
  by triggers on the three tables and on the KIMs, with a GIN index over (kabupaten,
  vector) per kind. Nothing to maintain.
* SQLite: one FTS5 table per model (``sites_post_fts``, ``sites_potential_fts``,
  ``sites_product_fts``) holding the text stemmed here in Python with the
  ``snowballstemmer`` package; signals keep them in step with saved and deleted rows, and
  ``manage.py rebuild_search_index`` rebuilds them.

What is searched is described once, by the ``SearchTarget`` table at the end of the query
section: model, FTS5 table, fields with weights, and which rows may be shown. Index
maintenance, rebuilding, signals and querying are all driven by it.

The query is parsed once, here, into the same structure for both databases, so they agree
on what matches. Like PostgreSQL's websearch syntax: words must all appear; ``"a b"`` is a
phrase; ``a or b`` either; ``-a`` excludes. Everything else is ignored, so no input can
produce an invalid query. SQLite decides at query time whether a row may be shown, so its
index may hold drafts, hidden items and scheduled posts without showing them; PostgreSQL's
side table holds only what may be shown, a scheduled post with its date (checked then).

At national scale a common word matches tens of thousands of rows. A search therefore
starts from the tenant's rows (on PostgreSQL one scan of the side table's index over tenant
and vector gives them), takes at most the newest ``RESULT_CAP`` + 1 matches as candidates
and ranks only those, every kind in one query; more than ``RESULT_CAP`` matches read "lebih
dari 1.000 hasil", never an exact count. Both databases do the same. On PostgreSQL the
matches are entries of a few dozen bytes plus their vector: "posyandu" on the national
data's hub (about 4,500 matches) reads 277 pages in the migration's tenant order, 2,442 in
publishing order, where the wide table took 4,889; only the page of rows shown (20 posts,
10 potensi, 10 produk) is read from the wide tables (bench/search_plan.py, bench/README.md).
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.html import strip_tags

from jembatan.communities.models import Kim
from jembatan.regions.models import Region
from jembatan.sites.models import Post, Potential, Product

if TYPE_CHECKING:
    import snowballstemmer

CONFIG = "indonesian"  # PostgreSQL text search configuration
FTS_TABLE = "sites_post_fts"  # the posts' table (see POSTS.fts_table)
ENTRY_TABLE = "kimsites_search_entry"  # PostgreSQL's side table (migration 0017)
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
RESULT_CAP = 1000  # ranked candidates per kind; more read as "more than"
INDEX_BATCH = 500

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
        import snowballstemmer  # imported by the first search or indexed row

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


def pg_tsquery_sql(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """The tsquery of a parsed query as SQL and its parameters (PostgreSQL).

    Each word or phrase is a ``phraseto_tsquery`` (PostgreSQL stems the words itself, with
    the same Snowball algorithm), combined with ``&&``, ``||`` and ``!!`` as parsed: the
    same matches as the FTS5 expression. (``websearch_to_tsquery`` itself would read
    ``a b or c`` as ``(a and b) or c``; both databases read it ``a and (b or c)``.)
    """
    params: list[str] = []

    def term_sql(term: Term) -> str:
        params.append(" ".join(term.words))
        return f"phraseto_tsquery('{CONFIG}', %s)"

    sql = " && ".join("(" + " || ".join(term_sql(t) for t in g) + ")" for g in parsed.groups)
    for term in parsed.excluded:
        sql = f"({sql}) && !!{term_sql(term)}"
    return sql, params


# --- What is searched -----------------------------------------------------------------


@functools.cache
def _source_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    # The Indonesian source labels, whatever the active language: the index must not
    # depend on who saved the row.
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


@dataclass(frozen=True)
class Field:
    """One indexed column. ``weight`` is PostgreSQL's (A to D); on SQLite, A is written twice.

    PostgreSQL's vectors are written by triggers (migration 0013): a change of fields,
    weights or choice labels here needs a migration changing them there.
    """

    name: str
    weight: str
    html: bool = False  # sanitised HTML: only its text is indexed
    choices: type[models.TextChoices] | None = None  # index the label, not the stored value

    def text(self, value) -> str:
        if self.choices is not None:
            return _source_labels(self.choices).get(value, "")
        if self.html:
            return html_to_text(value)
        return value or ""


@dataclass(frozen=True)
class SearchTarget:
    """A searchable model: its FTS5 table on SQLite, its tsvector on PostgreSQL."""

    key: str  # "posts", "potensi", "produk"
    model: type[models.Model]
    fts_table: str
    fields: tuple[Field, ...]  # title first; its order is the order of document_text()
    shown: Callable[[], models.QuerySet]  # rows that may be shown, with what lists need
    newest: str  # the date column that orders equally good matches
    # The same rule judged on the row alone, for rows of KIMs already known to be active:
    # the candidates of a tenant's search need no join to the KIM table (SQLite).
    own_rows: Callable[[], models.QuerySet]
    entry_kind: int  # the kind of its rows in PostgreSQL's side table (migration 0017)
    scheduled: bool = False  # shown from its date on (``newest``): a post's publish time

    @property
    def id_column(self) -> str:
        return f"{self.model._meta.model_name}_id"

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def document_text(self, *values) -> str:
        """What the SQLite index holds for a row: stems, weight A fields twice."""
        parts: list[str] = []
        for field, value in zip(self.fields, values, strict=True):
            stemmed = stem_text(field.text(value))
            parts.extend([stemmed, stemmed] if field.weight == "A" else [stemmed])
        return " ".join(p for p in parts if p)

    # Querying

    def search(
        self, query: str, *, kabupaten: Region | str | None = None, cap: int | None = None
    ) -> RankedResults:
        """Rows that may be shown matching ``query``, best match first, then newest.

        At most ``cap`` (``RESULT_CAP``) rows: when more match, the newest ``cap`` + 1 are
        the candidates, only those are ranked, and the result says it was ``capped`` (the
        page then reads "lebih dari 1.000 hasil"). No query counts or ranks every match of
        a common word over a whole kabupaten.
        """
        return search_targets((self,), query, kabupaten=kabupaten, cap=cap)[self.key]

    def _candidates(self, parsed: ParsedQuery, code: str | None, limit: int) -> tuple[str, tuple]:
        """The newest ``limit`` matching rows that may be shown (SQLite): SQL compiled by
        Django, its columns the id and the date that orders equal matches."""
        rows = self.own_rows()
        if code is None:
            rows = rows.filter(kim__is_active=True)
        else:
            # The tenant's active KIMs, as a subquery: no list of ids goes back and forth.
            rows = rows.filter(
                kim__in=Kim.objects.filter(kabupaten_id=code, is_active=True).values("pk")
            )
        fts = self.fts_table
        matching = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608
            [fts_match_expression(parsed)],
        )
        rows = rows.filter(pk__in=matching)
        newest = rows.order_by(f"-{self.newest}", "-pk").values("pk", self.newest)[:limit]
        return newest.query.sql_with_params()

    def _entries(self, tsquery: str, code: str | None) -> tuple[str, list]:
        """The WHERE of this kind's entries that match and may be shown now (PostgreSQL):
        ``kimsites_search_entry`` holds only rows of active KIMs that are published or
        shown (migration 0017); a scheduled post waits for its date."""
        where = [f"e.kind = {self.entry_kind}", f"e.vector @@ {tsquery}"]
        params: list = []
        if code is not None:
            where.append("e.kabupaten = %s")
            params.append(code)
        if self.scheduled:
            where.append("e.newest <= %s")
            params.append(timezone.now())
        return " AND ".join(where), params

    def _ranked_sql(
        self, kind: int, parsed: ParsedQuery, code: str | None, limit: int
    ) -> tuple[str, list]:
        """``(kind, id, score, date)`` of the candidates; a higher score is a better match."""
        if connection.vendor == "postgresql":
            tsquery, query_params = pg_tsquery_sql(parsed)
            tsquery = f"({tsquery})"
            where, params = self._entries(tsquery, code)
            sql = (
                f"SELECT {kind} AS kind, c.row_id AS id, ts_rank(c.vector, {tsquery}) AS score, "  # noqa: S608
                "c.newest AS newest FROM (SELECT e.row_id, e.newest, e.vector "
                f"FROM {ENTRY_TABLE} e WHERE {where} "
                "ORDER BY e.newest DESC, e.row_id DESC LIMIT %s) c"
            )
            return sql, [*query_params, *query_params, *params, limit]
        candidates, params = self._candidates(parsed, code, limit)
        fts, table = self.fts_table, self.model._meta.db_table
        # bm25() needs the MATCH in its own query (lower is better): the candidates are
        # ranked there.
        sql = (
            f"SELECT {kind} AS kind, t.id, -bm25({fts}) AS score, t.{self.newest} AS newest "  # noqa: S608
            f"FROM {fts} JOIN {table} t ON t.id = {fts}.rowid "
            f"WHERE {fts} MATCH %s AND t.id IN (SELECT c.pk FROM ({candidates}) c)"
        )
        return sql, [fts_match_expression(parsed), *params]

    # Index maintenance (SQLite; PostgreSQL's triggers index by themselves)

    def _insert_sql(self) -> str:
        return (
            f"INSERT INTO {self.fts_table} (rowid, {self.id_column}, content) "  # noqa: S608
            "VALUES (%s, %s, %s)"
        )

    def index(self, pk: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Write a row's current text (read from the database) to the SQLite index."""
        if not _uses_fts(using):
            return
        row = (
            self.model._default_manager.using(using)
            .filter(pk=pk)
            .values_list(*self.field_names)
            .first()
        )
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.fts_table} WHERE rowid = %s", [pk])  # noqa: S608
            if row is not None:
                cursor.execute(self._insert_sql(), [pk, pk, self.document_text(*row)])

    def unindex(self, pk: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
        if not _uses_fts(using):
            return
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.fts_table} WHERE rowid = %s", [pk])  # noqa: S608

    def fill(self, rows, cursor) -> int:
        """Insert ``(pk, *field values)`` rows into an empty SQLite index; returns the count."""
        count = 0
        batch: list[tuple[int, int, str]] = []
        for pk, *values in rows:
            batch.append((pk, pk, self.document_text(*values)))
            if len(batch) == INDEX_BATCH:
                cursor.executemany(self._insert_sql(), batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(self._insert_sql(), batch)
            count += len(batch)
        return count

    def rebuild(self, *, using: str = DEFAULT_DB_ALIAS) -> int:
        """Index every row again; returns the number of rows (on PostgreSQL, just counts)."""
        rows = self.model._default_manager.using(using)
        if not _uses_fts(using):
            return rows.count()
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.fts_table}")  # noqa: S608
            rows = rows.order_by("pk").values_list("pk", *self.field_names)
            return self.fill(rows.iterator(chunk_size=INDEX_BATCH), cursor)


class RankedResults:
    """Rows in a fixed order of ids, loaded a slice at a time (for the paginator).

    ``capped``: more rows matched than the ``cap`` kept here (the count is then a floor).
    """

    def __init__(
        self, queryset: models.QuerySet, ids: list[int], *, cap: int = 0, capped: bool = False
    ) -> None:
        self.queryset = queryset
        self.ids = ids
        self.cap = cap
        self.capped = capped

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            found = self.queryset.in_bulk(ids)
            return [found[i] for i in ids if i in found]
        row = self[index : index + 1 if index != -1 else None]
        if not row:
            raise IndexError(index)
        return row[0]

    def __iter__(self) -> Iterator[models.Model]:
        for start in range(0, len(self.ids), 100):
            yield from self[start : start + 100]


RankedPosts = RankedResults  # the name before potensi and produk were searched


def _listed_posts() -> models.QuerySet:
    # What the results list shows of a post (_post_item.html): not its body.
    return Post.objects.live().select_related("kim").defer("body")


def _live_own_posts() -> models.QuerySet:
    return Post.objects.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


def _published(model: type[models.Model]) -> Callable[[], models.QuerySet]:
    return lambda: model._default_manager.filter(is_published=True)


def _shown_content(model: type[models.Model]) -> Callable[[], models.QuerySet]:
    def shown() -> models.QuerySet:
        # Like content.KINDS[...].public(kim), for every active KIM at once.
        return (
            model.objects.filter(is_published=True, kim__is_active=True)
            .select_related("kim")
            .defer("body")
        )

    return shown


POSTS = SearchTarget(
    key="posts",
    model=Post,
    fts_table=FTS_TABLE,
    fields=(
        Field("title", "A"),
        Field("summary", "B"),
        Field("tags", "B"),
        Field("body", "C", html=True),
    ),
    shown=_listed_posts,
    newest="published_at",
    own_rows=_live_own_posts,
    entry_kind=0,
    scheduled=True,
)
POTENTIALS = SearchTarget(
    key="potensi",
    model=Potential,
    fts_table="sites_potential_fts",
    fields=(
        Field("title", "A"),
        Field("location", "B"),
        Field("kind", "B", choices=Potential.Kind),
        Field("body", "C", html=True),
    ),
    shown=_shown_content(Potential),
    newest="created_at",
    own_rows=_published(Potential),
    entry_kind=1,
)
PRODUCTS = SearchTarget(
    key="produk",
    model=Product,
    fts_table="sites_product_fts",
    fields=(
        Field("title", "A"),
        Field("seller", "B"),
        Field("unit", "B"),
        Field("body", "C", html=True),
    ),
    shown=_shown_content(Product),
    newest="created_at",
    own_rows=_published(Product),
    entry_kind=2,
)
TARGETS: dict[str, SearchTarget] = {t.key: t for t in (POSTS, POTENTIALS, PRODUCTS)}
_TARGET_OF_MODEL = {t.model: t for t in TARGETS.values()}


def search_targets(
    targets: tuple[SearchTarget, ...],
    query: str,
    *,
    kabupaten: Region | str | None = None,
    cap: int | None = None,
) -> dict[str, RankedResults]:
    """Each target's matches, best first, ranked in one query for all of them.

    ``kabupaten`` (a Region or its code) limits the search to that kabupaten's active
    KIMs: on PostgreSQL through the tenant column of the side table's index (migration
    0017), so a common word reads the tenant's matches only; on SQLite through the KIMs'
    ids.
    """
    cap = RESULT_CAP if cap is None else cap
    parsed = parse_query(query)
    code = kabupaten.code if isinstance(kabupaten, Region) else kabupaten
    ids: dict[str, list[int]] = {target.key: [] for target in targets}
    if parsed:
        if connection.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"search is not implemented for {connection.vendor}")
        parts, params = [], []
        for kind, target in enumerate(targets):
            sql, part_params = target._ranked_sql(kind, parsed, code, cap + 1)
            parts.append(f"SELECT * FROM ({sql}) r{kind}")  # noqa: S608
            params.extend(part_params)
        sql = (
            f"SELECT kind, id FROM ({' UNION ALL '.join(parts)}) ranked "  # noqa: S608
            "ORDER BY kind, score DESC, newest DESC, id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, pk in cursor.fetchall():
                ids[targets[kind].key].append(pk)
    return {
        target.key: RankedResults(
            target.shown(), ids[target.key][:cap], cap=cap, capped=len(ids[target.key]) > cap
        )
        for target in targets
    }


def search_posts(query: str, *, kabupaten: Region | str | None = None):
    """Live posts of active KIMs matching ``query``, best match first.

    Newer posts come first among equally good matches. ``kabupaten`` (a Region or its
    code) limits the search to that kabupaten's KIMs. A query shorter than two characters,
    or without any word, finds nothing.
    """
    return POSTS.search(query, kabupaten=kabupaten)


def search_all(query: str, *, kabupaten: Region | str | None = None) -> dict[str, RankedResults]:
    """Matches of every kind, best first: ``{"posts": …, "potensi": …, "produk": …}``.

    Each value is a ``RankedResults`` of at most ``RESULT_CAP`` rows (``capped`` when more
    matched): it can be counted with ``.count()``, sliced and paginated. Posts must be live,
    potensi and produk shown on the site, and their KIM active. One query ranks all three
    kinds; each page of rows is one more.
    """
    return search_targets(tuple(TARGETS.values()), query, kabupaten=kabupaten)


# --- Index maintenance (SQLite; PostgreSQL's triggers) --------------------------------


def document_text(title: str, summary: str, tags: str, body: str) -> str:
    """What the SQLite index holds for a post (used by migration 0005)."""
    return POSTS.document_text(title, summary, tags, body)


def _uses_fts(using: str) -> bool:
    return connections[using].vendor == "sqlite"


def clear_index(*, using: str = DEFAULT_DB_ALIAS) -> None:
    if not _uses_fts(using):
        return
    with connections[using].cursor() as cursor:
        for target in TARGETS.values():
            cursor.execute(f"DELETE FROM {target.fts_table}")  # noqa: S608


def rebuild_index(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Index every post, potensi and produk again; returns the count of each kind."""
    return {key: target.rebuild(using=using) for key, target in TARGETS.items()}


def _saved(sender, instance, using: str, update_fields=None, **kwargs) -> None:
    target = _TARGET_OF_MODEL[sender]
    if update_fields is not None and not set(target.field_names).intersection(update_fields):
        return  # e.g. a status change: whether a row is shown is checked when searching
    target.index(instance.pk, using=using)


def _deleted(sender, instance, using: str, **kwargs) -> None:
    _TARGET_OF_MODEL[sender].unindex(instance.pk, using=using)


def connect_signals() -> None:
    for target in TARGETS.values():
        name = target.model._meta.model_name
        post_save.connect(_saved, sender=target.model, dispatch_uid=f"sites.search.{name}_saved")
        post_delete.connect(
            _deleted, sender=target.model, dispatch_uid=f"sites.search.{name}_deleted"
        )
