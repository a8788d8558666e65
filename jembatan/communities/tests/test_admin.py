import pytest
from django.urls import reverse

from jembatan.communities.models import Kim
from jembatan.testing.factories import UserFactory, region_chain


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_kim_admin_region_is_a_search_field_not_a_select(operator_client):
    for i in range(30):
        region_chain(f"61.07.04.20{i:02d}", f"Desa Uji {i}")
    response = operator_client.get(reverse("admin:communities_kim_add"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-region-search="/wilayah/cari/"' in html
    assert "Desa Uji 29" not in html


def test_kim_admin_creates_kim_from_a_typed_region_name(operator_client):
    region_chain("61.07.04.1010", "Sebalo")
    response = operator_client.post(
        reverse("admin:communities_kim_add"),
        {
            "name": "KIM Sebalo",
            "slug": "sebalo",
            "region": "Sebalo",
            "is_active": "on",
            "created_at_0": "2026-01-01",
            "created_at_1": "08:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kim = Kim.objects.get(slug="sebalo")
    assert kim.region_id == "61.07.04.1010"
    assert kim.level == Kim.Level.KELURAHAN
