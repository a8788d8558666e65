"""What one submission of the public form costs (queries, round trips to Redis), and that
a form sent twice, one after the other or at the same moment, stores one case.

The numbers are the steady state of an app server: the tenant, the kabupaten's
categories and desa, the holidays and the content types are already in the process's
memory (one submission before the one that is counted). bench/README.md ("Submissions")
says where each query goes.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.aspirations import limits
from jembatan.aspirations.models import Aspiration, Category, ReporterKey
from jembatan.aspirations.tests import test_views
from jembatan.aspirations.tests.test_views import SUBMIT, text
from jembatan.core import ratelimit
from jembatan.testing.factories import OfficeFactory, region_chain

# One submission, on a visitor's first visit (no session yet), in one transaction: BEGIN,
# the case, its reporter key, its first event and its audit row (4 INSERTs), the new
# session (one INSERT ... ON CONFLICT DO NOTHING, no savepoint: core.sessions), COMMIT.
# No SELECT at all, and one commit (one flush to disk).
SUBMIT_QUERIES = 7
# On PostgreSQL the four rows of the case go in one message (core.compiled.insert_together):
# BEGIN, that message, the session, COMMIT: four round trips where there were seven.
SUBMIT_QUERIES_POSTGRESQL = 4
# The limits: the flood guard and the stored case (for the address and the contact)
# counted in one trip, which also answers whether they allow it (aspirations.limits);
# a form that stores nothing gives the case's counts back in a second trip.
SUBMIT_REDIS_TRIPS = 1
# All in all: those, and the kabupaten marked changed for the workspace's shared counts,
# written once after the commit (core.registry; it was 3: the mark was also written at
# the save).
SUBMIT_ALL_REDIS_TRIPS = 2
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def intake(db):
    """A desa and a category of the kabupaten the test hosts serve, without the shared
    world (these tests also run outside a test transaction)."""
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.1010", "Sebalo")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    return {
        "category": category.pk,
        "region": desa.code,
        "description": "Lampu jalan di RT 04 mati sejak seminggu.",
        "reporter_phone": "0812 3456 7890",
        "visibility": "anonim",
        "website": "",
    }


@pytest.fixture
def on_redis(settings):
    """The cache (rate limits) on a real Redis, under a prefix of this test's own."""
    prefix = f"cost-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "jembatan.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    caches["default"].close()


