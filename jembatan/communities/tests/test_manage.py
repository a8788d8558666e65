"""The KIM registry in the workspace: Diskominfo registers and verifies, the ketua runs members."""

import pytest
from django.core import mail
from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role, User
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain


@pytest.fixture
def admin_a(two_tenants):
    return MembershipFactory(role=Role.KABUPATEN_ADMIN, region=two_tenants.a.kim.kabupaten).user


def url(name, kim, **kw):
    return reverse(f"communities:{name}", kwargs={"kim": kim.slug, **kw})


def test_diskominfo_registers_a_kim_by_typing_the_village_name(client, two_tenants, admin_a):
    region_chain("61.07.04.2003", "Tirta Kencana")
    client.force_login(admin_a)
    response = client.post(
        reverse("communities:create"),
        {
            "name": "KIM Tirta Kencana",
            "region": "Tirta Kencana",
            "slug": "",
            "is_active": "on",
            "whatsapp": "0812 1111 2222",
        },
    )
    kim = Kim.objects.get(name="KIM Tirta Kencana")
    assert response.status_code == 302
    assert response.url == url("manage", kim)
    assert kim.slug == "tirta-kencana"
    assert kim.kabupaten_id == "61.07"
    assert kim.whatsapp == "+6281211112222"
    assert audit_for(kim).get().action == "kim.create"


