"""What an outside attacker found on Open311 (issue 21): idempotency for anonymous
clients and reused keys, points far from the named desa, Retry-After on every 429, bodies
that are not UTF-8 or carry control characters, oversized bodies, media_url."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from jembatan.accounts.models import AuditLog
from jembatan.api.services import api_token_create
from jembatan.aspirations import reporter, services
from jembatan.aspirations.models import Aspiration, Category, ReporterKey
from jembatan.aspirations.views import LOOKUP_LIMIT
from jembatan.regions.models import Region
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"
SEBALO = ("0.866184", "109.494366")  # the shipped centre of Sebalo (61.07.04.1010)
LESABELA = ("1.033014", "109.582759")  # of Lesabela (61.07.03.2001), about 21 km away


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hub(settings, tmp_path) -> Category:
    settings.MEDIA_ROOT = tmp_path
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    for code, name, (lat, long) in (
        ("61.07.04.1010", "Sebalo", SEBALO),
        ("61.07.03.2001", "Lesabela", LESABELA),
    ):
        region_chain(code, name)
        Region.objects.filter(pk=code).update(latitude=lat, longitude=long)
    return Category.objects.create(kabupaten=kabupaten, name="Jalan")


def data(category: Category, **extra) -> dict[str, str]:
    return {
        "service_code": str(category.pk),
        "description": "Jembatan kayu di ujung desa patah",
        "address_string": "Sebalo",
        "email": "warga@example.test",
    } | extra


def errors(response) -> str:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return " ".join(item["description"] for item in response.json())


def link_key(response) -> str:
    return response.json()[0]["service_notice"].split("?k=")[1].split()[0]


# --- 1. An anonymous client's Idempotency-Key counts, per address ----------------------------


def test_an_anonymous_retry_with_the_same_key_makes_one_case_and_one_mail(
    client, hub, mailoutbox, django_capture_on_commit_callbacks
):
    headers = {"Idempotency-Key": "retry-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(URL, data(hub), headers=headers)
        again = client.post(URL, data(hub), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert Aspiration.objects.count() == 1
    mails = len(mailoutbox)
    # From another address the same key and body is another client: its own case.
    other = client.post(URL, data(hub), headers=headers, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 201
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Aspiration.objects.count() == 2
    assert mails <= 1


# --- 3. The same key with another body; a replay issues no new reporter key ------------------


def test_the_same_key_with_another_body_is_refused_with_422(client, hub):
    headers = {"Idempotency-Key": "k-77"}
    first = client.post(URL, data(hub), headers=headers)
    other = client.post(URL, data(hub, description="Teks yang lain sama sekali"), headers=headers)
    assert (first.status_code, other.status_code) == (201, 422)
    assert "Idempotency-Key" in errors(other)
    assert first.json()[0]["service_request_id"] not in other.content.decode()
    assert Aspiration.objects.count() == 1
    xml = client.post(
        URL.replace(".json", ".xml"), data(hub, description="Lagi teks lain"), headers=headers
    )
    assert xml.status_code == 422 and b"<errors>" in xml.content


def test_a_replay_returns_the_first_link_without_a_new_reporter_key(client, hub):
    headers = {"Idempotency-Key": "k-88"}
    first = client.post(URL, data(hub), headers=headers)
    replies = [client.post(URL, data(hub), headers=headers) for _ in range(2)]
    case = Aspiration.objects.get()
    assert ReporterKey.objects.filter(aspiration=case).count() == 1
    assert not AuditLog.objects.filter(action="aspiration.reporter_key").exists()
    for reply in replies:
        assert reply.status_code == 200
        assert reply.json() == first.json()
    assert reporter.key_matches(case, link_key(first))


# --- 2. A point far from the named desa ------------------------------------------------------


@pytest.mark.parametrize(
    "named",
    [{"address_id": "61.07.04.1010"}, {"address_string": "Sebalo"}],
)
def test_a_point_far_from_the_named_desa_is_refused(client, hub, named):
    jakarta = client.post(URL, data(hub, lat="-6.2", long="106.8", **named))
    assert jakarta.status_code == 400 and "km" in errors(jakarta)
    assert not Aspiration.objects.exists()


def test_a_point_in_another_desa_than_the_named_one_is_refused(client, hub):
    lat, long = SEBALO
    response = client.post(URL, data(hub, address_string="Lesabela", lat=lat, long=long))
    assert response.status_code == 400 and "Lesabela" in errors(response)
    # A point near the named desa's centre is taken.
    near = client.post(URL, data(hub, address_string="Lesabela", lat="1.04", long="109.58"))
    assert near.status_code == 201
    assert Aspiration.objects.get().region_id == "61.07.03.2001"


# --- 4. Retry-After on every 429 -------------------------------------------------------------


def test_open311_429s_say_when_to_come_back(client, hub, settings):
    settings.ASPIRATION_SUBMIT_LIMIT = 1
    assert client.post(URL, data(hub)).status_code == 201
    refused = client.post(URL, data(hub))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    cache.set("rl:aspiration-lookup:x", 0)  # the lookups' own bucket
    for _ in range(LOOKUP_LIMIT + 2):
        lookup = client.get("/open311/v2/requests/AAAA-BBBB.json")
    assert lookup.status_code == 429 and int(lookup["Retry-After"]) > 0


def test_the_api_lookup_429_says_when_to_come_back(client, hub):
    for _ in range(LOOKUP_LIMIT + 2):
        response = client.get("/api/v1/aspirasi/AAAABBBB/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_the_web_track_429_says_when_to_come_back(client, hub):
    for _ in range(LOOKUP_LIMIT + 2):
        response = client.get("/aspirasi/lacak/", {"code": "AAAA-BBBB"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


# --- 5. Bodies that are not UTF-8, control characters ----------------------------------------


@pytest.mark.parametrize("body", [b"description=%FF%FE", b"description=\xff\xfe"])
def test_a_body_that_is_not_utf8_is_refused(client, hub, body):
    form = "&".join(f"{k}={v}" for k, v in data(hub).items() if k != "description").encode()
    response = client.post(
        URL, form + b"&" + body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and "UTF-8" in errors(response)
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1f", "\ufffe"])
@pytest.mark.parametrize("field", ["description", "address_string", "first_name"])
def test_control_characters_are_refused(client, hub, char, field):
    value = data(hub).get(field, "Budi")
    response = client.post(URL, data(hub, **{field: value + char}))
    assert response.status_code == 400
    assert not Aspiration.objects.exists()


def test_control_characters_are_refused_by_every_intake(hub):
    sebalo = Region.objects.get(pk="61.07.04.1010")
    for field in ("description", "location", "reporter_name"):
        values = {
            "region": sebalo,
            "category": hub,
            "description": "Jembatan kayu di ujung desa patah",
            "reporter_email": "warga@example.test",
        }
        values[field] = values.get(field, "Teks") + "\x08"
        with pytest.raises(ValidationError) as caught:
            services.aspiration_submit(data=values)
        assert field in caught.value.message_dict
    assert not Aspiration.objects.exists()


def test_the_web_form_refuses_a_body_that_is_not_utf8(client, hub):
    response = client.post(
        "/aspirasi/kirim/",
        b"description=%FF%FE&region=61.07.04.1010",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    assert not Aspiration.objects.exists()


# --- 6. Oversized bodies answer in the API's format ------------------------------------------


def test_too_many_fields_answer_in_the_open311_format(client, hub, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    body = data(hub) | {f"f{i}": "x" for i in range(60)}
    response = client.post(URL, body)
    assert response.status_code == 400 and errors(response)
    xml = client.post(URL.replace(".json", ".xml"), body)
    assert xml.status_code == 400 and xml["Content-Type"].startswith("text/xml")


def test_a_body_too_large_answers_in_the_open311_format(client, hub, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(URL, data(hub, description="x" * 5000))
    assert response.status_code == 400 and errors(response)
    assert not Aspiration.objects.exists()


# --- 8. media_url is ignored, and said to be ------------------------------------------------


def test_media_url_is_ignored_and_documented(client, hub, settings):
    response = client.post(URL, data(hub, media_url="http://169.254.169.254/latest/"))
    assert response.status_code == 201
    case = Aspiration.objects.get()
    assert not case.photos.exists()
    docs = (settings.BASE_DIR / "docs" / "open311.md").read_text(encoding="utf-8")
    assert "media_url" in docs and "diabaikan" in docs


@pytest.mark.parametrize("description", ["Lampu jalan mati sejak seminggu\x08", "\x01" * 12])
def test_the_json_api_refuses_control_characters(client, two_tenants, settings, description):
    category = Category.objects.create(kabupaten_id="61.07", name="Jalan")
    _token, secret = api_token_create(actor=two_tenants.a.member, name="Uji", days=30)
    body = {
        "region": two_tenants.a.kim.region_id,
        "category": category.pk,
        "description": description,
        "reporter_phone": "081298765432",
    }
    response = client.post(
        "/api/v1/aspirasi/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert not Aspiration.objects.exists()


# --- What the standards' outside validator found -------------------------------------------


def test_two_service_codes_in_one_post_are_refused_not_silently_the_last(client, hub):
    other = Category.objects.create(kabupaten_id="61.07", name="Kesehatan")
    body = data(hub) | {"service_code": [str(hub.pk), str(other.pk)]}
    response = client.post(URL, body)
    assert response.status_code == 400
    assert "satu service_code" in errors(response)
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize("path", ["/open311/v2/services.json", "/open311/v2/requests.json"])
def test_an_unknown_jurisdiction_is_not_found_on_reads(client, hub, path):
    assert client.get(path, {"jurisdiction_id": "xyz"}).status_code == 404
    assert client.get(path, {"jurisdiction_id": "61.07"}).status_code == 200
    assert client.get(path, {"jurisdiction_id": "testserver"}).status_code == 200


def test_an_unknown_jurisdiction_is_not_found_on_post_and_stores_nothing(client, hub):
    response = client.post(URL, data(hub, jurisdiction_id="xyz"))
    assert response.status_code == 404
    assert "jurisdiction_id" in errors(response)
    assert not Aspiration.objects.exists()
    assert client.post(URL, data(hub, jurisdiction_id="61.07")).status_code == 201
