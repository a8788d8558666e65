import pytest

from jembatan.accounts.models import Role
from jembatan.literacy import services
from jembatan.testing.factories import (
    MembershipFactory,
    ModuleFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


def test_public_index_lists_open_trainings_and_published_modules(client, two_tenants):
    TrainingFactory(title="Pelatihan terbuka")
    TrainingFactory(title="Pelatihan draf", status="draf")
    ModuleFactory(title="Modul terbit")
    ModuleFactory(title="Modul draf", is_published=False)
    text = client.get("/literasi/").content.decode()
    assert "Pelatihan terbuka" in text and "Modul terbit" in text
    assert "Pelatihan draf" not in text and "Modul draf" not in text
    assert 'href="/literasi/"' in text  # the main navigation


def test_workspace_links_to_the_right_literacy_page(client, two_tenants):
    client.force_login(two_tenants.a.member)
    text = client.get("/kelola/").content.decode()
    assert "/kelola/literasi/saya/" in text
    assert client.get("/kelola/literasi/").status_code == 302  # members go to their page
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    client.force_login(admin)
    assert 'href="/kelola/literasi/"' in client.get("/kelola/").content.decode()
    training = TrainingFactory(organiser=admin, title="Pelatihan admin")
    text = client.get("/kelola/literasi/").content.decode()
    assert "Pelatihan admin" in text and "Bobot skor KIM" in text
    detail = client.get(f"/kelola/literasi/{training.pk}/").content.decode()
    assert "Presensi" in detail and "Tandai selesai" in detail
    assert client.get(f"/kelola/literasi/{training.pk}/ubah/").status_code == 200


def test_member_page_offers_trainings_for_their_kim(client, two_tenants):
    training = TrainingFactory(title="Pelatihan untuk Sebalo")
    client.force_login(two_tenants.a.member)
    text = client.get("/kelola/literasi/saya/").content.decode()
    assert "Pelatihan untuk Sebalo" in text
    client.force_login(two_tenants.b.member)  # another kabupaten
    assert "Pelatihan untuk Sebalo" not in client.get("/kelola/literasi/saya/").content.decode()
    services.registration_create(
        actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
    )
    client.force_login(two_tenants.a.member)
    page = client.get(f"/literasi/pelatihan/{training.pk}/").content.decode()
    assert "Batalkan pendaftaran" in page
