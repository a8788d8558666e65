"""Open311 GeoReport v2: discovery, services, requests (read and create), in JSON and XML."""

from __future__ import annotations

import datetime
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from jembatan.accounts.models import Office, Role, User
from jembatan.api import open311
from jembatan.api.models import AggregatorKey
from jembatan.api.services import aggregator_key_create, aggregator_key_revoke, api_token_create
from jembatan.aspirations import reporter, services
from jembatan.aspirations.models import Aspiration, Category
from jembatan.regions.models import Region
from jembatan.testing.db import built_once, fresh_copy
from jembatan.testing.factories import (
    AspirationFactory,
    CategoryFactory,
    OfficeFactory,
    StaffFactory,
    build_two_tenants,
    region_chain,
)

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
NAME = "Budi Santoso Rahasia"
PHONE = "+6281234567890"
EMAIL = "budi.rahasia@example.test"
STREET = "Gang Mawar nomor 7 rumah cat hijau"
INTERNAL = "Catatan internal: pelapor kerabat kepala desa"
# Every way the reporter (or what only staff may read) could leak into a response.
SECRETS = [
    "Budi",
    "Santoso",
    PHONE,
    "081234567890",
    "1234567890",
    EMAIL,
    "budi.rahasia",
    "Gang Mawar",
    "kerabat kepala desa",
]


@dataclass
class World:
    kabupaten: Region
    village: Region  # Sebalo 61.07.04.1010, kecamatan Sungai Betung
    other_village: Region  # Lembah Bawang 61.07.05.2002, kecamatan Teriak
    village_b: Region  # Sungai Pinyuh 61.04.05.2001, another kabupaten
    office: Office
    category: Category  # Jalan (Dinas PUPR)
    other_category: Category  # Kesehatan
    inactive: Category
    category_b: Category  # of Kabupaten Mempawah
    admin: User


def _build_world() -> World:
    build_two_tenants()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    Region.objects.filter(code="61.07.04").update(name="Sungai Betung")
    region_chain("61.07.05", "Teriak")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    return World(
        kabupaten=kabupaten,
        village=region_chain("61.07.04.1010", "Sebalo"),
        other_village=region_chain("61.07.05.2002", "Lembah Bawang"),
        village_b=region_chain("61.04.05.2001", "Sungai Pinyuh"),
        office=office,
        category=CategoryFactory(kabupaten=kabupaten, name="Jalan", office=office),
        other_category=CategoryFactory(kabupaten=kabupaten, name="Kesehatan"),
        inactive=CategoryFactory(kabupaten=kabupaten, name="Lama", is_active=False),
        category_b=CategoryFactory(
            kabupaten=region_chain("61.04", "Kabupaten Mempawah"), name="Jembatan"
        ),
        admin=StaffFactory(role=Role.KABUPATEN_ADMIN, region=kabupaten),
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Built once per file (rolled back after it); each test's writes are rolled back."""
    yield from built_once(django_db_blocker, _build_world)


@pytest.fixture
def world(db, _module_world, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return fresh_copy(_module_world)


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


def make_case(world: World, *, days_ago: float = 1, **extra) -> Aspiration:
    """A public case of Sebalo's reporter NAME at STREET, sent ``days_ago`` days ago."""
    data = {
        "category": world.category,
        "description": "Jalan berlubang di depan sekolah dasar",
        "reporter_name": NAME,
        "reporter_phone": "0812 3456 7890",
        "location": STREET,
    } | extra
    case = AspirationFactory(**data)
    created = timezone.now() - datetime.timedelta(days=days_ago)
    Aspiration.objects.filter(pk=case.pk).update(created_at=created)
    case.refresh_from_db()
    return case


def step(world: World, case: Aspiration, action: str, **kwargs) -> Aspiration:
    return services.aspiration_transition(actor=world.admin, case=case, action=action, **kwargs)


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def as_dicts(root: ET.Element) -> list[dict[str, str | None]]:
    return [{child.tag: child.text for child in item} for item in root]


def shown_ids(response) -> set[str]:
    return {row["service_request_id"] for row in response.json()}


def code(case: Aspiration) -> str:
    return services.display_code(case.code)


def assert_error(response, status: int, text: str = "") -> None:
    assert response.status_code == status
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        errors = [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")
        ]
    else:
        errors = response.json()
    assert errors and all(e["code"] == status and e["description"] for e in errors)
    assert text in " ".join(e["description"] for e in errors)


# --- Discovery and services -------------------------------------------------------------


def test_discovery_json_names_the_endpoint(client, world):
    response = client.get(f"{BASE}discovery.json")
    assert response.status_code == 200
    body = response.json()
    assert body["changeset"] and "Kabupaten Bengkayang" in body["contact"] and body["key_service"]
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2/",
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }


def test_discovery_xml(client, world):
    root = xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("changeset") == open311.CHANGESET
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_json_lists_the_active_categories_of_the_hub(client, world):
    response = client.get(f"{BASE}services.json")
    assert response.status_code == 200
    body = response.json()
    assert [s["service_name"] for s in body] == ["Jalan", "Kesehatan"]  # not Lama, not Jembatan
    jalan = body[0]
    assert jalan["service_code"] == str(world.category.pk)
    assert jalan["metadata"] is False and jalan["type"] == "realtime"
    assert jalan["group"] == "Dinas PUPR" and "Jalan" in jalan["description"]
    assert set(jalan) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }


def test_services_xml(client, world):
    root = xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    rows = as_dicts(root)
    assert [r["service_code"] for r in rows] == [
        str(world.category.pk),
        str(world.other_category.pk),
    ]
    assert {r["metadata"] for r in rows} == {"false"}
    assert {r["type"] for r in rows} == {"realtime"}
    assert [child.tag for child in root] == ["service", "service"]


