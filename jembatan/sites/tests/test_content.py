"""Potensi, produk, agenda and halaman: one registry, tested through its pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.sites.models import Event, Page, Potential, Product


def manage(kim, kind, pk=None, action=""):
    if action == "delete":
        return reverse(
            "sites:manage_content_delete", kwargs={"kim": kim.slug, "kind": kind, "pk": pk}
        )
    if pk:
        return reverse(
            "sites:manage_content_edit", kwargs={"kim": kim.slug, "kind": kind, "pk": pk}
        )
    return reverse("sites:manage_content_create", kwargs={"kim": kim.slug, "kind": kind})


def public(kim, kind):
    return reverse("sites:content_list", kwargs={"kim": kim.slug, "kind": kind})


def test_ketua_publishes_a_product_with_whatsapp_order_button(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        manage(a.kim, "produk"),
        {
            "title": "Lada Putih Bengkayang",
            "price": "120000",
            "unit": "per kg",
            "seller": "Kelompok Tani Maju",
            "whatsapp": "0812 3456 7890",
            "body": "Lada putih kering.",
            "slug": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.whatsapp == "+6281234567890"
    assert product.slug == "lada-putih-bengkayang"
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Rp120.000 per kg" in html
    assert (
        "https://wa.me/6281234567890?text=Halo%2C%20saya%20ingin%20memesan%20Lada%20Putih" in html
    )
    assert "Pesan via WhatsApp" in html
    assert "https://wa.me/?text=" in html  # Sebarkan
    assert audit_for(product).get().action == "produk.create"


def test_anggota_drafts_but_cannot_publish_when_review_is_needed(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    response = client.post(
        manage(a.kim, "potensi"),
        {
            "title": "Riam Merasap",
            "kind": "wisata",
            "location": "Dusun X",
            "body": "Air terjun.",
            "is_published": "on",
        },
    )
    assert response.status_code == 200
    assert "Hanya ketua atau sekretaris" in response.content.decode()
    assert not Potential.objects.exists()
    client.post(manage(a.kim, "potensi"), {"title": "Riam Merasap", "kind": "wisata", "body": "x"})
    item = Potential.objects.get()
    assert not item.is_published
    assert client.get(public(a.kim, "potensi")).content.decode().count("Riam Merasap") == 0


def test_event_list_splits_upcoming_and_past(client, two_tenants):
    a = two_tenants.a
    now = timezone.now()
    for title, delta in [("Posyandu", 2), ("Rapat lama", -10)]:
        Event.objects.create(
            kim=a.kim,
            title=title,
            slug=title.lower().replace(" ", "-"),
            starts_at=now + datetime.timedelta(days=delta),
            is_published=True,
            created_by=a.owner,
        )
    html = client.get(public(a.kim, "agenda")).content.decode()
    assert html.index("Akan datang") < html.index("Posyandu") < html.index("Sudah lewat")
    assert html.index("Sudah lewat") < html.index("Rapat lama")


def test_event_ending_before_it_starts_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        manage(a.kim, "agenda"),
        {
            "title": "Pelatihan",
            "starts_at": "2026-12-10T09:00",
            "ends_at": "2026-12-09T09:00",
            "place": "Balai desa",
            "body": "",
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_script_in_body_is_removed(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    client.post(
        manage(a.kim, "halaman"),
        {
            "title": "Sejarah",
            "position": "0",
            "is_published": "on",
            "body": "<p onclick='x()'>Didirikan 2019</p><script>steal()</script>",
        },
    )
    page = Page.objects.get()
    assert page.body == "<p>Didirikan 2019</p>"


def test_duplicate_slug_in_the_same_kim_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    client.post(manage(a.kim, "halaman"), {"title": "Kontak", "position": "0", "body": "x"})
    response = client.post(
        manage(a.kim, "halaman"), {"title": "Lain", "slug": "kontak", "position": "0", "body": "x"}
    )
    assert "sudah dipakai" in response.content.decode()
    assert Page.objects.count() == 1


def test_other_kims_content_cannot_be_edited_or_deleted_by_url(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    item = Potential.objects.create(kim=a.kim, title="Kebun", slug="kebun", created_by=a.owner)
    client.force_login(b.owner)
    assert client.get(manage(a.kim, "potensi", item.pk)).status_code == 404
    assert client.get(manage(b.kim, "potensi", item.pk)).status_code == 404
    assert client.post(manage(b.kim, "potensi", item.pk, "delete")).status_code == 404
    client.post(manage(b.kim, "potensi", item.pk), {"title": "Dibajak", "kind": "wisata"})
    item.refresh_from_db()
    assert item.title == "Kebun"


def test_unknown_kind_is_404(client, two_tenants):
    response = client.get(f"/kim/{two_tenants.a.kim.slug}/senjata/")
    assert response.status_code == 404


def test_delete_rules(client, two_tenants):
    a = two_tenants.a
    mine = Potential.objects.create(kim=a.kim, title="Milik saya", slug="m", created_by=a.member)
    theirs = Potential.objects.create(kim=a.kim, title="Milik ketua", slug="k", created_by=a.owner)
    client.force_login(a.member)
    assert client.post(manage(a.kim, "potensi", theirs.pk, "delete")).status_code == 403
    client.post(manage(a.kim, "potensi", mine.pk, "delete"))
    assert list(Potential.objects.all()) == [theirs]


def test_profile_shows_members_and_decree_without_contacts(client, two_tenants):
    a = two_tenants.a
    a.kim.sk_number = "188.45/77/2024"
    a.kim.save()
    html = client.get(reverse("sites:kim_profile", kwargs={"kim": a.kim.slug})).content.decode()
    assert a.owner.full_name in html and "Ketua" in html
    assert "188.45/77/2024" in html
    assert a.owner.email not in html
    assert html.index(a.owner.full_name) < html.index(a.member.full_name)


def test_an_item_published_meanwhile_cannot_be_overwritten_by_an_anggota(two_tenants):
    from django.core.exceptions import PermissionDenied

    from jembatan.sites.content import KINDS, content_save

    a = two_tenants.a
    item = Potential.objects.create(kim=a.kim, title="Kebun", slug="kebun", created_by=a.member)
    stale_copy = Potential.objects.get(pk=item.pk)
    Potential.objects.filter(pk=item.pk).update(is_published=True)  # the ketua publishes
    with pytest.raises(PermissionDenied):
        content_save(
            actor=a.member,
            kim=a.kim,
            kind=KINDS["potensi"],
            data={"title": "Diganti", "is_published": False},
            instance=stale_copy,
        )
    item.refresh_from_db()
    assert (item.title, item.is_published) == ("Kebun", True)
