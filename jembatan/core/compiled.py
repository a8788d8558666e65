"""Model queries compiled to SQL once per process, for the few that every request makes.

Django turns a queryset into SQL each time it is evaluated. For the reads every signed-in
request makes before its view runs (the user, the device of the second step, the roles
with their regions and offices) that costs more CPU than PostgreSQL spends answering them:
about a millisecond for the roles' join of four tables, on every staff page.

A ``CompiledQuery`` builds its queryset once per database with placeholder values, keeps
the SQL and Django's own description of the columns, and then runs that SQL with the
values of the call, making the model instances (and their ``select_related`` objects, the
database's values converted) the way the queryset would. The SQL of a queryset depends
only on the models and the database, never on the request: the placeholders are the only
values that change, and each must appear once among the query's parameters as the same
plain ``int`` or ``str`` (so that no database converts it: ids, keys, codes).

Only plain model querysets: no ``values()``, ``prefetch_related`` or annotations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # not in the stubs
    ModelIterable,
    get_related_populators,
)
from django.db.models.signals import post_save, pre_save

try:  # several statements in one message: psycopg's client-side binding cursor
    from psycopg import ClientCursor
except ImportError:  # pragma: no cover (an install without PostgreSQL's driver)
    ClientCursor = None  # type: ignore[assignment,misc]

M = TypeVar("M", bound=Model)

# Rows read ahead by ``read_together``, by (query, database, values): each answers the
# first call with those values made inside it, once.
_ready: ContextVar[dict[tuple[int, str, tuple[Any, ...]], list[Any]] | None] = ContextVar(
    "jembatan_compiled_ready", default=None
)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    compiler: Any
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]


class CompiledQuery(Generic[M]):
    """``build(*placeholders)`` compiled once per database; ``query(*values)`` runs it with
    ``values`` in place of the placeholders and returns the instances, in the query's
    order."""

    def __init__(self, build: Callable[..., QuerySet[M]], *placeholders: int | str) -> None:
        for value in placeholders:
            if type(value) not in (int, str):
                raise ImproperlyConfigured(f"placeholder {value!r}: a plain int or str")
        self._build = build
        self._placeholders = placeholders
        self._model: type[M] | None = None
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *values: int | str) -> list[M]:
        alias, compiled = self._prepared(values)
        ready = _ready.get()
        rows = ready.pop((id(self), alias, values), None) if ready is not None else None
        if rows is None:
            with connections[alias].cursor() as cursor:
                cursor.execute(compiled.sql, self._params(compiled, values))
                rows = cursor.fetchall()
        return self._instances(alias, compiled, rows)

    @staticmethod
    def _params(compiled: _Compiled, values: Sequence[int | str]) -> list[Any]:
        params = list(compiled.params)
        for position, value in zip(compiled.positions, values, strict=True):
            params[position] = value
        return params

    def _prepared(self, values: Sequence[int | str]) -> tuple[str, _Compiled]:
        """The database alias and the compiled statement for a call with ``values``."""
        if len(values) != len(self._placeholders):
            raise TypeError(f"{len(self._placeholders)} values expected, {len(values)} given")
        wanted = router.db_for_read(self._model) if self._model is not None else None
        compiled = self._compiled.get(wanted) if wanted is not None else None
        if compiled is None or wanted is None:
            return self._compile(wanted)
        return wanted, compiled

    def _instances(self, alias: str, compiled: _Compiled, rows: list[Any]) -> list[M]:
        compiler = compiled.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        model = compiler.klass_info["model"]
        found = []
        for row in compiler.results_iter(results=[rows]):
            obj = model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def _compile(self, alias: str | None) -> tuple[str, _Compiled]:
        queryset = self._build(*self._placeholders)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset.query.annotations
        ):
            raise ImproperlyConfigured("CompiledQuery: a plain model queryset only")
        self._model = queryset.model
        alias = alias or queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            positions=_positions(params, self._placeholders),
            compiler=compiler,
            **_layout(compiler, alias),
        )
        self._compiled[alias] = compiled
        return alias, compiled

    def forget(self) -> None:
        """Compile again at the next call (tests that change the models' tables)."""
        self._compiled.clear()


def _positions(params: Sequence[Any], placeholders: Sequence[int | str]) -> tuple[int, ...]:
    positions = []
    for value in placeholders:
        found = [i for i, p in enumerate(params) if type(p) is type(value) and p == value]
        if len(found) != 1:
            raise ImproperlyConfigured(
                f"CompiledQuery: placeholder {value!r} is {len(found)} of the query's "
                "parameters; it must be exactly one (choose a value nothing else uses)"
            )
        positions.append(found[0])
    return tuple(positions)


def _layout(compiler: Any, alias: str) -> dict[str, Any]:
    """Where the model's own columns are in a row, and the populators of the related
    objects: what Django's ModelIterable works out for each evaluation."""
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return {
        "start": start,
        "end": end,
        "init_list": [f[0].target.attname for f in select[start:end]],
        "populators": get_related_populators(klass_info, select, alias),
    }


# A count's SQL, its parameters and where the placeholders are among them.
_CountSql = tuple[str, tuple[Any, ...], tuple[int, ...]]


class CompiledCount:
    """``build(*placeholders).count()`` compiled once per database: ``count(*values)`` runs
    the SQL with ``values`` in place of the placeholders (the same rules as
    ``CompiledQuery``) and returns the number of rows."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *placeholders: int | str) -> None:
        for value in placeholders:
            if type(value) not in (int, str):
                raise ImproperlyConfigured(f"placeholder {value!r}: a plain int or str")
        self._build = build
        self._placeholders = placeholders
        self._model: type[Model] | None = None
        self._compiled: dict[str, _CountSql] = {}

    def __call__(self, *values: int | str) -> int:
        if len(values) != len(self._placeholders):
            raise TypeError(f"{len(self._placeholders)} values expected, {len(values)} given")
        alias = router.db_for_read(self._model) if self._model is not None else None
        compiled = self._compiled.get(alias) if alias is not None else None
        if compiled is None or alias is None:
            alias, compiled = self._compile(alias)
        sql, base, positions = compiled
        params = list(base)
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def _compile(self, alias: str | None) -> tuple[str, _CountSql]:
        queryset = self._build(*self._placeholders)
        if queryset.query.is_sliced or queryset.query.distinct:
            raise ImproperlyConfigured("CompiledCount: no slices or distinct")
        self._model = queryset.model
        alias = alias or queryset.db
        # The rows' primary keys, counted: the same rows as count() (no slice, no distinct).
        inner = queryset.order_by().values("pk").query
        sql, params = inner.get_compiler(using=alias).as_sql()
        compiled = (
            f"SELECT COUNT(*) FROM ({sql}) counted",  # noqa: S608 (the ORM's own SQL)
            tuple(params),
            _positions(params, self._placeholders),
        )
        self._compiled[alias] = compiled
        return alias, compiled


@contextmanager
def read_together(
    calls: Sequence[tuple[CompiledQuery[Any], tuple[int | str, ...]]],
) -> Iterator[None]:
    """Send the statements of ``calls`` (each a compiled query and the values of a call
    about to be made) in one round trip, on PostgreSQL with client-side binding (several
    statements in one message, each its own result), where they are on one database;
    inside the block, each of those calls is answered from its rows, once. The same
    statements, read at the same moment: only the round trips are fewer. Elsewhere (SQLite)
    nothing is read ahead and each call reads as usual."""
    prepared = [(query, values, *query._prepared(values)) for query, values in calls]
    aliases = {alias for _query, _values, alias, _compiled in prepared}
    if len(prepared) < 2 or len(aliases) != 1:
        yield
        return
    connection = connections[aliases.pop()]
    if connection.vendor != "postgresql" or ClientCursor is None:
        yield
        return
    with connection.cursor() as cursor:
        if not isinstance(cursor.cursor, ClientCursor):  # server-side binding: one each
            yield
            return
        sql = ";\n".join(compiled.sql for _q, _v, _a, compiled in prepared)
        params = [
            p
            for _q, values, _a, compiled in prepared
            for p in CompiledQuery._params(compiled, values)
        ]
        cursor.execute(sql, params)
        ready: dict[tuple[int, str, tuple[Any, ...]], list[Any]] = {}
        for number, (query, values, alias, _compiled) in enumerate(prepared):
            if number:
                cursor.cursor.nextset()
            ready[(id(query), alias, tuple(values))] = cursor.fetchall()
    token = _ready.set(ready)
    try:
        yield
    finally:
        _ready.reset(token)


# --- New rows written together ------------------------------------------------------------


@dataclass(frozen=True)
class _InsertSql:
    sql: str
    fields: tuple[Any, ...]  # the columns given values, in the statement's order


# By model, database alias, vendor and the columns that take an earlier row's key.
_inserts: dict[tuple[type[Model], str, str, tuple[str, ...]], _InsertSql] = {}


def _as_text(field: Any) -> bool:
    """Whether a column that takes another row's key holds it as text (an object id)."""
    return field.get_internal_type() in {"CharField", "TextField"}


def _insert_sql(model: type[Model], alias: str, refs: tuple[str, ...]) -> _InsertSql:
    connection = connections[alias]
    key = (model, alias, connection.vendor, refs)
    found = _inserts.get(key)
    if found is None:
        meta = model._meta
        quote = connection.ops.quote_name
        # The columns Model.save() gives the INSERT of a new row without a key of its own.
        fields = tuple(
            f
            for f in meta.local_concrete_fields
            if f is not meta.auto_field and not getattr(f, "generated", False)
        )
        values = []
        for field in fields:
            if field.attname not in refs:
                values.append("%s")
                continue
            # The key of the row inserted last by this session into the table named by the
            # parameters: its sequence's current value (insert_together checks that no
            # row of that table comes in between).
            current = "currval(pg_get_serial_sequence(%s, %s))"
            values.append(f"CAST({current} AS text)" if _as_text(field) else current)
        columns = ", ".join(quote(f.column) for f in fields)
        found = _inserts[key] = _InsertSql(
            sql=(
                f"INSERT INTO {quote(meta.db_table)} ({columns})"  # noqa: S608 (names only)
                f" VALUES ({', '.join(values)}) RETURNING {quote(meta.pk.column)}"
            ),
            fields=fields,
        )
    return found


def _set_refs(row: Model, refs: dict[str, Model]) -> None:
    for name, source in refs.items():
        field = next(f for f in row._meta.concrete_fields if f.attname == name)
        setattr(row, name, str(source.pk) if _as_text(field) else source.pk)


def insert_together(
    rows: Sequence[tuple[Model, dict[str, Model]]], *, using: str | None = None
) -> None:
    """Save the new ``rows`` as ``row.save()`` would (the same columns and values, the
    pre_save and post_save signals, the key set on each row), in one round trip on
    PostgreSQL with client-side binding: the INSERTs ``save()`` sends, written once per
    process, in one message. Each row comes with its ``refs``: the columns (by attname)
    that take the key of an earlier row of ``rows`` (a foreign key, or a text column such
    as the audit row's object id), which has none yet; a row referred to must be the last
    of its model before the row that refers to it. Elsewhere (SQLite, server-side binding)
    each row is saved in turn. Call it inside the transaction the rows belong to, or
    outside any: one message is one transaction on PostgreSQL."""
    alias = using or router.db_for_write(type(rows[0][0]))
    connection = connections[alias]
    together = connection.vendor == "postgresql" and ClientCursor is not None
    if together:
        with connection.cursor() as cursor:
            together = isinstance(cursor.cursor, ClientCursor)
    if not together:
        for row, refs in rows:
            _set_refs(row, refs)
            row.save(force_insert=True, using=alias)
        return
    statements: list[tuple[str, list[Any]]] = []
    last: dict[type[Model], Model] = {}
    for row, refs in rows:
        model = type(row)
        for name, source in refs.items():
            if last.get(type(source)) is not source:
                raise ValueError(f"{name}: not the last {type(source).__name__} before it")
        for field in model._meta.concrete_fields:
            if field.is_relation and field.attname not in refs and field.is_cached(row):  # type: ignore[attr-defined]
                related = field.get_cached_value(row)  # type: ignore[attr-defined]
                if related is not None and related.pk is None:
                    raise ValueError(f"{field.name}: an unsaved row (give it in refs)")
        pre_save.send(sender=model, instance=row, raw=False, using=alias, update_fields=None)
        compiled = _insert_sql(model, alias, tuple(refs))
        params: list[Any] = []
        statements.append((compiled.sql, params))
        for field in compiled.fields:
            if field.attname in refs:
                meta = refs[field.attname]._meta
                params += [connection.ops.quote_name(meta.db_table), meta.pk.column]
                continue
            value = field.pre_save(row, add=True)
            if hasattr(value, "resolve_expression"):
                raise ImproperlyConfigured(f"insert_together: {field.attname}, an expression")
            params.append(field.get_db_prep_save(value, connection))
        last[model] = row
    with connection.cursor() as cursor:
        # Each statement's values merged into it on its own: psycopg keeps the parsed
        # form of a statement of at most 50 parameters (each of these), not of the whole
        # message (more than 50), which it would parse again on every call.
        merge = cursor.cursor.mogrify
        cursor.execute(";\n".join(merge(sql, params) for sql, params in statements))
        keys = []
        for number in range(len(rows)):
            if number:
                cursor.cursor.nextset()
            keys.append(cursor.fetchone()[0])
    for (row, refs), key in zip(rows, keys, strict=True):
        _set_refs(row, refs)
        row.pk = key
        row._state.adding = False
        row._state.db = alias
        post_save.send(
            sender=type(row), instance=row, created=True, update_fields=None, raw=False, using=alias
        )