def count_trips(monkeypatch, *, every: bool = False) -> list[bytes]:
    """Every command sent to Redis from now on that touches a rate limit (or ``every``
    one), one entry per round trip (a pipeline is one)."""
    sent: list[bytes] = []
    real = redis.connection.AbstractConnection.send_packed_command

    def send(self, command, check_health=True):
        packed = b"".join(command) if isinstance(command, list) else bytes(command)
        if every or b"rl:" in packed:
            sent.append(packed)
        return real(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", send)
    return sent


def submit(data: dict, **extra) -> object:
    """The form from a new visitor (no cookie), as a phone sends it."""
    return Client().post(SUBMIT, data | {"client_id": uuid.uuid4().hex} | extra)


@pytest.mark.django_db(transaction=True)
def test_a_submission_costs_at_most_the_stated_queries(intake):
    assert submit(intake).status_code == 302  # the process is warm from here on

    with CaptureQueriesContext(connection) as queries:
        response = submit(intake, description="Jalan ke dusun 3 berlubang besar.")

    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= SUBMIT_QUERIES, "\n".join(sql)
    if connection.vendor == "postgresql":
        assert len(sql) <= SUBMIT_QUERIES_POSTGRESQL, "\n".join(sql)
        together = [s for s in sql if s.startswith('INSERT INTO "aspirations_aspiration"')]
        assert len(together) == 1, "\n".join(sql)
        for table in ("aspirations_reporterkey", "aspirations_caseevent", "accounts_auditlog"):
            assert f'INSERT INTO "{table}"' in together[0]
    assert not [s for s in sql if s.startswith("SELECT")], "\n".join(sql)
    assert [s for s in sql if s.startswith("COMMIT")] == ["COMMIT"], "\n".join(sql)
    assert not [s for s in sql if "SAVEPOINT" in s], "\n".join(sql)
    assert any(s.startswith('INSERT INTO "django_session"') for s in sql), "\n".join(sql)
    case = Aspiration.objects.get(description="Jalan ke dusun 3 berlubang besar.")
    assert response["Location"] == f"/aspirasi/{case.code}/terkirim/"
    assert case.events.count() == 1 and ReporterKey.objects.filter(aspiration=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_answer_page_follows_from_the_session_written_in_one_statement(intake):
    visitor = Client()
    response = visitor.post(SUBMIT, intake | {"client_id": uuid.uuid4().hex})
    case = Aspiration.objects.get()
    page = visitor.get(response["Location"])
    assert page.status_code == 200
    # The private link is shown once, to the browser that sent the form.
    assert f"/aspirasi/{case.code}/?k=" in text(page)
    assert f"/aspirasi/{case.code}/?k=" not in text(Client().get(response["Location"], follow=True))


def test_the_limits_cost_one_round_trip_to_redis(intake, on_redis, monkeypatch):
    assert submit(intake).status_code == 302
    sent = count_trips(monkeypatch)

    response = submit(intake, description="Jalan ke dusun 3 berlubang besar.")

    assert response.status_code == 302
    assert len(sent) == SUBMIT_REDIS_TRIPS, sent
    assert Aspiration.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_submission_costs_two_round_trips_to_redis_in_all(intake, on_redis, monkeypatch):
    assert submit(intake).status_code == 302
    sent = count_trips(monkeypatch, every=True)

    response = submit(intake, description="Jalan ke dusun 3 berlubang besar.")

    assert response.status_code == 302
    assert len(sent) == SUBMIT_ALL_REDIS_TRIPS, sent
    assert b"workspace:changed:61.07" in sent[-1]  # after the commit


def test_the_limits_hold_on_redis(intake, on_redis, settings):
    """The limits read and counted in batches still refuse what they refused one by one."""
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    settings.ASPIRATION_SUBMIT_CONTACT_LIMIT = 3
    for n in range(2):
        assert submit(intake, description=f"Aspirasi nomor {n}.").status_code == 302
    refused = submit(intake, description="Aspirasi nomor 2.")
    assert refused.status_code == 429
    assert "Terlalu banyak kiriman" in text(refused)
    # The same phone number, written another way, from another address: its third case
    # is stored, the fourth is refused for the number.
    other = {"REMOTE_ADDR": "10.9.8.7"}
    phone = {"reporter_phone": "+62 812-3456-7890"}
    assert (
        Client(**other)
        .post(
            SUBMIT,
            intake | phone | {"description": "Jembatan dusun tiga putus.", "client_id": "c" * 20},
        )
        .status_code
        == 302
    )
    refused = Client(**other).post(
        SUBMIT, intake | phone | {"description": "Jembatan dusun empat putus."}
    )
    assert refused.status_code == 429
    assert "nomor HP atau email ini" in text(refused)
    assert Aspiration.objects.count() == 3


def test_forms_that_store_nothing_give_their_counts_back_on_redis(intake, on_redis, settings):
    """Counted ahead, given back: typos, a retry and a refused form use up nothing."""
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    settings.ASPIRATION_SUBMIT_CONTACT_LIMIT = 2
    visitor = Client()
    for _ in range(4):
        assert visitor.post(SUBMIT, intake | {"description": ""}).status_code == 400
    data = intake | {"client_id": "c0ffee" * 4}
    assert visitor.post(SUBMIT, data).status_code == 302
    assert visitor.post(SUBMIT, data).status_code == 302  # the same form again: its case
    assert visitor.post(SUBMIT, intake | {"description": "Aspirasi kedua."}).status_code == 302
    refused = visitor.post(SUBMIT, intake | {"description": "Aspirasi ketiga."})
    assert refused.status_code == 429
    assert Aspiration.objects.count() == 2
    key = ratelimit.visitor_key(refused.wsgi_request)
    stored, contact = ratelimit.rate_limit_batch(
        reads=[("aspiration", key), ("aspiration-contact", limits._contact_keys(intake)[0])]
    )[1]
    assert (stored, contact) == (2, 2)  # the two cases, nothing else


def test_a_give_back_never_reopens_an_ended_window(on_redis):
    ratelimit.rate_limit_give_back([("t", "gone")])
    assert ratelimit.rate_limit_batch(reads=[("t", "gone")])[1] == [0]
    client = redis.Redis.from_url(REDIS_TEST_URL)
    assert not [k for k in client.scan_iter("*rl:t:gone*")]
    ratelimit.rate_limit_batch(hits=[("t", "open", 60), ("t", "open", 60)])
    ratelimit.rate_limit_give_back([("t", "open")])
    assert ratelimit.rate_limit_batch(reads=[("t", "open")])[1] == [1]


def test_a_double_tap_stores_one_case(intake):
    visitor = Client()
    data = intake | {"client_id": "a1b2c3d4-e5f6-4711-8899-aabbccddeeff"}
    first = visitor.post(SUBMIT, data)
    again = visitor.post(SUBMIT, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Aspiration.objects.count() == 1


def test_the_outbox_resending_after_the_session_was_lost_finds_the_case(intake):
    data = intake | {"client_id": "f" * 32}
    first = Client().post(SUBMIT, data)
    again = Client().post(SUBMIT, data)  # the same text from a browser without the session
    assert first["Location"] == again["Location"]
    assert Aspiration.objects.count() == 1


def test_someone_else_with_the_same_id_and_a_photo_gets_a_case_of_their_own(
    intake, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = intake | {"client_id": "e" * 32}
    first = Client().post(SUBMIT, data)
    photo = test_views.SimpleUploadedFile("a.jpg", test_views.jpeg(), content_type="image/jpeg")
    other = Client().post(
        SUBMIT, data | {"description": "Teks lain sama sekali.", "photos": [photo]}
    )
    assert first.status_code == other.status_code == 302
    assert first["Location"] != other["Location"]
    theirs = Aspiration.objects.get(description="Teks lain sama sekali.")
    # The photo was read again for the second try, and stored whole with their case.
    assert theirs.photos.count() == 1
    assert theirs.client_id != f"web:{'e' * 32}"


# Every index of the case table is written by each submission. These served no query
# (migration 0015): the code's pattern index (the code is looked up whole), and the
# kabupaten's and the office's own, which aspiration_queue_idx and aspiration_office_idx
# cover. The kabupaten's and the desa's pattern indexes serve prefix scopes and stay.
DROPPED_INDEXES = {
    "aspirations_aspiration_code_67c8517b_like",
    "aspirations_aspiration_kabupaten_id_d491ccb1",
    "aspirations_aspiration_office_id_d49589f3",
}
CASE_INDEXES = 17  # 20 before


@pytest.mark.postgresql
def test_a_submission_writes_no_index_that_no_query_reads(db):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "aspirations_aspiration")
    # Indexes, and the unique constraints and the primary key (each is an index too).
    indexes = {name for name, about in found.items() if about["index"] or about["unique"]}
    assert not indexes & DROPPED_INDEXES
    assert {
        "aspirations_aspiration_code_key",
        "aspiration_queue_idx",
        "aspiration_office_idx",
        "aspirations_aspiration_kabupaten_id_d491ccb1_like",
        "aspirations_aspiration_region_id_d524a9af_like",
    } <= indexes
    assert len(indexes) == CASE_INDEXES, sorted(indexes)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_form_sent_twice_at_the_same_moment_stores_one_case(intake):
    """Two copies of one form (a double tap on a slow link, the outbox and the page at
    once) race to the insert: the unique client id lets one in and the other finds it."""
    data = intake | {"client_id": "d" * 32}
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def send() -> None:
        try:
            barrier.wait()
            answers.append(Client().post(SUBMIT, data)["Location"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 2 and answers[0] == answers[1]
    assert Aspiration.objects.count() == 1


def test_rate_limit_batch_is_the_same_as_one_at_a_time_on_redis(on_redis):
    for _ in range(3):
        ratelimit.rate_limit_exceeded("t", "a", limit=9, window=60)
    counted, read = ratelimit.rate_limit_batch(
        hits=[("t", "a", 60), ("t", "b", 60)], reads=[("t", "a"), ("t", "none")]
    )
    assert counted == [4, 1]
    assert read == [4, 0]
    assert ratelimit.rate_limit_reached("t", "b", limit=0) is True
