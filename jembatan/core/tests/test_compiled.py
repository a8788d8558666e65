"""Queries compiled once per process (jembatan.core.compiled): the same instances as the
queryset, the values of each call, one statement and no compilation after the first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.core.compiled import CompiledCount, CompiledQuery, read_together
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

PLACEHOLDER = -424242


def _memberships(user_id: int):
    return (
        Membership.objects.filter(user_id=user_id, user__is_active=True)
        .select_related("region", "office", "office__kabupaten")
        .order_by("role", "region_id", "pk")
    )


def _fields(obj):
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


@pytest.fixture
def staff() -> User:
    user = UserFactory()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = Office.objects.create(kabupaten=kabupaten, name="X")
    MembershipFactory(user=user, role=Role.OPD_OFFICER, region=kabupaten, office=office)
    MembershipFactory(user=user, role=Role.CAMAT, region=region_chain("61.07.04"))
    MembershipFactory(user=user, role=Role.OPERATOR, region=None)
    MembershipFactory(role=Role.KABUPATEN_ADMIN)  # someone else's
    return user


def test_same_instances_and_related_objects_as_the_queryset(staff):
    query = CompiledQuery(_memberships, PLACEHOLDER)
    expected = list(_memberships(staff.pk))
    found = query(staff.pk)
    assert len(found) == 3
    assert [m.pk for m in found] == [m.pk for m in expected]
    for got, want in zip(found, expected, strict=True):
        # Every field converted as the ORM converts it (the date and time, the flag).
        assert _fields(got) == _fields(want)
        assert got._state.db == want._state.db and not got._state.adding
        # The select_related objects are there, None where the key is empty, without a query.
        with CaptureQueriesContext(connection) as queries:
            assert got.region == want.region
            assert got.office == want.office
            if got.office is not None:
                assert got.office.kabupaten == want.office.kabupaten
                assert _fields(got.office.kabupaten) == _fields(want.office.kabupaten)
        assert not queries.captured_queries
    assert {m.office is None for m in found} == {True, False}
    assert {m.region is None for m in found} == {True, False}


def test_each_call_reads_its_values_and_the_current_rows(staff):
    query = CompiledQuery(_memberships, PLACEHOLDER)
    assert len(query(staff.pk)) == 3
    other = UserFactory()
    assert query(other.pk) == []
    MembershipFactory(user=other, role=Role.CAMAT, region=region_chain("61.07.01"))
    assert [m.role for m in query(other.pk)] == [Role.CAMAT]
    # A condition of the query still holds: the roles of an inactive user are none.
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert query(staff.pk) == []


def test_one_statement_and_no_compilation_after_the_first(staff, monkeypatch):
    query = CompiledQuery(_memberships, PLACEHOLDER)
    query(staff.pk)
    compiled = []
    monkeypatch.setattr(
        "django.db.models.sql.compiler.SQLCompiler.as_sql",
        lambda *a, **k: compiled.append(a) or pytest.fail("compiled again"),
    )
    with CaptureQueriesContext(connection) as queries:
        assert len(query(staff.pk)) == 3
    assert len(queries.captured_queries) == 1
    assert str(staff.pk) in queries.captured_queries[0]["sql"]
    assert not compiled


def test_slices_and_several_placeholders():
    users = [UserFactory() for _ in range(3)]
    query = CompiledQuery(
        lambda low, email: User.objects.filter(pk__gte=low, email=email).order_by("pk")[:1],
        PLACEHOLDER,
        "placeholder@example.invalid",
    )
    assert query(users[0].pk, users[1].email) == [users[1]]
    assert query(users[2].pk, users[1].email) == []


def test_refuses_what_it_cannot_run_as_the_queryset():
    with pytest.raises(ImproperlyConfigured):
        CompiledQuery(lambda when: User.objects.filter(last_login__gte=when), 1.5)  # type: ignore[arg-type]
    annotated = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).annotate(n=Count("memberships")), PLACEHOLDER
    )
    with pytest.raises(ImproperlyConfigured):
        annotated(1)
    values = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values("pk"), PLACEHOLDER)
    with pytest.raises(ImproperlyConfigured):
        values(1)
    # A placeholder must be one parameter, exactly: here it is none of them.
    absent = CompiledQuery(lambda pk: User.objects.filter(pk=7), PLACEHOLDER)
    with pytest.raises(ImproperlyConfigured):
        absent(1)
    with pytest.raises(TypeError):
        CompiledQuery(_memberships, PLACEHOLDER)()


def test_a_compiled_count_counts_the_querysets_rows_with_each_calls_values(staff, monkeypatch):
    def build(pk):
        return Membership.objects.filter(user_id=pk, user__is_active=True)

    count = CompiledCount(build, PLACEHOLDER)
    assert count(staff.pk) == build(staff.pk).count() == 3
    other = UserFactory()
    assert count(other.pk) == 0
    MembershipFactory(user=other, role=Role.CAMAT, region=region_chain("61.07.01"))
    monkeypatch.setattr(
        "django.db.models.sql.compiler.SQLCompiler.as_sql",
        lambda *a, **k: pytest.fail("compiled again"),
    )
    with CaptureQueriesContext(connection) as queries:
        assert count(other.pk) == 1
    assert len(queries.captured_queries) == 1
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert count(staff.pk) == 0
    with pytest.raises(TypeError):
        count()


def test_a_compiled_count_refuses_slices_and_loose_placeholders():
    sliced = CompiledCount(lambda pk: User.objects.filter(pk=pk)[:1], PLACEHOLDER)
    with pytest.raises(ImproperlyConfigured):
        sliced(1)
    with pytest.raises(ImproperlyConfigured):
        CompiledCount(lambda pk: User.objects.filter(pk=7), PLACEHOLDER)(1)
    with pytest.raises(ImproperlyConfigured):
        CompiledCount(lambda when: User.objects.all(), 1.5)  # type: ignore[arg-type]


def test_reads_sent_together_give_each_call_its_own_rows_once(staff):
    users = CompiledQuery(lambda pk: User.objects.filter(pk=pk), PLACEHOLDER)
    roles = CompiledQuery(_memberships, PLACEHOLDER)
    other = UserFactory()
    with (
        CaptureQueriesContext(connection) as queries,
        read_together([(users, (staff.pk,)), (roles, (staff.pk,)), (roles, (other.pk,))]),
    ):
        assert users(staff.pk) == [staff]
        found = roles(staff.pk)
        assert [m.pk for m in found] == [m.pk for m in _memberships(staff.pk)]
        assert found[0].region == _memberships(staff.pk)[0].region
        assert roles(other.pk) == []
        # Each read answers once: a second call reads the rows as they are then.
        MembershipFactory(user=other, role=Role.CAMAT, region=region_chain("61.07.02"))
        assert len(roles(other.pk)) == 1
    sent = [q["sql"] for q in queries.captured_queries if "accounts_" in q["sql"]]
    if connection.vendor == "postgresql":
        # One round trip for the three, then the second read of the other's roles.
        assert len([s for s in sent if "SELECT" in s and s.count(";") == 2]) == 1
    else:  # nothing read ahead where one message cannot carry several statements
        assert not any(s.count("SELECT") > 2 for s in sent)
    assert users(staff.pk) == [staff]  # outside the block: read as usual