def test_diskominfo_cannot_register_a_kim_in_another_kabupaten(client, two_tenants, admin_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("communities:create"),
        {"name": "KIM Luar", "region": two_tenants.b.kim.region.code, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Wilayah tidak ditemukan" in response.content.decode()
    assert not Kim.objects.filter(name="KIM Luar").exists()


def test_taken_slug_is_refused_with_a_clear_message(client, two_tenants, admin_a):
    region_chain("61.07.04.2003", "Tirta Kencana")
    client.force_login(admin_a)
    response = client.post(
        reverse("communities:create"),
        {"name": "KIM Baru", "region": "61.07.04.2003", "slug": two_tenants.a.kim.slug},
    )
    assert "Alamat web ini sudah dipakai" in response.content.decode()
    assert not Kim.objects.filter(name="KIM Baru").exists()


@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_only_diskominfo_registers_kims(client, two_tenants, who):
    client.force_login(getattr(two_tenants.a, who))
    assert client.get(reverse("communities:create")).status_code == 403


def test_members_cannot_open_another_kims_workspace(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.owner)
    assert client.get(url("manage", a.kim)).status_code == 200
    for name in ("manage", "edit", "member_add"):
        assert client.get(url(name, b.kim)).status_code == 404
    response = client.post(
        url("member_add", b.kim),
        {"full_name": "X", "login": "x@example.test", "position": "anggota"},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="x@example.test").exists()


def test_ketua_edits_profile_but_not_region_or_status(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    page = client.get(url("edit", a.kim)).content.decode()
    assert 'name="region"' not in page
    response = client.post(
        url("edit", a.kim),
        {
            "name": "KIM Sebalo Maju",
            "description": "Kami menyebarkan informasi.",
            "sk_number": "188.45/123/2025",
            "sk_date": "2025-03-01",
            "region": two_tenants.b.kim.region.code,
            "is_active": "",
        },
    )
    assert response.status_code == 302
    a.kim.refresh_from_db()
    assert a.kim.name == "KIM Sebalo Maju"
    assert a.kim.sk_number == "188.45/123/2025"
    assert a.kim.region.code == "61.07.04.1010"  # ignored: not the ketua's decision
    assert a.kim.is_active
    row = audit_for(a.kim).get(action="kim.update")
    assert row.before["name"] == "KIM Sebalo" and row.after["name"] == "KIM Sebalo Maju"


def test_anggota_cannot_edit_profile(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    assert client.post(url("edit", a.kim), {"name": "Dibajak"}).status_code == 403
    a.kim.refresh_from_db()
    assert a.kim.name == "KIM Sebalo"


def test_diskominfo_verifies_once_and_it_is_audited(client, two_tenants, admin_a):
    a = two_tenants.a
    client.force_login(admin_a)
    client.post(url("verify", a.kim))
    a.kim.refresh_from_db()
    first = a.kim.verified_at
    assert first is not None
    client.post(url("verify", a.kim))
    a.kim.refresh_from_db()
    assert a.kim.verified_at == first
    assert audit_for(a.kim).filter(action="kim.verify").count() == 1
    # The KIM's history reads the registry's label, not the stored name.
    page = client.get(url("manage", a.kim), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "KIM diverifikasi" in page and "kim.verify" not in page


def test_ketua_cannot_verify(client, two_tenants):
    client.force_login(two_tenants.a.owner)
    assert client.post(url("verify", two_tenants.a.kim)).status_code == 403
    two_tenants.a.kim.refresh_from_db()
    assert two_tenants.a.kim.verified_at is None


def test_ketua_adds_a_new_person_who_gets_an_invitation(
    client, two_tenants, django_capture_on_commit_callbacks
):
    a = two_tenants.a
    client.force_login(a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("member_add", a.kim),
            {
                "full_name": "Maria Dayanti",
                "login": "Maria@Example.test",
                "position": "sekretaris",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="maria@example.test")
    assert not user.has_usable_password()
    assert KimMembership.objects.get(kim=a.kim, user=user).position == Position.SEKRETARIS
    assert len(mail.outbox) == 1
    assert "/akun/lupa-sandi/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["maria@example.test"]


def test_adding_an_existing_account_by_phone_sends_no_invitation(client, two_tenants):
    a = two_tenants.a
    existing = UserFactory(phone="081299998888")
    client.force_login(a.owner)
    client.post(
        url("member_add", a.kim),
        {"full_name": "ignored", "login": "0812-9999-8888", "position": "anggota"},
    )
    assert KimMembership.objects.filter(kim=a.kim, user=existing).exists()
    assert mail.outbox == []


def test_second_active_ketua_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        url("member_add", a.kim),
        {"full_name": "Budi", "login": "budi@example.test", "position": "ketua"},
    )
    assert "sudah punya ketua aktif" in response.content.decode()
    assert not KimMembership.objects.filter(kim=a.kim, user__email="budi@example.test").exists()


def test_existing_member_is_not_added_twice(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        url("member_add", a.kim), {"full_name": "x", "login": a.member.email, "position": "anggota"}
    )
    assert "sudah menjadi anggota" in response.content.decode()


def test_bad_contact_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        url("member_add", a.kim), {"full_name": "x", "login": "12345", "position": "anggota"}
    )
    assert "Nomor telepon tidak valid" in response.content.decode()


def test_ketua_changes_position_and_deactivates(client, two_tenants):
    a = two_tenants.a
    membership = KimMembership.objects.get(kim=a.kim, user=a.member)
    client.force_login(a.owner)
    client.post(
        url("member_update", a.kim, member=membership.pk),
        {"position": "bendahara", "is_active": "on"},
    )
    membership.refresh_from_db()
    assert membership.position == Position.BENDAHARA
    client.post(url("member_update", a.kim, member=membership.pk), {"position": "bendahara"})
    membership.refresh_from_db()
    assert not membership.is_active
    actions = list(audit_for(membership).values_list("action", flat=True))
    assert actions == ["kim.member_update", "kim.member_update"]


def test_ketua_cannot_step_down_alone(client, two_tenants):
    a = two_tenants.a
    own = KimMembership.objects.get(kim=a.kim, user=a.owner)
    client.force_login(a.owner)
    response = client.post(
        url("member_update", a.kim, member=own.pk),
        {"position": "anggota", "is_active": "on"},
        follow=True,
    )
    assert "minta Diskominfo" in response.content.decode()
    own.refresh_from_db()
    assert own.position == Position.KETUA


def test_anggota_cannot_change_members(client, two_tenants):
    a = two_tenants.a
    own = KimMembership.objects.get(kim=a.kim, user=a.owner)
    client.force_login(a.member)
    response = client.post(url("member_update", a.kim, member=own.pk), {"position": "anggota"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.position == Position.KETUA and own.is_active


def test_membership_of_another_kim_cannot_be_changed_through_mine(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    theirs = KimMembership.objects.get(kim=b.kim, user=b.member)
    client.force_login(a.owner)
    response = client.post(url("member_update", a.kim, member=theirs.pk), {"position": "ketua"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.position == Position.ANGGOTA


def test_workspace_links_to_kim_management(client, two_tenants, admin_a):
    client.force_login(admin_a)
    page = client.get(reverse("workspace:home")).content.decode()
    assert url("manage", two_tenants.a.kim) in page
    assert reverse("communities:create") in page
    assert url("manage", two_tenants.b.kim) not in page


def test_members_are_listed_ketua_first(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    members = list(client.get(url("manage", a.kim)).context["members"])
    assert [m.position for m in members] == [Position.KETUA, Position.ANGGOTA]


def test_ketua_reaches_every_section_of_the_kim_site_from_the_workspace(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    html = client.get(url("manage", a.kim)).content.decode()
    slug = a.kim.slug
    for path in [
        f"/kelola/kim/{slug}/berita/",
        f"/kelola/kim/{slug}/potensi/",
        f"/kelola/kim/{slug}/produk/",
        f"/kelola/kim/{slug}/agenda/",
        f"/kelola/kim/{slug}/halaman/",
        f"/kelola/kim/{slug}/galeri/",
        f"/kelola/kim/{slug}/foto/",
        f"/kelola/kim/{slug}/komentar/",
        f"/kim/{slug}/poster/",
        f"/kelola/kim/{slug}/ubah/",
    ]:
        assert f'href="{path}"' in html, path
        assert client.get(path).status_code == 200, path
