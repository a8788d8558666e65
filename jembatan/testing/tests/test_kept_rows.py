"""Rows kept for the transactional tests of a module (testing.db.KeptRows): built by the
first test, every later test finds exactly those rows, whatever the test before wrote,
changed or deleted, and the live server serves them. The tests run in file order: the
second and third check what the first left."""

from __future__ import annotations

import urllib.request

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from jembatan.accounts.models import User
from jembatan.communities.models import Kim
from jembatan.sites.services import post_create, post_transition
from jembatan.testing.db import kept_rows
from jembatan.testing.factories import UserFactory, build_two_tenants

pytestmark = pytest.mark.django_db(transaction=True)

SEEN: dict[str, object] = {}


def _build():
    world = build_two_tenants()
    a = world.a
    draft = post_create(actor=a.owner, kim=a.kim, data={"title": "Kerja bakti", "body": "x"})
    post_transition(actor=a.owner, post=draft, action="publish")  # the search entry too
    return world


@pytest.fixture(scope="module")
def _kept(django_db_setup, django_db_blocker):
    yield from kept_rows(django_db_blocker, _build)


def _content() -> dict[str, list[tuple]]:
    """Every row of every table (those without a model too), in order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        content = {}
        for table in tables:
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            content[table] = sorted(map(repr, cursor.fetchall()))
    return content


def test_the_first_test_builds_the_rows_and_changes_them(_kept):
    world = _kept.put()
    assert _kept.builds == 1
    content = _content()
    assert len(content[Kim._meta.db_table]) == 2 and content[User._meta.db_table]
    SEEN["content"] = content
    # Changed, deleted and new rows, in tables the next tests read.
    Kim.objects.filter(pk=world.a.kim.pk).update(name="Diubah")
    User.objects.filter(pk=world.b.outsider.pk).delete()
    UserFactory(full_name="Baru")
    post_create(actor=world.a.owner, kim=world.a.kim, data={"title": "Lagi", "body": "y"})
    assert _content() != content


def test_the_next_test_finds_exactly_the_rows_built(_kept):
    world = _kept.put()
    assert _kept.builds == 1  # not built again
    assert _content() == SEEN["content"]
    assert Kim.objects.get(pk=world.a.kim.pk).name == world.a.kim.name != "Diubah"
    # The content types came back under their old ids: the process's cache forgot the new.
    assert ContentType.objects.get_for_model(Kim).model_class() is Kim
    # New rows get ids that no kept row has.
    assert UserFactory(full_name="Baru").pk not in {world.a.owner.pk, world.b.outsider.pk}
    User.objects.filter(pk=world.a.member.pk).delete()


def test_the_live_server_serves_the_kept_rows(_kept, live_server):
    world = _kept.put()
    assert _content() == SEEN["content"]
    url = f"{live_server.url}/kim/{world.a.kim.slug}/"
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (the live server)  # noqa: S310 (http, the live server)
        page = answer.read().decode()
    assert answer.status == 200 and world.a.kim.name in page
