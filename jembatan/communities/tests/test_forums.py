"""Forum KIM (issue 20, item 4): a body at kecamatan or kabupaten level whose members are
KIMs, with its own pengurus and their terms, a public page and Diskominfo's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.communities.models import Forum, ForumPengurus
from jembatan.testing.factories import KimFactory, MembershipFactory, region_chain, serve_tenant


@pytest.fixture
def admin_a(two_tenants):
    return MembershipFactory(role=Role.KABUPATEN_ADMIN, region=two_tenants.a.kim.kabupaten).user


@pytest.fixture
def forum(client, two_tenants, admin_a):
    """Forum KIM of Kecamatan 61.07.04, made through Diskominfo's form, with KIM Sebalo."""
    client.force_login(admin_a)
    response = client.post(
        reverse("forums:create"),
        {
            "name": "Forum KIM Kecamatan Empat",
            "region": "61.07.04",
            "slug": "",
            "kims": [two_tenants.a.kim.pk],
            "sk_number": "12/FKIM/2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    return Forum.objects.get(name="Forum KIM Kecamatan Empat")


def test_diskominfo_forms_a_forum_of_its_kecamatan_kims(forum, two_tenants):
    assert forum.kabupaten_id == "61.07" and forum.slug == "forum-kim-kecamatan-empat"
    assert list(forum.kims.all()) == [two_tenants.a.kim]
    assert audit_for(forum).get().action == "forum.create"


def test_a_kim_outside_the_forums_region_cannot_join(client, two_tenants, admin_a, forum):
    region_chain("61.07.05.2001", "Desa Lain")
    other = KimFactory(name="KIM Lain", region_id="61.07.05.2001")
    client.force_login(admin_a)
    response = client.post(
        reverse("forums:edit", kwargs={"slug": forum.slug}),
        {
            "name": forum.name,
            "region": "61.07.04",
            "kims": [two_tenants.a.kim.pk, other.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "di luar wilayah forum: KIM Lain" in response.content.decode()
    assert list(forum.kims.all()) == [two_tenants.a.kim]
    # At kabupaten level the same KIM may join.
    response = client.post(
        reverse("forums:edit", kwargs={"slug": forum.slug}),
        {
            "name": forum.name,
            "region": "61.07",
            "kims": [two_tenants.a.kim.pk, other.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert set(forum.kims.all()) == {two_tenants.a.kim, other}


def test_a_new_holder_of_a_post_closes_the_old_term(client, admin_a, forum, two_tenants):
    client.force_login(admin_a)
    manage = reverse("forums:manage", kwargs={"slug": forum.slug})
    client.post(
        manage,
        {
            "full_name": "Budi",
            "position": "ketua",
            "kim": two_tenants.a.kim.pk,
            "started_on": "2024-01-01",
        },
    )
    client.post(
        manage,
        {
            "full_name": "Sari",
            "position": "seksi",
            "seksi_name": "Humas",
            "started_on": "2024-01-01",
        },
    )
    client.post(manage, {"full_name": "Agus", "position": "ketua", "started_on": "2026-03-01"})
    budi, agus, sari = (ForumPengurus.objects.get(full_name=n) for n in ("Budi", "Agus", "Sari"))
    assert budi.ended_on == datetime.date(2026, 2, 28)
    assert agus.ended_on is None and sari.ended_on is None  # another post: untouched
    client.post(reverse("forums:pengurus_end", kwargs={"slug": forum.slug, "pk": sari.pk}))
    sari.refresh_from_db()
    assert sari.ended_on is not None
    assert [a.action for a in audit_for(budi)] == ["forum.pengurus_end", "forum.pengurus_add"]
    # The public page: the member KIMs, who serves now and who served before.
    client.logout()
    html = client.get(forum.get_absolute_url()).content.decode()
    assert forum.name in html and two_tenants.a.kim.name in html and "12/FKIM/2026" in html
    now, before = html.split("Riwayat pengurus")
    assert "Agus" in now and "Budi" not in now
    assert "Budi" in before and "28 Februari 2026" in before and "Seksi Humas" in before
    assert forum.name in client.get(reverse("forums:list")).content.decode()
    directory = client.get(reverse("sites:kim_directory")).content.decode()
    assert reverse("forums:list") in directory
    # The member KIM's profile names its forum.
    profile = client.get(reverse("sites:kim_profile", kwargs={"kim": two_tenants.a.kim.slug}))
    assert forum.get_absolute_url() in profile.content.decode()


def test_a_seksi_without_a_name_is_refused(client, admin_a, forum):
    client.force_login(admin_a)
    response = client.post(
        reverse("forums:manage", kwargs={"slug": forum.slug}),
        {"full_name": "X", "position": "seksi"},
    )
    assert response.status_code == 200 and "nama seksi" in response.content.decode()
    assert not forum.pengurus.exists()


def test_only_the_kabupatens_diskominfo_manages_its_forums(client, two_tenants, forum):
    manage = reverse("forums:manage", kwargs={"slug": forum.slug})
    for user in (two_tenants.a.owner, two_tenants.a.member, two_tenants.b.owner):
        client.force_login(user)
        assert client.get(manage).status_code == 404
        assert client.get(reverse("forums:create")).status_code == 403
    # Mempawah's Diskominfo, on its own host: Bengkayang's forum is not found, and a forum
    # in Bengkayang's region cannot be made.
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    other_admin = MembershipFactory(
        role=Role.KABUPATEN_ADMIN, region=two_tenants.b.kim.kabupaten
    ).user
    client.force_login(other_admin)
    assert client.get(manage, HTTP_HOST="mempawah.test").status_code == 404
    response = client.post(
        reverse("forums:create"),
        {"name": "Forum Luar", "region": "61.07", "is_active": "on"},
        HTTP_HOST="mempawah.test",
    )
    assert response.status_code == 200 and not Forum.objects.filter(name="Forum Luar").exists()


def test_a_forum_is_public_on_its_own_kabupatens_host_only(client, forum):
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    assert client.get(forum.get_absolute_url()).status_code == 200
    elsewhere = client.get(reverse("forums:list"), HTTP_HOST="mempawah.test")
    assert elsewhere.status_code == 200 and forum.name not in elsewhere.content.decode()
    assert client.get(forum.get_absolute_url(), HTTP_HOST="mempawah.test").status_code == 404
    Forum.objects.filter(pk=forum.pk).update(is_active=False)
    assert client.get(forum.get_absolute_url()).status_code == 404


def test_a_forum_records_its_sk_signer_and_term(client, admin_a, forum):
    client.force_login(admin_a)
    edit = reverse("forums:edit", kwargs={"slug": forum.slug})
    base = {"name": forum.name, "region": "61.07.04", "sk_number": "12/FKIM/2026"}
    base |= {"is_active": "on", "sk_date": "2026-01-05"}
    # A kepala desa does not confirm a kecamatan's forum; an SK cannot be dated ahead.
    response = client.post(edit, base | {"sk_signer": "kepala_desa"})
    assert response.status_code == 200 and "Penanda tangan ini" in response.content.decode()
    response = client.post(edit, base | {"sk_date": "2999-01-01", "sk_signer": "camat"})
    assert response.status_code == 200 and "masa depan" in response.content.decode()
    response = client.post(
        edit,
        base | {"sk_signer": "camat", "term_start": "2026-01-05", "term_end": "2029-01-04"},
    )
    assert response.status_code == 302, response.content.decode()
    forum.refresh_from_db()
    assert forum.sk_signer == "camat" and forum.term_end == datetime.date(2029, 1, 4)
    client.logout()
    page = client.get(forum.get_absolute_url()).content.decode()
    assert "ditandatangani Camat" in page and "4 Januari 2029" in page
