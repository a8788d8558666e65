"""The session store: Django's database sessions, each write one statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jembatan.core import sessions


@pytest.mark.django_db(transaction=True)
def test_a_new_session_is_one_insert_and_an_update_one_update():
    store = sessions.SessionStore()
    store["seen"] = ["ABC123"]
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert sessions.SessionStore(store.session_key)["seen"] == ["ABC123"]

    store["seen"] = ["ABC123", "DEF456"]
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert sessions.SessionStore(store.session_key)["seen"] == ["ABC123", "DEF456"]


@pytest.mark.django_db(transaction=True)
def test_a_taken_key_gets_another_one(monkeypatch):
    taken = sessions.SessionStore()
    taken["who"] = "first"
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(sessions.SessionStore, "_get_new_session_key", lambda self: next(keys))

    store = sessions.SessionStore()
    store["who"] = "second"
    store.save()

    assert store.session_key == "k" * 32
    assert sessions.SessionStore(taken.session_key)["who"] == "first"
    assert Session.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_session_deleted_meanwhile_is_not_written_again():
    store = sessions.SessionStore()
    store["who"] = "x"
    store.save()
    Session.objects.all().delete()  # signed out elsewhere, or expired and cleared
    store["who"] = "y"
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_taken_key_leaves_the_transaction_usable(monkeypatch):
    taken = sessions.SessionStore()
    taken.save()
    keys = iter([taken.session_key, "m" * 32])
    monkeypatch.setattr(sessions.SessionStore, "_get_new_session_key", lambda self: next(keys))
    with transaction.atomic():
        store = sessions.SessionStore()
        store["who"] = "inside"
        store.save()  # the taken key inserts nothing and breaks nothing: another is tried
        assert Session.objects.count() == 2
    assert sessions.SessionStore("m" * 32)["who"] == "inside"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_new_session_is_one_insert_without_a_savepoint():
    """The aspiration form writes the session in the case's transaction: the one INSERT,
    no SAVEPOINT and RELEASE around it (two round trips on every case)."""
    with transaction.atomic():
        store = sessions.SessionStore()
        store["who"] = "inside"
        with CaptureQueriesContext(connection) as queries:
            store.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert sessions.SessionStore(store.session_key)["who"] == "inside"


def test_new_keys_are_32_valid_characters_and_differ():
    keys = {sessions.SessionStore()._get_new_session_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(k) == 32 and set(k) <= set(VALID_KEY_CHARS) for k in keys)


@pytest.mark.django_db(transaction=True)
def test_saving_again_what_was_just_written_writes_nothing():
    store = sessions.SessionStore()
    store["seen"] = ["ABC123"]
    store.save()
    with CaptureQueriesContext(connection) as queries:
        store.save()  # the middleware after a view that saved it: nothing new
    assert queries.captured_queries == []
    store["seen"] = ["ABC123", "XYZ789"]
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert len(queries.captured_queries) == 1
    assert sessions.SessionStore(store.session_key)["seen"] == ["ABC123", "XYZ789"]


@pytest.mark.django_db(transaction=True)
def test_loading_is_one_select_of_a_session_not_expired():
    store = sessions.SessionStore()
    store["who"] = "x"
    store.save()
    with CaptureQueriesContext(connection) as queries:
        loaded = sessions.SessionStore(store.session_key)
        assert loaded["who"] == "x"
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"]
    assert loaded.session_key == store.session_key
    # Changed by another request: the next load reads the row as it is now.
    other = sessions.SessionStore(store.session_key)
    other["who"] = "y"
    other.save()
    assert sessions.SessionStore(store.session_key)["who"] == "y"


@pytest.mark.django_db(transaction=True)
def test_an_expired_or_unknown_session_loads_empty_and_gets_a_new_key():
    store = sessions.SessionStore()
    store["who"] = "x"
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = sessions.SessionStore(store.session_key)
    assert expired.get("who") is None
    assert expired.session_key is None
    unknown = sessions.SessionStore("u" * 32)
    assert unknown.get("who") is None
    assert unknown.session_key is None
    # A session with data saved again gets a key of its own, not the expired one.
    expired["who"] = "z"
    expired.save()
    assert expired.session_key not in (None, store.session_key)


@pytest.mark.django_db(transaction=True)
def test_the_statements_are_written_once_per_database_and_model(monkeypatch):
    sessions._statements.clear()
    first = sessions.SessionStore()
    first["who"] = "x"
    first.save()
    assert sessions.SessionStore(first.session_key)["who"] == "x"
    assert len(sessions._statements) == 1
    # Written already: the next insert and load quote no name again.
    monkeypatch.setattr(connection.ops, "quote_name", lambda name: pytest.fail("rewritten"))
    second = sessions.SessionStore()
    second["who"] = "y"
    with CaptureQueriesContext(connection) as queries:
        second.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert sessions.SessionStore(second.session_key)["who"] == "y"
    assert len(sessions._statements) == 1
