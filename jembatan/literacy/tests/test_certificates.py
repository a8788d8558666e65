import pytest
from django.core.cache import cache
from pypdf import PdfReader

from jembatan.literacy import services
from jembatan.literacy.models import Certificate
from jembatan.testing.factories import TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cert(db):
    holder = UserFactory(full_name="Yohanes Atong")
    training = TrainingFactory(title="Pelatihan \u201cjurnalistik warga\u201d \u2013 dasar")
    return services.certificate_issue(
        actor=None, user=holder, kind=Certificate.Kind.ATTENDANCE, training=training
    )


def test_public_check_of_a_valid_certificate(client, cert):
    response = client.get(f"/literasi/sertifikat/{cert.code}/")
    text = response.content.decode()
    assert response.status_code == 200 and "Sertifikat sah" in text
    assert "Yohanes Atong" in text and "jurnalistik warga" in text
    # Typed the way it is printed: with dashes, lower case.
    response = client.get(f"/literasi/sertifikat/{cert.display_code.lower()}/")
    assert response.status_code == 200 and "Yohanes Atong" in response.content.decode()
    response = client.get("/literasi/sertifikat/", {"code": cert.display_code})
    assert response.status_code == 302 and cert.code in response["Location"]


def test_unknown_certificate_code_is_a_clear_404(client, cert):
    for code in ["ABCDEFGHJKMN", "x", "ABCD-EFGH-JKMP"]:
        response = client.get(f"/literasi/sertifikat/{code}/")
        assert response.status_code == 404
        assert "Sertifikat tidak ditemukan" in response.content.decode()
        assert "Yohanes" not in response.content.decode()
    assert Certificate.objects.count() == 1


def test_lookups_are_rate_limited(client, cert):
    for _ in range(20):
        client.get("/literasi/sertifikat/ABCDEFGHJKMN/")
    response = client.get(f"/literasi/sertifikat/{cert.code}/")
    assert response.status_code == 429 and "Yohanes" not in response.content.decode()


def test_certificate_pdf_for_its_holder_only(client, cert):
    client.force_login(cert.user)
    response = client.get(f"/kelola/literasi/sertifikat/{cert.code}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import io

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Yohanes Atong" in text and cert.display_code in text
    assert f"/literasi/sertifikat/{cert.code}/" in text
    # Typographic marks survive as written (the PDF embeds a Unicode font).
    assert "Pelatihan \u201cjurnalistik warga\u201d \u2013 dasar" in text
    client.force_login(UserFactory())
    assert client.get(f"/kelola/literasi/sertifikat/{cert.code}/pdf/").status_code == 404


def test_one_certificate_per_user_and_training(cert):
    again = services.certificate_issue(
        actor=None, user=cert.user, kind=Certificate.Kind.ATTENDANCE, training=cert.training
    )
    assert again.pk == cert.pk and Certificate.objects.count() == 1
