"""Region search JSON, browse and detail pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jembatan.regions.models import Region
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db

SEARCH = "/wilayah/cari/"


@pytest.fixture
def bengkayang():
    """Kabupaten Bengkayang with two kecamatan, and look-alike names elsewhere."""
    # The root conftest serves Bengkayang, whose chain it made with placeholder names.
    Region.objects.filter(code="61").update(name="Kalimantan Barat")
    region_chain("61", "Kalimantan Barat")
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Raya")
    region_chain("61.07.05", "Capkala")
    region_chain("61.07.04.1010", "Sebalo")
    region_chain("61.07.04.2001", "Karimunting")
    region_chain("61.07.05.2001", "Aris")
    region_chain("35", "Jawa Timur")
    region_chain("35.04", "Kabupaten Tulungagung")
    region_chain("35.14", "Kabupaten Pasuruan")
    region_chain("35.04.17.2010", "Sebalor")
    region_chain("35.14.21.2002", "Sebalong")
    region_chain("35.14.21.2003", "Kampung Sebalo Lama")
    return Region.objects.get(code="61.07")


def results(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_search_returns_code_name_and_label(client, bengkayang):
    found = results(client, q="sebalo", level=4)

    sebalo = found[0]
    assert sebalo["code"] == "61.07.04.1010"
    assert sebalo["name"] == "Sebalo"
    assert sebalo["label"] == "Sebalo (61.07.04.1010)"
    assert sebalo["level"] == 4
    assert sebalo["kind"] == "Kelurahan"
    assert sebalo["context"] == "Sungai Raya"


@pytest.mark.parametrize("q", ["Desa Sebalo", "kel. sebalo", "Kelurahan seb", "Ds. Seb"])
def test_search_ignores_the_words_people_write_before_a_name(client, bengkayang, q):
    found = results(client, q=q, level=4, within="61.07")

    assert [r["code"] for r in found] == ["61.07.04.1010"]


def test_search_keeps_a_name_that_is_only_such_a_word(client, bengkayang):
    region_chain("61.07.05.2002", "Desa")

    assert [r["name"] for r in results(client, q="desa", level=4)] == ["Desa"]


def test_search_puts_exact_match_then_prefix_then_contains(client, bengkayang):
    names = [r["name"] for r in results(client, q="sebalo")]

    assert names == ["Sebalo", "Sebalong", "Sebalor", "Kampung Sebalo Lama"]


def test_search_exact_match_beats_earlier_codes(client, bengkayang):
    # "Sebalor" (35...) sorts before "Sebalo" (61...) by code; the exact match still wins.
    region_chain("11.01.01.2001", "Sebalo Hilir")

    names = [r["name"] for r in results(client, q="SEBALO")]

    assert names[0] == "Sebalo"
    assert names[1:3] == ["Sebalo Hilir", "Sebalong"]


@pytest.mark.parametrize("q", ["", "s", " s "])
def test_short_query_without_within_returns_nothing(client, bengkayang, q):
    assert results(client, q=q) == []


def test_invalid_level_is_400_with_message(client, bengkayang):
    response = client.get(SEARCH, {"q": "sebalo", "level": "7"})

    assert response.status_code == 400
    assert response.json() == {"error": "Tingkat wilayah tidak dikenal."}


def test_non_numeric_level_is_400(client, bengkayang):
    assert client.get(SEARCH, {"q": "sebalo", "level": "desa"}).status_code == 400


def test_within_and_level_lists_kecamatan(client, bengkayang):
    found = results(client, within="61.07", level=3)

    assert [r["code"] for r in found] == ["61.07.04", "61.07.05"]
    assert {r["kind"] for r in found} == {"Kecamatan"}


def test_within_narrows_a_name_search(client, bengkayang):
    found = results(client, q="sebal", within="61.07")

    assert [r["code"] for r in found] == ["61.07.04.1010"]


def test_level_filters_a_name_search(client, bengkayang):
    assert [r["code"] for r in results(client, q="sungai raya", level=3)] == ["61.07.04"]
    assert results(client, q="sungai raya", level=4) == []


def test_at_most_20_results(client, bengkayang):
    for n in range(1, 26):
        region_chain(f"61.07.05.20{n:02d}", f"Desa Contoh {n}")

    assert len(results(client, q="contoh")) == 20
    assert len(results(client, within="61.07.05")) == 20


def test_search_is_cacheable(client, bengkayang):
    response = client.get(SEARCH, {"q": "sebalo"})

    assert "max-age=3600" in response["Cache-Control"]


def test_search_rejects_post(client, bengkayang):
    assert client.post(SEARCH, {"q": "sebalo"}).status_code == 405


def test_detail_shows_ancestors_and_children(client, bengkayang):
    response = client.get(reverse("regions:detail", args=["61.07.04"]))

    assert response.status_code == 200
    assert [a.code for a in response.context["ancestors"]] == ["61", "61.07"]
    assert [c.code for c in response.context["children"]] == ["61.07.04.1010", "61.07.04.2001"]
    body = response.content.decode()
    assert "<h1>Sungai Raya</h1>" in body
    assert 'href="/wilayah/61/"' in body
    assert 'href="/wilayah/61.07/"' in body
    assert "Kalimantan Barat" in body
    assert "Kabupaten Bengkayang" in body
    assert 'href="/wilayah/61.07.04.1010/"' in body
    assert "Sebalo" in body
    assert "Karimunting" in body
    # A kelurahan is marked; a plain desa is not.
    assert "(Kelurahan)" in body
    assert "(Desa)" not in body


def test_detail_of_province_has_no_ancestors(client, bengkayang):
    response = client.get(reverse("regions:detail", args=["61"]))

    assert response.status_code == 200
    assert response.context["ancestors"] == []
    assert [c.code for c in response.context["children"]] == ["61.07"]


def test_unknown_code_is_404_naming_the_code(client, bengkayang):
    response = client.get("/wilayah/61.07.99/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "61.07.99" in body
    assert "tidak dikenal" in body


def test_unknown_code_is_escaped_in_404(client, bengkayang):
    response = client.get("/wilayah/<script>x/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "&lt;script&gt;x" in body
    assert "<script>x" not in body


def test_browse_with_query_lists_matches(client, bengkayang):
    response = client.get(reverse("regions:browse"), {"q": "sebalo"})

    assert response.status_code == 200
    assert response.context["query"] == "sebalo"
    assert [r.name for r in response.context["results"]][:3] == ["Sebalo", "Sebalong", "Sebalor"]
    body = response.content.decode()
    assert 'href="/wilayah/61.07.04.1010/"' in body
    assert "Karimunting" not in body


def test_browse_without_query_lists_provinces(client, bengkayang):
    response = client.get(reverse("regions:browse"))

    assert response.status_code == 200
    assert [p.code for p in response.context["provinces"]] == ["35", "61"]
    assert 'href="/wilayah/61/"' in response.content.decode()


def test_browse_with_unmatched_query_says_so(client, bengkayang):
    response = client.get(reverse("regions:browse"), {"q": "tidakada"})

    assert response.status_code == 200
    assert "Tidak ada wilayah yang cocok." in response.content.decode()
