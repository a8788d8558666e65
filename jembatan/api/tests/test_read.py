"""Public reads: KIMs, posts, information, aspirations, statistics; pagination."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from jembatan.api.tests.conftest import (
    REPORTER_EMAIL,
    REPORTER_NAME,
    REPORTER_PHONE,
    REPORTER_STREET,
    make_post,
)
from jembatan.aspirations import services as aspiration_services
from jembatan.communities.models import Kim
from jembatan.sites.models import Post

pytestmark = pytest.mark.django_db


def test_root_lists_the_resources_and_the_schema(client_api):
    response = client_api.get("/api/v1/")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "v1"
    assert data["schema"].endswith("/api/v1/openapi.json")
    assert data["kim"].endswith("/api/v1/kim/")


def test_docs_page_explains_auth_and_links_the_schema(client):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "Authorization: Bearer" in html


def test_kim_list_shows_active_kims_only(client_api, two_tenants):
    Kim.objects.filter(pk=two_tenants.b.kim.pk).update(is_active=False)
    response = client_api.get("/api/v1/kim/")
    assert response.status_code == 200
    slugs = [k["slug"] for k in response.json()["results"]]
    assert slugs == ["kim-a"]
    assert response.json()["results"][0]["kabupaten"]["code"] == "61.07"


def test_kim_list_filters_by_kabupaten(client_api, two_tenants, mempawah_host):
    # Each host lists its own kabupaten's KIMs: Mempawah's on Bengkayang's host, none.
    response = client_api.get("/api/v1/kim/", {"kabupaten": "61.04"})
    assert response.json()["results"] == []
    response = client_api.get("/api/v1/kim/", {"kabupaten": "61.04"}, HTTP_HOST=mempawah_host)
    assert [k["slug"] for k in response.json()["results"]] == ["kim-b"]
    bad = client_api.get("/api/v1/kim/", {"kabupaten": "enam satu"})
    assert bad.status_code == 400
    assert "kabupaten" in bad.json()["error"]["details"]


def test_kim_detail_and_unknown_kim(client_api, two_tenants):
    response = client_api.get("/api/v1/kim/kim-a/")
    assert response.status_code == 200
    assert response.json()["name"] == two_tenants.a.kim.name
    # No member data in a KIM.
    assert two_tenants.a.owner.email not in response.content.decode()
    missing = client_api.get("/api/v1/kim/tidak-ada/")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "KIM tidak ditemukan."


def test_posts_are_live_posts_of_active_kims_only(client_api, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    make_post(a.kim, a.owner, "Terbit A")
    make_post(a.kim, a.owner, "Draf A", status=Post.Status.DRAFT)
    make_post(a.kim, a.owner, "Terjadwal A", days_ago=-2)  # scheduled for the future
    make_post(b.kim, b.owner, "Terbit B")
    Kim.objects.filter(pk=b.kim.pk).update(is_active=False)
    response = client_api.get("/api/v1/berita/")
    assert response.status_code == 200
    assert [p["title"] for p in response.json()["results"]] == ["Terbit A"]
    assert response.json()["results"][0]["kim"]["slug"] == "kim-a"


def test_posts_filters_kim_kabupaten_since(client_api, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    make_post(a.kim, a.owner, "Lama A", days_ago=10)
    make_post(a.kim, a.owner, "Baru A", days_ago=1)
    make_post(b.kim, b.owner, "Baru B", days_ago=1)

    def titles(**params):
        response = client_api.get("/api/v1/berita/", params)
        assert response.status_code == 200, response.content
        return sorted(p["title"] for p in response.json()["results"])

    assert titles(kim="kim-b") == []  # another kabupaten's KIM: on its own host only
    assert titles(kim="kim-a") == ["Baru A", "Lama A"]
    assert titles(kabupaten="61.07") == ["Baru A", "Lama A"]
    since = (timezone.now() - timezone.timedelta(days=3)).isoformat()
    assert titles(since=since) == ["Baru A"]
    assert titles(since="2000-01-01") == ["Baru A", "Lama A"]
    bad = client_api.get("/api/v1/berita/", {"since": "kemarin"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["details"]) == ["since"]


def test_kim_posts_list(client_api, two_tenants):
    a = two_tenants.a
    make_post(a.kim, a.owner, "Terbit A")
    response = client_api.get("/api/v1/kim/kim-a/berita/")
    assert [p["title"] for p in response.json()["results"]] == ["Terbit A"]
    assert client_api.get("/api/v1/kim/tidak-ada/berita/").status_code == 404


def test_information_is_published_and_not_withdrawn(client_api, world):
    response = client_api.get("/api/v1/informasi/")
    assert response.status_code == 200
    assert [i["slug"] for i in response.json()["results"]] == ["vaksinasi"]
    assert client_api.get("/api/v1/informasi/vaksinasi/").json()["title"] == "Informasi vaksinasi"
    for slug in ("ditarik", "draf"):
        response = client_api.get(f"/api/v1/informasi/{slug}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_information_filters(client_api, world):
    assert client_api.get("/api/v1/informasi/", {"kabupaten": "61.04"}).json()["count"] == 0
    assert client_api.get("/api/v1/informasi/", {"kabupaten": "61.07"}).json()["count"] == 1
    assert client_api.get("/api/v1/informasi/", {"kategori": "program"}).json()["count"] == 1
    assert client_api.get("/api/v1/informasi/", {"kategori": "xx"}).status_code == 400


def test_aspirations_public_only_and_without_personal_data(client_api, world):
    response = client_api.get("/api/v1/aspirasi/")
    assert response.status_code == 200
    codes = [c["code"] for c in response.json()["results"]]
    assert codes == [aspiration_services.display_code(world.public_case.code)]
    body = response.content.decode()
    for secret in [REPORTER_NAME, "Budi", REPORTER_PHONE, "1234567890", REPORTER_EMAIL]:
        assert secret not in body
    assert "Gang Mawar" not in body
    assert REPORTER_STREET not in body


def test_aspiration_detail_public_confidential_spam(client_api, world):
    public = client_api.get(f"/api/v1/aspirasi/{world.public_case.code}/")
    assert public.status_code == 200
    assert public.json()["status"] == "diterima"
    assert REPORTER_NAME not in public.content.decode()
    for case in (world.confidential_case, world.spam_case):
        response = client_api.get(f"/api/v1/aspirasi/{case.code}/")
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Aspirasi tidak ditemukan."


def test_aspiration_filters(client_api, world):
    assert client_api.get("/api/v1/aspirasi/", {"status": "selesai"}).json()["count"] == 0
    assert client_api.get("/api/v1/aspirasi/", {"status": "diterima"}).json()["count"] == 1
    other = client_api.get("/api/v1/aspirasi/", {"kategori": world.category.pk + 1})
    assert other.json()["count"] == 0
    assert client_api.get("/api/v1/aspirasi/", {"kecamatan": "61.07.04"}).json()["count"] == 1
    assert client_api.get("/api/v1/aspirasi/", {"status": "x"}).status_code == 400


def test_statistics_of_a_kabupaten_and_unknown_code(client_api, two_tenants):
    response = client_api.get("/api/v1/statistik/61.07/")
    assert response.status_code == 200, response.content
    assert response.json()["kabupaten"]["code"] == "61.07"
    for code in ("99.99", "61.07.04", "x"):
        missing = client_api.get(f"/api/v1/statistik/{code}/")
        assert missing.status_code == 404
        assert missing.json()["error"]["message"] == "Kabupaten/kota dengan kode ini tidak ada."


# --- Pagination ---------------------------------------------------------------------------


@pytest.fixture
def many_posts(two_tenants):
    a = two_tenants.a
    for n in range(25):
        make_post(a.kim, a.owner, f"Berita {n:02d}", days_ago=n + 1)


def test_pages_of_twenty_and_page_size(client_api, many_posts):
    first = client_api.get("/api/v1/berita/").json()
    assert (first["count"], first["pages"], len(first["results"])) == (25, 2, 20)
    assert first["next"].endswith("page=2")
    second = client_api.get("/api/v1/berita/", {"page": 2}).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    small = client_api.get("/api/v1/berita/", {"page_size": 5}).json()
    assert (len(small["results"]), small["pages"]) == (5, 5)
    capped = client_api.get("/api/v1/berita/", {"page_size": 1000}).json()
    assert len(capped["results"]) == 25  # at most 100


def test_page_past_the_end_is_a_clear_404(client_api, many_posts):
    response = client_api.get("/api/v1/berita/", {"page": 3})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == (
        "Halaman 3 tidak ada: hasil ini hanya 2 halaman (25 data, 20 per halaman)."
    )


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999"])
def test_page_that_is_not_a_positive_number_is_a_400(client_api, many_posts, page):
    response = client_api.get("/api/v1/berita/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["error"]["details"]


def test_empty_list_has_one_empty_page(client_api, db):
    response = client_api.get("/api/v1/berita/")
    assert response.status_code == 200
    assert json.loads(response.content)["results"] == []
