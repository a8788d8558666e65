import io
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jembatan.accounts.models import Role, Notification
from jembatan.testing.factories import (
    MembershipFactory,
    UserFactory,
    region_chain,
    KimFactory,
    KimMembershipFactory,
)
from jembatan.dissemination import services
from jembatan.dissemination.models import Delivery, InfoItem, ShareLink
from jembatan.communities.models import Position
from django.core import mail


@pytest.mark.django_db
def test_flow(client, two_tenants, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = "/tmp/smoke/media"
    admin = UserFactory()
    kab = region_chain("61.07", "Kabupaten Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kab)
    from jembatan.dissemination.access import get_publishing_areas_for_user

    areas = get_publishing_areas_for_user(admin)
    assert len(areas) == 1
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    b = io.BytesIO()
    w.write(b)
    pdf = b.getvalue()
    _x = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
    item = services.item_create(
        actor=admin,
        area_key=areas[0].key,
        data={"title": "Posyandu", "summary": "s", "body": "b\n\nc"},
        files=[SimpleUploadedFile("a.pdf", pdf, "application/pdf")],
    )
    assert item.attachments.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(actor=admin, item=item)
    assert Delivery.objects.filter(item=item).count() == 1
    d = Delivery.objects.get(item=item)
    assert d.kim == two_tenants.a.kim
    post = services.delivery_republish(
        actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item, note="Balai desa"
    )
    assert post.status == "published"
    client.force_login(two_tenants.a.owner)
    r = client.get(f"/kelola/kim/{two_tenants.a.kim.slug}/informasi/")
    assert r.status_code == 200, r.content
    r = client.get(f"/kelola/kim/{two_tenants.a.kim.slug}/informasi/{item.pk}/")
    assert r.status_code == 200
    r = client.post(
        f"/kelola/kim/{two_tenants.a.kim.slug}/informasi/{item.pk}/bagikan/",
        {"channel": "whatsapp"},
    )
    assert r.status_code == 302 and "wa.me" in r["Location"], r
    link = ShareLink.objects.get()
    r = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10)")
    assert r.status_code == 302 and r["Location"] == post.get_absolute_url()
    link.refresh_from_db()
    assert link.click_count == 1
    r = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10)")
    link.refresh_from_db()
    assert link.click_count == 1
    r = client.get(f"/s/{link.code}", HTTP_USER_AGENT="WhatsApp/2.23")
    link.refresh_from_db()
    assert link.click_count == 1
    r = client.get("/s/zzzzzzz")
    assert r.status_code == 404 and b'href="/"' in r.content
    r = client.post("/s/lihat", {"post": post.pk}, HTTP_USER_AGENT="Mozilla/5.0")
    assert r.status_code == 204
    d.refresh_from_db()
    assert d.view_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/kelola/kim/{two_tenants.a.kim.slug}/informasi/{item.pk}/tanggapan/",
            {"body": "Kapan?"},
        )
    assert r.status_code == 302
    assert Notification.objects.filter(recipient=admin, kind="info.feedback").exists()
    client.force_login(admin)
    for url in [
        "/kelola/informasi/",
        f"/kelola/informasi/{item.pk}/",
        f"/kelola/informasi/{item.pk}/jangkauan/",
        "/kelola/",
        "/kelola/pemberitahuan/",
        "/kelola/informasi/baru/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=admin, item=item, data={"body": "baru sekali"}, correction_note="jam diubah"
        )
    post.refresh_from_db()
    assert "baru sekali" in post.body and "Balai desa" in post.body
    assert Notification.objects.filter(kind="info.corrected").count() == 1
    client.logout()
    r = client.get(item.get_absolute_url())
    assert r.status_code == 200 and b"jam diubah" in r.content
    r = client.get("/informasi/")
    assert r.status_code == 200 and b"Posyandu" in r.content
    r = client.get(post.get_absolute_url())
    assert r.status_code == 200 and b"reach.js" in r.content
    services.item_withdraw(actor=admin, item=item, reason="salah tanggal")
    post.refresh_from_db()
    assert post.status == "draft"
    r = client.get(item.get_absolute_url())
    assert r.status_code == 410
    r = client.get(post.get_absolute_url())
    assert r.status_code == 404
    print(len(mail.outbox), [m.subject for m in mail.outbox])
