"""The public pages: /informasi/ and /informasi/<slug>/, and re-published posts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from jembatan.accounts.models import Role
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import InfoItem
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


def staff(role=Role.KABUPATEN_ADMIN, code="61.07", name=None):
    user = UserFactory()
    region = region_chain(code, name) if code else None
    MembershipFactory(user=user, role=role, region=region)
    return user


def make_item(actor, capture, *, title, publish=True, files=(), **data):
    values = {"title": title, "summary": f"Ringkasan {title}", "body": f"<p>Isi {title}</p>"}
    item = services.item_create(
        actor=actor,
        area_key=get_publishing_areas_for_user(actor)[0].key,
        data=values | data,
        files=files,
    )
    if publish:
        with capture(execute=True):
            item = services.item_publish(actor=actor, item=item)
    return item


def pdf_bytes(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def admin(two_tenants):
    return staff(code="61.07", name="Kabupaten Bengkayang")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_list_shows_hub_and_national_items_only(
    client, admin, two_tenants, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    make_item(admin, capture, title="Vaksinasi kabupaten")
    camat = staff(role=Role.CAMAT, code="61.07.04")
    make_item(camat, capture, title="Kerja bakti kecamatan")
    operator = staff(role=Role.OPERATOR, code=None)
    national = make_item(operator, capture, title="Sensus nasional")
    assert national.area is None
    make_item(admin, capture, title="Draf rahasia", publish=False)
    withdrawn = make_item(admin, capture, title="Jadwal keliru")
    services.item_withdraw(actor=admin, item=withdrawn, reason="salah")
    other = staff(code="61.04", name="Kabupaten Mempawah")
    make_item(other, capture, title="Lomba Mempawah")

    response = client.get("/informasi/")

    assert response.status_code == 200
    titles = {item.title for item in response.context["page"].object_list}
    assert titles == {"Vaksinasi kabupaten", "Kerja bakti kecamatan", "Sensus nasional"}
    html = response.content.decode()
    for title in ("Vaksinasi kabupaten", "Kerja bakti kecamatan", "Sensus nasional"):
        assert title in html
    for title in ("Draf rahasia", "Jadwal keliru", "Lomba Mempawah"):
        assert title not in html


def test_list_filters_by_category(client, admin, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    make_item(admin, capture, title="Posyandu", category=InfoItem.Category.HEALTH)
    make_item(admin, capture, title="Beasiswa", category=InfoItem.Category.EDUCATION)

    health = client.get("/informasi/", {"kategori": "kesehatan"})
    assert [i.title for i in health.context["page"].object_list] == ["Posyandu"]
    assert "Beasiswa" not in health.content.decode()
    assert health.context["category"] == "kesehatan"

    # An unknown category is ignored, not an error.
    unknown = client.get("/informasi/", {"kategori": "bukan-kategori"})
    assert unknown.status_code == 200
    assert {i.title for i in unknown.context["page"].object_list} == {"Posyandu", "Beasiswa"}
    assert unknown.context["category"] == ""


def test_expired_items_are_listed_separately(client, admin, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    today = timezone.localdate()
    make_item(
        admin,
        capture,
        title="Pendaftaran lama",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=1),
    )
    make_item(
        admin,
        capture,
        title="Pendaftaran berjalan",
        valid_from=today - datetime.timedelta(days=3),
        valid_until=today,
    )

    response = client.get("/informasi/")

    assert [i.title for i in response.context["page"].object_list] == ["Pendaftaran berjalan"]
    assert [i.title for i in response.context["expired"]] == ["Pendaftaran lama"]
    html = response.content.decode()
    expired_section = html.split('id="expired-title"', 1)[1]
    assert "Pendaftaran lama" in expired_section
    assert "Pendaftaran berjalan" not in expired_section


def test_detail_shows_correction_attachments_and_beacon(
    client, admin, media, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    item = make_item(
        admin,
        capture,
        title="Jadwal imunisasi",
        files=[SimpleUploadedFile("Jadwal Imunisasi.pdf", pdf_bytes(2), "application/pdf")],
    )
    with capture(execute=True):
        services.item_update(
            actor=admin,
            item=item,
            data={"body": "<p>Jadwal dipindah ke hari Sabtu</p>"},
            correction_note="Hari diubah dari Jumat ke Sabtu",
        )

    response = client.get(f"/informasi/{item.slug}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hari diubah dari Jumat ke Sabtu" in html
    assert "Jadwal dipindah ke hari Sabtu" in html
    attachment = item.attachments.get()
    assert attachment.name == "Jadwal_Imunisasi.pdf"
    assert attachment.file.url in html
    assert 'download="Jadwal_Imunisasi.pdf"' in html
    assert "2 halaman" in html
    assert "js/reach.js" in html
    assert f'data-item="{item.pk}"' in html
    assert "data-kim=" not in html


def test_detail_via_kim_link_passes_the_kim_to_the_beacon(
    client, admin, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, title="Pasar murah")
    response = client.get(f"/informasi/{item.slug}/", {"kim": "kim-a"})
    assert response.status_code == 200
    assert 'data-kim="kim-a"' in response.content.decode()
    hostile = client.get(f"/informasi/{item.slug}/", {"kim": '"><script>alert(1)</script>'})
    assert hostile.status_code == 200
    assert "<script>alert(1)</script>" not in hostile.content.decode()


def test_withdrawn_item_answers_410_with_reason_and_link_home(
    client, admin, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, title="Bantuan benih")
    services.item_withdraw(actor=admin, item=item, reason="Anggaran dibatalkan")

    response = client.get(f"/informasi/{item.slug}/")

    assert response.status_code == 410
    html = response.content.decode()
    assert "Anggaran dibatalkan" in html
    assert "Bantuan benih" in html
    assert 'href="/"' in html
    assert "Isi Bantuan benih" not in html


def test_draft_slug_is_404(client, admin, django_capture_on_commit_callbacks):
    item = make_item(admin, django_capture_on_commit_callbacks, title="Belum terbit", publish=False)
    response = client.get(f"/informasi/{item.slug}/")
    assert response.status_code == 404
    assert "Isi Belum terbit" not in response.content.decode()
    assert client.get("/informasi/tidak-ada-sama-sekali/").status_code == 404


def test_republished_post_links_to_the_original_and_counts_views(
    client, admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, title="Gotong royong")
    post = services.delivery_republish(
        actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item, note="Kumpul di balai desa"
    )
    assert post.status == "published"

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Baca aslinya" in html
    assert f'href="{item.get_absolute_url()}"' in html
    assert "Kumpul di balai desa" in html
    assert "js/reach.js" in html
    assert f'data-post="{post.pk}"' in html