def test_service_definition_of_a_known_code(client, world):
    response = client.get(f"{BASE}services/{world.category.pk}.json")
    assert response.status_code == 200
    assert response.json() == {"service_code": str(world.category.pk), "attributes": []}
    root = xml(client.get(f"{BASE}services/{world.category.pk}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == str(world.category.pk)
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_of_unknown_inactive_or_foreign_codes_is_a_404(client, world, fmt):
    for service_code in ["99999", "abc", world.inactive.pk, world.category_b.pk]:
        assert_error(client.get(f"{BASE}services/{service_code}.{fmt}"), 404, "service_code")


# --- Reading requests -------------------------------------------------------------------


def test_requests_json_shows_public_and_anonymous_cases_of_the_hub_only(client, world):
    public = make_case(world, days_ago=3)
    anonymous = make_case(world, days_ago=2, visibility="anonim")
    confidential = make_case(world, days_ago=1, visibility="rahasia")
    spam = make_case(world, days_ago=1)
    step(world, spam, "close", reason=Aspiration.CloseReason.SPAM)
    duplicate = make_case(world, days_ago=1)
    step(world, duplicate, "close", reason=Aspiration.CloseReason.DUPLICATE)
    make_case(world, region=world.village_b, category=world.category_b)  # Mempawah
    response = client.get(f"{BASE}requests.json")
    assert response.status_code == 200
    assert shown_ids(response) == {code(public), code(anonymous), code(duplicate)}
    assert code(confidential) not in response.content.decode()
    assert code(spam) not in response.content.decode()


def test_request_fields(client, world):
    case = make_case(world, photos=[jpeg()])
    [row] = client.get(f"{BASE}requests.json").json()
    assert row["service_request_id"] == code(case)
    assert row["status"] == "open" and row["status_notes"] is None
    assert row["service_name"] == "Jalan" and row["service_code"] == str(world.category.pk)
    assert row["description"] == case.description
    assert row["agency_responsible"] is None  # not disposed yet
    assert row["address"] == "Sebalo, Kecamatan Sungai Betung"
    assert row["address_id"] == "61.07.04.1010"
    assert row["lat"] is None and row["long"] is None
    # The photo is the reporter's: never in the public list (the key shows it).
    assert row["media_url"] is None
    requested = datetime.datetime.fromisoformat(row["requested_datetime"])
    assert row["requested_datetime"].endswith("+07:00")
    assert requested == case.created_at.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(row["updated_datetime"]) >= requested


def test_request_without_photo_has_no_media_url(client, world):
    make_case(world)
    [row] = client.get(f"{BASE}requests.json").json()
    assert row["media_url"] is None


def test_status_and_status_notes_follow_the_case(client, world):
    answered = make_case(world, days_ago=3)
    step(world, answered, "verify")
    step(world, answered, "dispose", office=world.office)
    services.aspiration_comment(actor=world.admin, case=answered, body=INTERNAL, public=False)
    step(world, answered, "finish", body="Lubang sudah ditambal pekan ini.")
    commented = make_case(world, days_ago=2)
    services.aspiration_comment(
        actor=world.admin, case=commented, body="Kami cek ke lokasi besok.", public=True
    )
    closed = make_case(world, days_ago=1)
    step(world, closed, "refer", referred_to="Balai Pelaksanaan Jalan Nasional")
    rows = {r["service_request_id"]: r for r in client.get(f"{BASE}requests.json").json()}
    assert rows[code(answered)]["status"] == "closed"  # selesai
    assert rows[code(answered)]["status_notes"] == "Lubang sudah ditambal pekan ini."
    assert rows[code(answered)]["agency_responsible"] == "Dinas PUPR"
    assert rows[code(commented)]["status"] == "open"
    assert rows[code(commented)]["status_notes"] == "Kami cek ke lokasi besok."
    assert rows[code(closed)]["status"] == "closed"
    notes = rows[code(closed)]["status_notes"]
    assert notes == "Bukan wewenang: dirujuk ke Balai Pelaksanaan Jalan Nasional"


def test_the_citizens_own_response_is_not_an_answer(client, world):
    case = make_case(world)
    step(world, case, "verify")
    step(world, case, "dispose", office=world.office)
    step(world, case, "finish", body="Sudah diperbaiki.")
    services.citizen_respond(case=case, accept=True, rating=5, body="Terima kasih Pak Budi")
    [row] = client.get(f"{BASE}requests.json").json()
    assert row["status_notes"] == "Sudah diperbaiki."


def test_requests_xml(client, world):
    case = make_case(world, photos=[jpeg()])
    make_case(world, visibility="rahasia")
    root = xml(client.get(f"{BASE}requests.xml"))
    assert root.tag == "service_requests"
    [item] = root.findall("request")
    row = {child.tag: child.text for child in item}
    assert row["service_request_id"] == code(case)
    assert row["status"] == "open"
    assert row["service_code"] == str(world.category.pk)
    assert row["address"] == "Sebalo, Kecamatan Sungai Betung"
    assert row["lat"] is None and row["long"] is None  # empty elements
    assert row["media_url"] is None  # the citizen's photo stays private
    assert row["requested_datetime"].endswith("+07:00")


def test_requests_are_newest_first_and_capped(client, world, monkeypatch):
    cases = [make_case(world, days_ago=days) for days in (5, 1, 3)]
    rows = client.get(f"{BASE}requests.json").json()
    assert [r["service_request_id"] for r in rows] == [
        code(cases[1]),
        code(cases[2]),
        code(cases[0]),
    ]
    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    assert len(client.get(f"{BASE}requests.json").json()) == 2


def test_the_list_costs_the_same_few_queries_for_any_number_of_cases(
    client, world, django_assert_max_num_queries
):
    for _ in range(5):
        case = make_case(world, photos=[jpeg()])
        services.aspiration_comment(actor=world.admin, case=case, body="Dicek.", public=True)
    with django_assert_max_num_queries(2):  # the cases, their photos
        assert len(client.get(f"{BASE}requests.json").json()) == 5


def test_one_request_by_display_or_raw_code(client, world):
    case = make_case(world)
    for wanted in [code(case), case.code, code(case).lower()]:
        response = client.get(f"{BASE}requests/{wanted}.json")
        assert response.status_code == 200
        assert [r["service_request_id"] for r in response.json()] == [code(case)]
    root = xml(client.get(f"{BASE}requests/{code(case)}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [code(case)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_confidential_spam_foreign_and_unknown_requests_are_404(client, world, fmt):
    confidential = make_case(world, visibility="rahasia")
    spam = make_case(world)
    step(world, spam, "close", reason=Aspiration.CloseReason.SPAM)
    foreign = make_case(world, region=world.village_b, category=world.category_b)
    for case in (confidential, spam, foreign):
        response = client.get(f"{BASE}requests/{code(case)}.{fmt}")
        assert_error(response, 404)
        assert case.description not in response.content.decode()
    assert_error(client.get(f"{BASE}requests/ZZZZ-ZZZZ.{fmt}"), 404)


def test_old_cases_are_fetchable_one_by_one(client, world):
    old = make_case(world, days_ago=400)
    assert client.get(f"{BASE}requests.json").json() == []
    assert shown_ids(client.get(f"{BASE}requests/{code(old)}.json")) == {code(old)}


# --- Filters ----------------------------------------------------------------------------


def test_default_is_the_last_90_days_and_start_date_reaches_further(client, world):
    recent = make_case(world, days_ago=10)
    old = make_case(world, days_ago=120)
    assert shown_ids(client.get(f"{BASE}requests.json")) == {code(recent)}
    since = (timezone.now() - datetime.timedelta(days=200)).isoformat()
    response = client.get(f"{BASE}requests.json", {"start_date": since})
    assert shown_ids(response) == {code(recent), code(old)}


def test_start_and_end_date_bound_the_range(client, world):
    make_case(world, days_ago=30)
    middle = make_case(world, days_ago=20)
    make_case(world, days_ago=2)
    now = timezone.localtime()
    response = client.get(
        f"{BASE}requests.json",
        {
            "start_date": (now - datetime.timedelta(days=25)).isoformat(),
            "end_date": (now - datetime.timedelta(days=15)).isoformat(),
        },
    )
    assert shown_ids(response) == {code(middle)}
    # end_date alone: the 90 days before it.
    older = make_case(world, days_ago=100)
    end = (now - datetime.timedelta(days=25)).isoformat()
    assert code(older) in shown_ids(client.get(f"{BASE}requests.json", {"end_date": end}))
    assert code(middle) not in shown_ids(client.get(f"{BASE}requests.json", {"end_date": end}))


def test_dates_in_utc_as_plain_dates_and_with_an_unencoded_plus(client, world):
    case = make_case(world, days_ago=5)
    day = timezone.localtime(case.created_at).date()
    assert shown_ids(
        client.get(f"{BASE}requests.json", {"start_date": day.isoformat(), "end_date": day})
    ) == {code(case)}
    utc = case.created_at.astimezone(datetime.UTC)
    after = (utc + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shown_ids(client.get(f"{BASE}requests.json", {"start_date": after})) == set()
    local = timezone.localtime(case.created_at - datetime.timedelta(minutes=1))
    raw = local.isoformat(timespec="seconds")  # ends with +07:00
    # Sent without encoding, the '+' becomes a space: still understood.
    response = client.get(f"{BASE}requests.json?start_date={raw}")
    assert shown_ids(response) == {code(case)}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "kemarin"},
        {"end_date": "2026-13-45"},
        {"status": "pending"},
        {"service_code": "jalan"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(client, world, params, fmt):
    assert_error(client.get(f"{BASE}requests.{fmt}", params), 400, next(iter(params)))


def test_status_and_service_code_filters(client, world):
    open_case = make_case(world)
    other = make_case(world, category=world.other_category)
    closed = make_case(world)
    step(world, closed, "close", reason=Aspiration.CloseReason.DUPLICATE)
    url = f"{BASE}requests.json"
    assert shown_ids(client.get(url, {"status": "open"})) == {code(open_case), code(other)}
    assert shown_ids(client.get(url, {"status": "closed"})) == {code(closed)}
    assert len(shown_ids(client.get(url, {"status": "open,closed"}))) == 3
    by_service = client.get(url, {"service_code": world.other_category.pk})
    assert shown_ids(by_service) == {code(other)}
    assert shown_ids(client.get(url, {"service_code": "99999"})) == set()


def test_service_request_id_list_overrides_the_other_filters(client, world):
    first = make_case(world, days_ago=300)
    second = make_case(world, category=world.other_category)
    confidential = make_case(world, visibility="rahasia")
    wanted = f"{code(first)}, {second.code.lower()},{code(confidential)},ZZZZ-ZZZZ"
    response = client.get(
        f"{BASE}requests.json",
        {"service_request_id": wanted, "service_code": world.category.pk, "status": "closed"},
    )
    assert shown_ids(response) == {code(first), code(second)}


def test_repeated_keys_combine_like_the_comma_form(client, world):
    jalan = make_case(world)
    kesehatan = make_case(world, category=world.other_category)
    closed = make_case(world, category=world.other_category)
    step(world, closed, "close", reason=Aspiration.CloseReason.DUPLICATE)
    make_case(world, category=CategoryFactory(kabupaten=world.kabupaten, name="Air"))
    url = f"{BASE}requests.json"
    both = [world.category.pk, world.other_category.pk]
    # service_code=1&service_code=2, as a client's list encoder writes it.
    repeated = client.get(url, {"service_code": both})
    assert shown_ids(repeated) == {code(jalan), code(kesehatan), code(closed)}
    assert shown_ids(repeated) == shown_ids(
        client.get(url, {"service_code": ",".join(map(str, both))})
    )
    assert shown_ids(client.get(url, {"service_code": both, "status": ["open", "closed"]})) == {
        code(jalan),
        code(kesehatan),
        code(closed),
    }
    assert shown_ids(client.get(url, {"service_code": both, "status": "closed"})) == {code(closed)}
    ids = client.get(url, {"service_request_id": [code(jalan), code(closed)]})
    assert shown_ids(ids) == {code(jalan), code(closed)}
    assert_error(client.get(url, {"service_code": [world.category.pk, "x"]}), 400, "service_code")


# --- Privacy ----------------------------------------------------------------------------


def test_no_response_carries_the_reporter_or_staff_only_text(client, world):
    case = make_case(world, photos=[jpeg()])
    services.aspiration_comment(actor=world.admin, case=case, body=INTERNAL, public=False)
    services.citizen_follow_up(case=case, body="Saya Budi, telepon saya 081234567890")
    anonymous = make_case(world, visibility="anonim")
    confidential = make_case(
        world, visibility="rahasia", description="Pungutan liar oleh oknum di kantor desa"
    )
    paths = [
        "discovery.json",
        "discovery.xml",
        "services.json",
        "services.xml",
        f"services/{world.category.pk}.json",
        "requests.json",
        "requests.xml",
        f"requests/{code(case)}.json",
        f"requests/{code(case)}.xml",
        f"requests/{code(anonymous)}.json",
        f"requests/{code(confidential)}.json",
        f"requests/{code(confidential)}.xml",
        f"requests.json?service_request_id={code(confidential)}",
    ]
    for path in paths:
        body = client.get(BASE + path).content.decode()
        for secret in [*SECRETS, "Pungutan liar", code(confidential)]:
            assert secret not in body, (path, secret)


# --- Creating requests ------------------------------------------------------------------


def post_data(world: World, **extra) -> dict[str, str]:
    return {
        "service_code": str(world.category.pk),
        "description": "Lampu jalan mati sejak seminggu",
        "address_string": "Sebalo",
        "email": EMAIL,
        "phone": "0812 3456 7890",
        "first_name": "Budi",
        "last_name": "Santoso Rahasia",
        "device_id": "",
        "api_key": "apa-saja",
    } | extra


def test_post_json_creates_an_anonymous_web_case_that_is_then_listed(world):
    client = Client(enforce_csrf_checks=True)  # an API: no CSRF token needed
    response = client.post(f"{BASE}requests.json", post_data(world))
    assert response.status_code == 201
    [row] = response.json()
    case = Aspiration.objects.get()
    assert row["service_request_id"] == code(case)
    assert row["account_id"] is None
    assert code(case) in row["service_notice"]
    assert f"http://testserver{case.get_absolute_url()}" in row["service_notice"]
    assert case.channel == "open311" and case.visibility == "anonim"
    assert case.region == world.village and case.category == world.category
    assert case.reporter_phone == PHONE and case.reporter_email == EMAIL
    assert case.reporter_name == NAME
    assert case.client_id is None and case.location == ""
    for secret in SECRETS:
        assert secret not in response.content.decode()
    listed = client.get(f"{BASE}requests.json").json()
    assert [r["service_request_id"] for r in listed] == [code(case)]
    assert listed[0]["description"] == "Lampu jalan mati sejak seminggu"
    assert listed[0]["address"] == "Sebalo, Kecamatan Sungai Betung"
    fetched = client.get(f"{BASE}requests/{code(case)}.xml")
    assert xml(fetched).findtext("request/service_request_id") == code(case)


def test_post_xml(client, world):
    response = client.post(f"{BASE}requests.xml", post_data(world))
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    [item] = root.findall("request")
    assert item.findtext("service_request_id") == code(Aspiration.objects.get())
    assert item.findtext("service_notice")
    assert item.find("account_id") is not None and item.findtext("account_id") == ""


def test_email_and_phone_are_optional_as_in_the_spec(client, world):
    """No way to reach the reporter: the case is made all the same, and its tracking code
    (with the private link) in the answer is how they follow it."""
    data = post_data(world, email="", phone="", first_name="", last_name="")
    response = client.post(f"{BASE}requests.json", data)
    assert response.status_code == 201, response.content
    case = Aspiration.objects.get()
    assert (case.reporter_email, case.reporter_phone, case.reporter_name) == ("", "", "")
    assert case.channel == Aspiration.Channel.OPEN311
    [row] = response.json()
    assert row["service_request_id"] == code(case)
    assert code(case) in row["service_notice"] and "?k=" in row["service_notice"]
    # Only keys absent altogether, too.
    bare = {k: v for k, v in data.items() if k not in ("email", "phone", "first_name")}
    assert client.post(f"{BASE}requests.json", bare).status_code == 201
    # What is sent is still checked.
    bad = client.post(f"{BASE}requests.json", post_data(world, email="bukan-email", phone=""))
    assert_error(bad, 400, "email")


@pytest.mark.parametrize(
    "location",
    [
        {"address_string": "sEbAlO"},
        {"address_string": "Desa Seballo"},  # written as people write, one typo
        {"address_string": "61.07.04.1010"},
        {"address_id": "61.07.04.1010"},
        {"address_id": "61.07.04.1010", "address_string": STREET, "lat": "0.8", "long": "109.4"},
    ],
)
def test_post_finds_the_village_by_name_or_code(client, world, location):
    data = post_data(world) | location
    if "address_id" in location and "address_string" not in location:
        data.pop("address_string")
    response = client.post(f"{BASE}requests.json", data)
    assert response.status_code == 201, response.content
    case = Aspiration.objects.get()
    assert case.region == world.village
    # A street address next to address_id is kept (for staff only); a name is not.
    assert case.location == (location.get("address_string", "") if "address_id" in location else "")


# The spec's own sample POST (GeoReport v2, "POST Service Request"), as a client sends it:
# form-encoded, every parameter the spec shows. Only what must be local is local: the
# service code of this kabupaten, a point in it, an address in it, an Indonesian phone.
SPEC_SAMPLE = (
    "api_key=xyz&service_code={code}&lat=0.85240780&long=109.48212043"
    "&address_string=Jl.%20Raya%20Sebalo%20No.%204%2C%20Sebalo%2C%20Bengkayang"
    "&email=smit222%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john"
    "&last_name=smith&phone=081211111111"
    "&description=A%20large%20sinkhole%20is%20destroying%20the%20street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
)


class GeoReportClient:
    """A GeoReport v2 client written from the spec's examples, not from this code."""

    def __init__(self, http: Client, base: str) -> None:
        self.http, self.base = http, base

    def post_request(self, body: str, fmt: str) -> list[dict[str, str | None]]:
        response = self.http.post(
            f"{self.base}requests.{fmt}",
            body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 201), response.content
        if fmt == "json":
            assert response["Content-Type"] == "application/json; charset=utf-8"
            return response.json()
        root = xml(response)
        assert root.tag == "service_requests"
        names = ("service_request_id", "service_notice", "account_id")
        return [{n: item.findtext(n) or None for n in names} for item in root.findall("request")]

    def get_request(self, request_id: str) -> dict:
        [row] = self.http.get(f"{self.base}requests/{request_id}.json").json()
        return row


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_specs_sample_post_succeeds(world, fmt):
    spec = GeoReportClient(Client(enforce_csrf_checks=True), BASE)
    [created] = spec.post_request(SPEC_SAMPLE.format(code=world.category.pk), fmt)
    assert created["service_request_id"] and created["service_notice"]
    case = Aspiration.objects.get()
    assert created["service_request_id"] == code(case)
    assert case.region == world.village and case.category == world.category
    assert case.location == "Jl. Raya Sebalo No. 4, Sebalo, Bengkayang"
    assert (str(case.latitude), str(case.longitude)) == ("0.852408", "109.482120")
    assert case.reporter_email == "smit222@sfgov.edu" and case.reporter_name == "john smith"
    row = spec.get_request(created["service_request_id"])
    assert (
        row["status"] == "open"
        and row["description"] == "A large sinkhole is destroying the street"
    )
    assert row["service_code"] == str(world.category.pk)


@pytest.mark.parametrize(
    ("address", "village"),
    [
        ("Jl. Raya Sebalo No. 4, Sebalo, Bengkayang", "village"),
        ("Jl. Raya Sebalo No. 4, Desa Sebalo, Kec. Sungai Betung, Kab. Bengkayang", "village"),
        ("Gang Mawar 7 RT 02 Sebalo Bengkayang", "village"),  # no commas
        ("Jl. Lembah Bawang No. 9, Seballo", "village"),  # a street named after another desa
        ("Dusun Tiga, Lembah Bawang, Teriak", "other_village"),
        ("Jalan Sebalo 12, Lembah Bawang, Kecamatan Teriak, Bengkayang", "other_village"),
    ],
)
def test_a_free_address_string_finds_its_desa_and_is_kept_for_staff(
    client, world, address, village
):
    response = client.post(f"{BASE}requests.json", post_data(world, address_string=address))
    assert response.status_code == 201, response.content
    case = Aspiration.objects.get()
    assert case.region == getattr(world, village)
    assert case.location == address  # the street, for staff: never in the public list
    listed = client.get(f"{BASE}requests.json").content.decode()
    assert address not in listed and "Jl." not in listed and "Gang Mawar" not in listed


@pytest.mark.parametrize(
    ("address", "text"),
    [
        ("Jl. Merdeka No. 1, Kampung Antah, Bengkayang", "tidak ditemukan"),
        ("Jl. Merdeka No. 1, Suka Maju, Bengkayang", "address_id"),  # two of that name
        ("Jl. Merdeka No. 1, Sungai Pinyuh, Mempawah", "tidak ditemukan"),  # elsewhere
    ],
)
def test_a_free_address_without_one_desa_of_the_kabupaten_is_refused(client, world, address, text):
    region_chain("61.07.01.2001", "Suka Maju")
    region_chain("61.07.02.2004", "Suka Maju")
    response = client.post(f"{BASE}requests.json", post_data(world, address_string=address))
    assert_error(response, 400, text)
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            # No desa centres loaded (this world has none): a point alone finds none.
            {"address_string": "", "lat": "0.85", "long": "109.48"},
            "tidak dekat dengan desa/kelurahan mana pun",
        ),
        ({"address_string": ""}, "address_string (nama desa) atau lat/long wajib"),
        ({"address_string": "Kampung Antah"}, "Kampung Antah"),
        ({"address_string": "Sungai Pinyuh"}, "Sungai Pinyuh"),  # another kabupaten
        ({"address_id": "61.04.05.2001"}, "address_id"),
        ({"address_id": "61.07.04"}, "address_id"),  # a kecamatan, not a desa
        ({"address_string": "Suka Maju"}, "address_id"),  # two villages of that name
        ({"service_code": ""}, "service_code"),
        ({"description": ""}, "description"),
        ({"description": "rusak"}, "description"),
        ({"phone": "12345", "email": ""}, "phone"),
        ({"email": "bukan-email"}, "email"),
        ({"lat": "0.85"}, "lat: Isi lintang dan bujur"),  # one half of a point
        ({"lat": "utara", "long": "109.4"}, "lat harus berupa angka"),
        ({"lat": "NaN", "long": "109.4"}, "lat harus berupa angka"),
        ({"lat": "48.85", "long": "2.35"}, "di luar Indonesia"),
        ({"address_id": "61.07\x00"}, "karakter yang tidak sah"),  # PostgreSQL refuses NUL
        ({"description": "Lampu mati\x00 lagi di dusun"}, "karakter yang tidak sah"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_validation_errors_are_400_and_make_nothing(client, world, change, text, fmt):
    region_chain("61.07.01.2001", "Suka Maju")
    region_chain("61.07.02.2004", "Suka Maju")
    response = client.post(f"{BASE}requests.{fmt}", post_data(world) | change)
    assert_error(response, 400, text)
    assert not Aspiration.objects.exists()


def centres(world: World) -> None:
    """Desa centres as an operator loads them (regions.points): Sebalo, Lembah Bawang
    (17 km apart) and, in the next kabupaten, Sungai Pinyuh right beside Sebalo."""
    for village, lat, long in (
        (world.village, "0.852000", "109.482000"),
        (world.other_village, "0.950000", "109.620000"),
        (world.village_b, "0.853000", "109.483000"),
    ):
        Region.objects.filter(pk=village.pk).update(latitude=lat, longitude=long)


@pytest.mark.parametrize(
    ("lat", "long", "village"),
    [
        ("0.8524078", "109.4821204", "village"),
        ("0.9400000", "109.6100000", "other_village"),
        ("0.8800000", "109.5200000", "village"),  # between them, nearer Sebalo
    ],
)
def test_a_point_alone_finds_the_nearest_desa_of_the_kabupaten(client, world, lat, long, village):
    centres(world)
    data = post_data(world, address_string="", lat=lat, long=long)
    response = client.post(f"{BASE}requests.json", data)
    assert response.status_code == 201, response.content
    case = Aspiration.objects.get()
    # Never Sungai Pinyuh, though its centre is as near: another kabupaten's desa.
    assert case.region == getattr(world, village)
    assert case.location == "" and case.latitude == round(Decimal(lat), 6)


def test_a_point_far_from_every_desa_centre_is_refused(client, world):
    centres(world)
    data = post_data(world, address_string="", lat="1.500000", long="110.500000")
    assert_error(client.post(f"{BASE}requests.json", data), 400, "tidak dekat")
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_with_the_shipped_centres_a_point_alone_finds_its_desa_and_jakarta_is_refused(
    client, world, fmt
):
    # A fresh install: the region list and the centres shipped with it (import_regions).
    call_command("import_regions", province="61", stdout=io.StringIO())
    sungai_duri = Region.objects.get(pk="61.07.01.2001")
    assert sungai_duri.name == "Sungai Duri" and sungai_duri.latitude is not None
    # About 300 m south of its shipped centre.
    lat = f"{sungai_duri.latitude - Decimal('0.0027'):.7f}"
    data = post_data(world, address_string="", lat=lat, long=str(sungai_duri.longitude))
    response = client.post(f"{BASE}requests.{fmt}", data)
    assert response.status_code == 201, response.content
    assert Aspiration.objects.get().region == sungai_duri

    jakarta = post_data(world, address_string="", lat="-6.175392", long="106.827153")
    response = client.post(f"{BASE}requests.{fmt}", jakarta)
    assert_error(response, 400, "tidak dekat dengan desa/kelurahan mana pun")
    assert Aspiration.objects.count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "Jl. Merdeka No. 1, Kampung Antah, Bengkayang",  # names no desa of the kabupaten
        "Jl. Merdeka No. 1, Suka Maju",  # a name two desa share
    ],
)
def test_an_address_without_one_desa_is_settled_by_the_point(client, world, address):
    region_chain("61.07.01.2001", "Suka Maju")
    region_chain("61.07.02.2004", "Suka Maju")
    centres(world)
    data = post_data(world, address_string=address, lat="0.9400000", long="109.6100000")
    response = client.post(f"{BASE}requests.json", data)
    assert response.status_code == 201, response.content
    case = Aspiration.objects.get()
    assert case.region == world.other_village
    assert case.location == address  # the whole address, for staff


def test_the_specs_sample_post_with_only_a_point_succeeds(world):
    centres(world)
    spec = GeoReportClient(Client(enforce_csrf_checks=True), BASE)
    body = SPEC_SAMPLE.format(code=world.category.pk).replace(
        "&address_string=Jl.%20Raya%20Sebalo%20No.%204%2C%20Sebalo%2C%20Bengkayang", ""
    )
    assert "address_string" not in body
    [created] = spec.post_request(body, "json")
    row = spec.get_request(created["service_request_id"])
    assert row["address_id"] == world.village.code and row["address"].startswith("Sebalo")
    assert (row["lat"], row["long"]) == (0.852, 109.482)


def test_a_point_sent_with_the_desa_is_kept_and_listed_rounded(client, world):
    data = post_data(world, lat="0.8512349", long="109.4876541")
    assert client.post(f"{BASE}requests.json", data).status_code == 201
    case = Aspiration.objects.get()
    assert (str(case.latitude), str(case.longitude)) == ("0.851235", "109.487654")
    [row] = client.get(f"{BASE}requests/{code(case)}.json").json()
    assert (row["lat"], row["long"]) == (0.851, 109.488)  # about 100 m, not the house
    listed = xml(client.get(f"{BASE}requests.xml"))
    assert listed.findtext("request/lat") == "0.851"
    without = client.post(
        f"{BASE}requests.json", post_data(world, description="Tanpa titik lokasi di peta")
    )
    [row] = client.get(f"{BASE}requests/{without.json()[0]['service_request_id']}.json").json()
    assert row["lat"] is None and row["long"] is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_an_unknown_service_code_is_a_404(client, world, fmt):
    """The spec: a service_code the server does not offer (another kabupaten's, a
    category switched off, a made-up one, a name) is not found, not a bad request."""
    for service_code in (str(world.category_b.pk), str(world.inactive.pk), "99999", "Jalan"):
        response = client.post(f"{BASE}requests.{fmt}", post_data(world, service_code=service_code))
        assert_error(response, 404, "service_code")
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_is_rate_limited(client, world, settings, fmt):
    cache.clear()
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    for _ in range(2):
        assert client.post(f"{BASE}requests.{fmt}", post_data(world)).status_code == 201
    response = client.post(f"{BASE}requests.{fmt}", post_data(world))
    assert_error(response, 429, "Terlalu banyak")
    assert Aspiration.objects.count() == 2
    # Another address is not held back.
    other = client.post(f"{BASE}requests.{fmt}", post_data(world), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 201


def test_a_retry_with_the_same_idempotency_key_gives_the_same_case(client, world):
    cache.clear()
    data = post_data(world, device_id="hp-warga-1")
    headers = {"Idempotency-Key": "4f1c2b7e-0d5a-4c55-9a57-3c9d2b1f0e11"}
    first = client.post(f"{BASE}requests.json", data, headers=headers)
    again = client.post(f"{BASE}requests.json", data, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    case = Aspiration.objects.get()
    assert case.client_id.startswith("open311:")
    assert "4f1c2b7e" not in case.client_id  # hashed with the client, not the bare key
    # Both answers carry a private link of the reporter that works.
    for response in (first, again):
        notice = response.json()[0]["service_notice"]
        assert reporter.key_matches(case, notice.split("?k=")[1].split()[0])
    # Another key is another case; very long keys differing only at the end stay apart.
    for long_key in ("k" * 100 + "1", "k" * 100 + "2"):
        third = client.post(f"{BASE}requests.json", data, headers={"Idempotency-Key": long_key})
        assert third.status_code == 201
    assert Aspiration.objects.count() == 3


def test_another_clients_same_idempotency_key_never_gets_the_first_case(client, world):
    cache.clear()
    headers = {"Idempotency-Key": "kunci-yang-sama"}
    a = client.post(f"{BASE}requests.json", post_data(world, device_id="hp-a"), headers=headers)
    b = client.post(f"{BASE}requests.json", post_data(world, device_id="hp-b"), headers=headers)
    assert (a.status_code, b.status_code) == (201, 201)
    first, second = a.json()[0], b.json()[0]
    assert first["service_request_id"] != second["service_request_id"]
    # B's answer holds no key of A's case.
    case_a = Aspiration.objects.get(code=first["service_request_id"].replace("-", ""))
    assert not reporter.key_matches(case_a, second["service_notice"].split("?k=")[1].split()[0])
    # Another api_key on the same device is another client too.
    c = client.post(
        f"{BASE}requests.json",
        post_data(world, device_id="hp-a", api_key="aplikasi-lain"),
        headers=headers,
    )
    assert c.status_code == 201
    assert Aspiration.objects.count() == 3


def test_the_same_client_and_key_with_another_body_never_gets_the_first_case(client, world):
    """api_key and device_id are not secrets: someone replaying them with a victim's key
    but their own text makes their own case, and gets no private link to the victim's."""
    cache.clear()
    headers = {"Idempotency-Key": "K"}
    same = {"device_id": "dev-123", "api_key": "appkey"}
    victim = client.post(
        f"{BASE}requests.json",
        post_data(world, description="Jembatan putus", **same),
        headers=headers,
    )
    attacker = client.post(
        f"{BASE}requests.json",
        post_data(world, description="Teks penyerang yang lain", **same),
        headers=headers,
    )
    # The key was used for another request: refused (422), nothing of the first case shown.
    assert (victim.status_code, attacker.status_code) == (201, 422)
    first = victim.json()[0]
    assert first["service_request_id"] not in attacker.content.decode()
    assert "?k=" not in attacker.content.decode()
    # A true retry (the same body) still finds its case.
    retry = client.post(
        f"{BASE}requests.json",
        post_data(world, description="Jembatan putus", **same),
        headers=headers,
    )
    assert retry.status_code == 200
    assert retry.json()[0]["service_request_id"] == first["service_request_id"]


def aggregator_key(
    world: World, name: str = "Aplikasi Kota", *, per_minute: int = 60, per_hour: int = 600
) -> str:
    return aggregator_key_create(
        actor=world.admin,
        kabupaten=world.kabupaten,
        name=name,
        per_minute=per_minute,
        per_hour=per_hour,
    )[1]


def test_an_aggregator_key_has_its_own_higher_limit(client, world, settings):
    cache.clear()
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    key = aggregator_key(world, per_minute=4, per_hour=100)
    url = f"{BASE}requests.json"
    for _ in range(4):  # past the citizen's 2, from the same address
        assert client.post(url, post_data(world, api_key=key)).status_code == 201
    assert_error(client.post(url, post_data(world, api_key=key)), 429, "Terlalu banyak")
    # The citizens behind the same address keep their own budget; any other api_key text
    # is no key (the citizen's limit).
    assert client.post(url, post_data(world)).status_code == 201
    assert client.post(url, post_data(world, api_key="xyz")).status_code == 201
    assert_error(client.post(url, post_data(world, api_key="xyz")), 429, "Terlalu banyak")
    assert Aspiration.objects.count() == 6
    # Another aggregator has its own budget.
    other = aggregator_key(world, "Jembatan LAPOR!")
    assert client.post(url, post_data(world, api_key=other)).status_code == 201
    assert AggregatorKey.objects.get(name="Aplikasi Kota").last_used_at is not None


def test_an_aggregator_keys_hourly_limit_holds_across_minutes(client, world):
    cache.clear()
    key = aggregator_key(world, per_minute=3, per_hour=3)
    url = f"{BASE}requests.json"
    for _ in range(3):
        assert client.post(url, post_data(world, api_key=key)).status_code == 201
    cache.delete_many([f"rl:open311-agg-m:{AggregatorKey.objects.get().pk}"])  # a new minute
    assert_error(client.post(url, post_data(world, api_key=key)), 429, "Terlalu banyak")
    assert Aspiration.objects.count() == 3


def test_an_aggregator_key_is_its_own_idempotency_scope(client, world):
    cache.clear()
    key, other = aggregator_key(world), aggregator_key(world, "Lain")
    headers = {"Idempotency-Key": "laporan-77"}
    url = f"{BASE}requests.json"
    first = client.post(url, post_data(world, api_key=key), headers=headers)
    again = client.post(url, post_data(world, api_key=key), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)  # no device_id needed
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    case = Aspiration.objects.get()
    assert case.client_id.startswith("open311-agg:")
    # The same Idempotency-Key and body from another aggregator, or with no key at all
    # (even naming the first one's scope), make their own cases and no link to the first.
    for api_key, device in ((other, ""), ("", "x"), (f"open311-agg:{case.pk}", "")):
        response = client.post(
            url, post_data(world, api_key=api_key, device_id=device), headers=headers
        )
        assert response.status_code == 201
        row = response.json()[0]
        assert row["service_request_id"] != code(case)
        assert not reporter.key_matches(case, row["service_notice"].split("?k=")[1].split()[0])
    assert Aspiration.objects.count() == 4


def test_unknown_revoked_foreign_or_personal_keys_are_refused(client, world):
    url = f"{BASE}requests.json"
    assert_error(client.post(url, post_data(world, api_key="jbk_tidak-ada")), 403, "api_key")
    revoked = aggregator_key(world)
    aggregator_key_revoke(actor=world.admin, key=AggregatorKey.objects.get())
    assert_error(client.post(url, post_data(world, api_key=revoked)), 403, "dicabut")
    # A key of another kabupaten is no key of this hub.
    mempawah = world.category_b.kabupaten
    outsider = StaffFactory(role=Role.KABUPATEN_ADMIN, region=mempawah)
    foreign = aggregator_key_create(
        actor=outsider, kabupaten=mempawah, name="Mempawah", per_minute=9, per_hour=99
    )[1]
    assert_error(client.post(url, post_data(world, api_key=foreign)), 403, "bukan kunci")
    assert_error(
        client.post(f"{BASE}requests.xml", post_data(world, api_key=foreign)), 403, "bukan kunci"
    )
    # A personal API token, even the hub admin's, is not an aggregator key.
    personal = api_token_create(actor=world.admin, name="Pribadi", days=30)[1]
    assert_error(client.post(url, post_data(world, api_key=personal)), 403, "pribadi")
    assert not Aspiration.objects.exists()


def test_guessing_aggregator_keys_uses_up_the_citizen_limit(client, world, settings):
    cache.clear()
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    url = f"{BASE}requests.json"
    for guess in ("jbk_a", "jbk_b"):
        assert_error(client.post(url, post_data(world, api_key=guess)), 403, "api_key")
    assert_error(client.post(url, post_data(world)), 429, "Terlalu banyak")


def test_an_idempotency_key_without_device_id_counts_per_address(client, world):
    headers = {"Idempotency-Key": "sama"}
    statuses = [
        client.post(f"{BASE}requests.json", post_data(world), headers=headers).status_code
        for _ in range(2)
    ]
    assert statuses == [201, 200]
    assert Aspiration.objects.count() == 1


# --- Wrong addresses and methods --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["", "apa", "requests", "requests.html", "services.csv", "discovery.JSON", "a/b/c.json"],
)
def test_any_other_path_is_a_404_in_the_error_format(client, world, path):
    response = client.get(BASE + path)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert_error(response, 404)


@pytest.mark.parametrize("path", ["discovery.json", "services.json", "requests.json"])
def test_json_names_its_charset_and_is_utf8(client, world, path):
    Category.objects.create(kabupaten=world.kabupaten, name="Jalan “Desa” Saba\u2019u")
    make_case(world, description="Jembatan “gantung” di Saba\u2019u putus")
    response = client.get(BASE + path)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()
    if path != "discovery.json":
        assert "Saba\u2019u".encode() in response.content  # raw UTF-8, not \\u escapes
    posted = client.post(f"{BASE}requests.json", post_data(world))
    assert posted["Content-Type"] == "application/json; charset=utf-8"
    assert posted.status_code == 201


def test_unknown_xml_paths_answer_in_xml_and_posts_get_no_csrf_page(world):
    client = Client(enforce_csrf_checks=True)
    assert_error(client.get(f"{BASE}tidak-ada.xml"), 404)
    assert_error(client.post(f"{BASE}tidak-ada.json", {"a": "b"}), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "discovery.json"),
        ("post", "services.xml"),
        ("delete", "requests.json"),
        ("put", "requests.xml"),
        ("post", "requests/ABCD-EFGH.json"),
    ],
)
def test_other_methods_are_405_in_the_error_format(world, method, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(BASE + path)
    assert_error(response, 405)
    assert "GET" in response["Allow"]
