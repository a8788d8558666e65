"""Rows built once for many tests, as Django's ``TestCase.setUpTestData`` does for a class.

A module- or class-scoped fixture that calls ``built_once`` makes its rows inside a
transaction that stays open while the scope lasts and is rolled back when it ends. Each
test's own transaction (pytest-django's ``db``) is then a savepoint inside it: whatever a
test writes disappears after it, and the shared rows are there for the next test. Python
objects are not rolled back, so a test gets its own deep copy (``fresh_copy``), as
``setUpTestData`` attributes are copied for each test.

Not for modules whose tests use ``transactional_db`` or ``live_server``: those flush the
tables, which the open transaction would not survive.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def built_once(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Generator body of a wide-scoped fixture: ``yield from built_once(blocker, build)``."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh_copy(value: T) -> T:
    """A test's own copy of the shared objects (model instances with their caches)."""
    return copy.deepcopy(value)
