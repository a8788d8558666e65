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
