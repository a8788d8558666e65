"""Staff pages under /kelola/informasi/: write, publish, correct, withdraw."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog, Role
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Attachment, Delivery, Feedback, InfoItem
from jembatan.regions.models import Region
from jembatan.sites.models import Post
from jembatan.testing.factories import MembershipFactory, UserFactory, home_client, region_chain

pytestmark = pytest.mark.django_db

CREATE = "/kelola/informasi/baru/"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


def kabupaten_admin(code="61.07", name="Kabupaten Bengkayang"):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain(code, name))
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin(two_tenants):
    return kabupaten_admin()


@pytest.fixture
def other_admin(two_tenants):
    return kabupaten_admin("61.04", "Kabupaten Mempawah")


def form_data(admin, **extra) -> dict:
    return {
        "area": get_publishing_areas_for_user(admin)[0].key,
        "title": "Posyandu balita Desember",
        "summary": "Timbang dan imunisasi balita.",
        "body": "<p>Datang ke posyandu terdekat.</p>",
        "category": InfoItem.Category.HEALTH,
        "priority": InfoItem.Priority.NORMAL,
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "scope": InfoItem.Scope.AREA,
    } | extra


def make_item(admin, capture=None, *, title="Pasar murah", publish=False) -> InfoItem:
    item = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": title, "summary": "Ringkas", "body": "<p>Isi awal</p>"},
    )
    if publish:
        with capture(execute=True):
            item = services.item_publish(actor=admin, item=item)
    return item


def edit_data(item, **extra) -> dict:
    return {
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "category": item.category,
        "priority": item.priority,
        "valid_from": item.valid_from.isoformat(),
        "valid_until": item.valid_until.isoformat() if item.valid_until else "",
    } | extra


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- Who may write ------------------------------------------------------------------


def test_create_form_for_kabupaten_admin(admin):
    response = login(admin).get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert [key for key, _label in form.fields["area"].choices] == ["61.07|"]
    kecamatan = set(form.fields["target_kecamatan"].queryset.values_list("code", flat=True))
    assert kecamatan == {"61.07.04"}
    kims = set(form.fields["target_kims"].queryset.values_list("slug", flat=True))
    assert kims == {"kim-a"}
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_kim_member_without_government_role_is_refused(two_tenants):
    client = login(two_tenants.a.owner)
    assert client.get(CREATE).status_code == 403
    assert client.get("/kelola/informasi/").status_code == 403
    data = {"area": "61.07|", "title": "T", "summary": "S", "body": "B", "scope": "area"}
    assert client.post(CREATE, data).status_code == 403
    assert not InfoItem.objects.exists()


def test_anonymous_is_sent_to_login(two_tenants):
    response = Client().get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")


def test_create_without_csrf_token_is_refused(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(CREATE, form_data(admin)).status_code == 403
    assert not InfoItem.objects.exists()


# --- Create -------------------------------------------------------------------------


def test_create_draft_with_a_pdf_and_a_png(admin, media):
    data = form_data(admin) | {
        "files": [
            SimpleUploadedFile("Jadwal Posyandu.pdf", pdf_bytes(2), "application/pdf"),
            SimpleUploadedFile("peta lokasi.png", png_bytes(), "image/png"),
        ]
    }
    response = login(admin).post(CREATE, data)

    item = InfoItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kelola/informasi/{item.pk}/"
    assert item.status == InfoItem.Status.DRAFT
    assert item.published_at is None
    assert item.author == admin
    assert item.area_id == "61.07"
    assert item.category == InfoItem.Category.HEALTH
    attachments = {a.kind: a for a in item.attachments.all()}
    assert set(attachments) == {"pdf", "image"}
    assert attachments["pdf"].name == "Jadwal_Posyandu.pdf"
    assert attachments["pdf"].pages == 2
    assert attachments["image"].name == "peta_lokasi.jpg"
    assert len(stored_files(media)) == 2
    assert not Delivery.objects.exists()  # a draft reaches no inbox
    assert AuditLog.objects.filter(action="info.create", target_id=str(item.pk)).exists()
    # The draft is not public.
    assert Client().get(item.get_absolute_url()).status_code == 404


def test_html_disguised_as_pdf_is_refused_and_nothing_is_created(admin, media):
    html = b"<html><body><script>alert('x')</script></body></html>"
    data = form_data(admin) | {
        "files": [
            SimpleUploadedFile("baik.png", png_bytes(), "image/png"),
            SimpleUploadedFile("surat.pdf", html, "application/pdf"),
        ]
    }
    response = login(admin).post(CREATE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "files" in errors
    assert "mengaku PDF" in " ".join(errors["files"])
    html_out = response.content.decode()
    assert "mengaku PDF" in html_out
    assert 'class="field-error" id="id_files_error"' in html_out
    assert not InfoItem.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_kecamatan_outside_the_kabupaten_is_not_a_choice(admin, two_tenants):
    outside = Region.objects.get(code="61.04.05")
    assert outside.level == Region.Level.KECAMATAN
    data = form_data(admin, scope=InfoItem.Scope.KECAMATAN, target_kecamatan=[outside.pk])
    response = login(admin).post(CREATE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["target_kecamatan"]] == ["invalid_choice"]
    choices = response.context["form"].fields["target_kecamatan"].queryset
    assert not choices.filter(pk=outside.pk).exists()
    assert not InfoItem.objects.exists()


def test_kim_outside_the_kabupaten_is_not_a_choice(admin, two_tenants):
    data = form_data(admin, scope=InfoItem.Scope.KIMS, target_kims=[two_tenants.b.kim.pk])
    response = login(admin).post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["target_kims"]] == ["invalid_choice"]
    assert not InfoItem.objects.exists()


def test_another_area_key_is_not_a_choice(admin, other_admin):
    data = form_data(admin, area=get_publishing_areas_for_user(other_admin)[0].key)
    response = login(admin).post(CREATE, data)
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not InfoItem.objects.exists()


def test_kecamatan_scope_without_kecamatan_shows_the_service_error(admin):
    response = login(admin).post(CREATE, form_data(admin, scope=InfoItem.Scope.KECAMATAN))
    assert response.status_code == 200
    assert "target_kecamatan" in response.context["form"].errors
    assert not InfoItem.objects.exists()


# --- Publish ------------------------------------------------------------------------


def test_publish_fills_the_inboxes(admin, two_tenants, django_capture_on_commit_callbacks):
    client = login(admin)
    data = form_data(admin, scope=InfoItem.Scope.KECAMATAN, target_kecamatan=["61.07.04"])
    client.post(CREATE, data)
    item = InfoItem.objects.get()
    assert list(item.target_kecamatan.values_list("code", flat=True)) == ["61.07.04"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kelola/informasi/{item.pk}/terbitkan/")

    assert response.status_code == 302
    assert response["Location"] == f"/kelola/informasi/{item.pk}/jangkauan/"
    item.refresh_from_db()
    assert item.status == InfoItem.Status.PUBLISHED
    assert item.published_at is not None
    assert item.fanned_out_at is not None
    assert item.targeted_count == 1
    assert list(Delivery.objects.filter(item=item).values_list("kim__slug", flat=True)) == ["kim-a"]
    assert Client().get(item.get_absolute_url()).status_code == 200
    member = login(two_tenants.a.member)
    inbox = member.get("/kelola/kim/kim-a/informasi/")
    assert [d.item_id for d in inbox.context["page"].object_list] == [item.pk]

    # Publishing again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/kelola/informasi/{item.pk}/terbitkan/", follow=True)
    assert any(
        "tidak berlaku untuk informasi berstatus “Terbit”" in str(m)
        for m in again.context["messages"]
    )
    assert Delivery.objects.filter(item=item).count() == 1


def test_publish_needs_post(admin):
    item = make_item(admin)
    assert login(admin).get(f"/kelola/informasi/{item.pk}/terbitkan/").status_code == 405
    item.refresh_from_db()
    assert item.status == InfoItem.Status.DRAFT


# --- Edit and correct ---------------------------------------------------------------


def test_edit_draft_and_remove_an_attachment(admin, media):
    item = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Draf", "summary": "Ringkas", "body": "<p>Isi</p>"},
        files=[SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")],
    )
    attachment = item.attachments.get()
    client = login(admin)
    page = client.get(f"/kelola/informasi/{item.pk}/")
    assert page.status_code == 200
    assert "correction_note" not in page.context["form"].fields
    data = edit_data(item, title="Draf diperbaiki", scope="area", remove_attachment=attachment.pk)
    response = client.post(f"/kelola/informasi/{item.pk}/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Draf diperbaiki"
    assert item.corrected_at is None
    assert not item.attachments.exists()


def test_correcting_a_published_item_needs_a_note(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item)
    client = login(admin)
    url = f"/kelola/informasi/{item.pk}/"

    page = client.get(url)
    assert "correction_note" in page.context["form"].fields
    response = client.post(url, edit_data(item, title="Pasar murah (Sabtu)"))
    assert response.status_code == 200
    assert "correction_note" in response.context["form"].errors
    assert "sudah terbit" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Pasar murah"
    assert item.corrected_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, edit_data(item, title="Pasar murah (Sabtu)", correction_note="Hari diubah")
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Pasar murah (Sabtu)"
    assert item.correction_note == "Hari diubah"
    assert item.corrected_at is not None
    post.refresh_from_db()
    assert post.title == "Pasar murah (Sabtu)"  # the KIM's copy followed
    public = Client().get(item.get_absolute_url()).content.decode()
    assert "Hari diubah" in public


def test_resubmitting_a_published_item_unchanged_needs_no_note(
    admin, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    client = login(admin)
    url = f"/kelola/informasi/{item.pk}/"
    form = client.get(url).context["form"]
    data = {
        name: form[name].value() or ""
        for name in ("title", "summary", "body", "category", "priority")
    } | {"valid_from": item.valid_from.isoformat(), "valid_until": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.corrected_at is None


def test_targets_of_a_published_item_cannot_be_changed(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    client = login(admin)
    data = edit_data(
        item,
        scope=InfoItem.Scope.KIMS,
        target_kims=[two_tenants.a.kim.pk],
        correction_note="sasaran",
        title="Judul baru",
    )
    client.post(f"/kelola/informasi/{item.pk}/", data)
    item.refresh_from_db()
    assert item.scope == InfoItem.Scope.AREA
    assert not item.target_kims.exists()


# --- Withdraw -----------------------------------------------------------------------


def test_withdraw(admin, two_tenants, django_capture_on_commit_callbacks):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    post = services.delivery_republish(actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item)
    client = login(admin)
    url = f"/kelola/informasi/{item.pk}/tarik/"

    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 302
    item.refresh_from_db()
    assert item.status == InfoItem.Status.PUBLISHED

    response = client.post(url, {"reason": "Jadwal dibatalkan"})
    assert response.status_code == 302
    assert response["Location"] == f"/kelola/informasi/{item.pk}/"
    item.refresh_from_db()
    assert item.status == InfoItem.Status.WITHDRAWN
    assert item.withdrawal_reason == "Jadwal dibatalkan"
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert Client().get(item.get_absolute_url()).status_code == 410
    page = client.get(f"/kelola/informasi/{item.pk}/").content.decode()
    assert "Jadwal dibatalkan" in page

    # A withdrawn item is no longer edited through the form.
    client.post(f"/kelola/informasi/{item.pk}/", edit_data(item, title="Lagi", correction_note="x"))
    item.refresh_from_db()
    assert item.title == "Pasar murah"


# --- Tenant isolation ---------------------------------------------------------------


def test_staff_of_another_kabupaten_gets_404(
    admin, other_admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    feedback = services.feedback_send(
        actor=two_tenants.a.member,
        delivery=Delivery.objects.select_related("kim", "item").get(item=item),
        body="Tanya",
    )
    draft = make_item(admin, title="Draf Bengkayang")
    client = home_client(other_admin)  # on Mempawah's host, where its role is
    base = f"/kelola/informasi/{item.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/jangkauan/").status_code == 404
    assert client.post(f"{base}/", edit_data(item, correction_note="x")).status_code == 404
    assert client.post(f"{base}/tarik/", {"reason": "x"}).status_code == 404
    assert client.post(f"{base}/tanggapan/{feedback.pk}/", {"answer": "x"}).status_code == 404
    assert client.post(f"/kelola/informasi/{draft.pk}/terbitkan/").status_code == 404
    listing = client.get("/kelola/informasi/")
    assert listing.status_code == 200
    assert list(listing.context["page"].object_list) == []

    item.refresh_from_db()
    draft.refresh_from_db()
    feedback.refresh_from_db()
    assert item.status == InfoItem.Status.PUBLISHED
    assert draft.status == InfoItem.Status.DRAFT
    assert feedback.answer == ""
    assert Feedback.objects.count() == 1


def test_manage_list_shows_own_items_with_counts(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    make_item(admin, title="Masih draf")
    services.delivery_republish(actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item)
    response = login(admin).get("/kelola/informasi/")
    rows = {i.title: i for i in response.context["page"].object_list}
    assert set(rows) == {"Pasar murah", "Masih draf"}
    assert (rows["Pasar murah"].read, rows["Pasar murah"].republished) == (1, 1)
    assert f'href="/kelola/informasi/{item.pk}/jangkauan/"' in response.content.decode()


# --- The items' transition table ------------------------------------------------------


def test_the_table_uses_exactly_the_model_statuses():
    assert services.ITEM_MACHINE.states() == set(InfoItem.Status.values)


def test_each_page_offers_exactly_the_available_steps(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin)
    client = login(admin)
    marks = {
        "publish": ("", f"/kelola/informasi/{item.pk}/terbitkan/"),
        "withdraw": ("", f"/kelola/informasi/{item.pk}/tarik/"),
        "update": ("", 'class="wide-form"'),
        "nudge": ("jangkauan/", f"/kelola/informasi/{item.pk}/ingatkan/"),
    }

    def offered() -> set[str]:
        found = set()
        for action, (page, mark) in marks.items():
            response = client.get(f"/kelola/informasi/{item.pk}/{page}")
            assert response.status_code == 200
            assert response.context["steps"] == services.ITEM_MACHINE.available(item.status)
            if mark in response.content.decode():
                found.add(action)
        return found

    assert offered() == set(services.ITEM_MACHINE.available(InfoItem.Status.DRAFT))
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_publish(actor=admin, item=item)
    assert offered() == set(services.ITEM_MACHINE.available(InfoItem.Status.PUBLISHED))
    item = services.item_withdraw(actor=admin, item=item, reason="Jadwal dibatalkan")
    assert offered() == set(services.ITEM_MACHINE.available(InfoItem.Status.WITHDRAWN)) == set()


def test_steps_from_a_wrong_status_are_refused_and_recorded_once(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    item = make_item(admin, django_capture_on_commit_callbacks, publish=True)
    with pytest.raises(ValidationError) as err:
        services.item_publish(actor=admin, item=item)
    assert "Terbitkan dan kirim ke KIM" in err.value.messages[0]
    services.item_withdraw(actor=admin, item=item, reason="Jadwal dibatalkan")
    with pytest.raises(ValidationError) as err:
        services.item_withdraw(actor=admin, item=item, reason="Sekali lagi")
    assert "Ditarik" in err.value.messages[0]
    with pytest.raises(ValidationError):
        services.item_update(
            actor=admin, item=item, data={"title": "Lagi"}, correction_note="Judul baru"
        )
    with pytest.raises(ValidationError):
        services.infoitem_nudge(actor=admin, item=item)
    item.refresh_from_db()
    assert (item.status, item.title, item.withdrawal_reason) == (
        InfoItem.Status.WITHDRAWN,
        "Pasar murah",
        "Jadwal dibatalkan",
    )
    assert audit_for(item).filter(action="info.withdraw").count() == 1
