"""A KIM's inbox: read, re-publish, share and answer back; and who may not."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jembatan.accounts.models import Notification, Role
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, Feedback, InfoItem, ShareLink
from jembatan.sites.models import Post
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(two_tenants):
    user = UserFactory(full_name="Petugas Diskominfo")
    MembershipFactory(
        user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07", "Kabupaten Bengkayang")
    )
    return user


def publish(admin, capture, *, title="Posyandu balita", kims=(), **data) -> InfoItem:
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": title, "summary": f"Ringkasan {title}", "body": "<p>Isi</p>"} | data,
        kims=kims,
    )
    with capture(execute=True):
        return services.item_publish(actor=admin, item=draft)


@pytest.fixture
def item(admin, django_capture_on_commit_callbacks):
    return publish(admin, django_capture_on_commit_callbacks)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def inbox_url(kim="kim-a", pk=None, action=""):
    base = f"/kelola/kim/{kim}/informasi/"
    return base if pk is None else f"{base}{pk}/{action}"


def test_targeted_member_sees_the_item_and_opening_marks_it_read(item, two_tenants):
    client = login(two_tenants.a.member)
    delivery = Delivery.objects.get(item=item, kim=two_tenants.a.kim)
    assert delivery.read_at is None

    listing = client.get(inbox_url())
    assert listing.status_code == 200
    assert [d.item_id for d in listing.context["page"].object_list] == [item.pk]
    assert listing.context["unread"] == 1
    html = listing.content.decode()
    assert "Posyandu balita" in html
    assert inbox_url(pk=item.pk) in html
    assert "belum dibaca" in html

    page = client.get(inbox_url(pk=item.pk))
    assert page.status_code == 200
    assert "Ringkasan Posyandu balita" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    first_read = delivery.read_at

    client.get(inbox_url(pk=item.pk))
    delivery.refresh_from_db()
    assert delivery.read_at == first_read  # read once
    assert client.get(inbox_url()).context["unread"] == 0


def test_workspace_shows_unread_badge_per_kim_inbox(item, two_tenants):
    client = login(two_tenants.a.member)
    before = client.get("/kelola/")
    assert before.status_code == 200
    html = before.content.decode()
    assert inbox_url() in html
    assert "1 baru" in html
    client.get(inbox_url(pk=item.pk))
    after = client.get("/kelola/").content.decode()
    assert inbox_url() in after
    assert "1 baru" not in after


def test_withdrawn_item_leaves_the_inbox(admin, item, two_tenants):
    services.item_withdraw(actor=admin, item=item, reason="batal")
    client = login(two_tenants.a.member)
    assert list(client.get(inbox_url()).context["page"].object_list) == []
    assert client.get(inbox_url(pk=item.pk)).status_code == 404


def test_ketua_republishes_then_updates_the_note(item, two_tenants):
    client = login(two_tenants.a.owner)
    response = client.post(
        inbox_url(pk=item.pk, action="terbitkan-ulang/"), {"note": "Di balai desa, Sabtu"}
    )
    assert response.status_code == 302
    assert response["Location"] == inbox_url(pk=item.pk)

    delivery = Delivery.objects.select_related("post").get(item=item, kim=two_tenants.a.kim)
    post = delivery.post
    assert post is not None
    assert post.status == Post.Status.PUBLISHED
    assert post.kim_id == two_tenants.a.kim.pk
    assert post.source_url == item.get_absolute_url()
    assert "Di balai desa, Sabtu" in post.body
    assert delivery.republished_at is not None and delivery.read_at is not None
    assert delivery.local_note == "Di balai desa, Sabtu"

    page = client.get(inbox_url(pk=item.pk)).content.decode()
    assert f'href="{post.get_absolute_url()}"' in page
    assert "Sudah terbit di situs KIM Anda." in page
    assert client.get(post.get_absolute_url()).status_code == 200

    client.post(inbox_url(pk=item.pk, action="terbitkan-ulang/"), {"note": "Pindah ke masjid"})
    assert Post.objects.filter(kim=two_tenants.a.kim).count() == 1
    delivery.refresh_from_db()
    post.refresh_from_db()
    assert delivery.post_id == post.pk
    assert delivery.local_note == "Pindah ke masjid"
    assert "Pindah ke masjid" in post.body
    assert "Di balai desa" not in post.body


def test_anggota_republish_waits_for_approval(item, two_tenants):
    client = login(two_tenants.a.member)
    client.post(inbox_url(pk=item.pk, action="terbitkan-ulang/"), {"note": ""})
    post = Delivery.objects.get(item=item, kim=two_tenants.a.kim).post
    assert post is not None
    assert post.status != Post.Status.PUBLISHED
    page = client.get(inbox_url(pk=item.pk)).content.decode()
    assert "Menunggu persetujuan" in page


def test_republish_note_too_long_is_refused(item, two_tenants):
    client = login(two_tenants.a.owner)
    response = client.post(
        inbox_url(pk=item.pk, action="terbitkan-ulang/"), {"note": "x" * 2001}, follow=True
    )
    assert response.status_code == 200
    assert not Post.objects.filter(kim=two_tenants.a.kim).exists()
    assert Delivery.objects.get(item=item, kim=two_tenants.a.kim).republished_at is None


@pytest.mark.parametrize(
    ("channel", "prefix", "param"),
    [
        ("whatsapp", "https://wa.me/?text=", "text="),
        ("facebook", "https://www.facebook.com/sharer/sharer.php?u=", "u="),
        ("telegram", "https://t.me/share/url?url=", "url="),
    ],
)
def test_share_redirects_to_the_network_with_the_absolute_short_url(
    item, two_tenants, channel, prefix, param
):
    client = login(two_tenants.a.member)
    response = client.post(inbox_url(pk=item.pk, action="bagikan/"), {"channel": channel})

    assert response.status_code == 302
    link = ShareLink.objects.get(delivery__item=item, delivery__kim=two_tenants.a.kim)
    assert link.channel == channel
    short_url = f"http://testserver/s/{link.code}"
    location = response["Location"]
    assert location.startswith(prefix)
    assert quote(short_url, safe="") in location
    delivery = Delivery.objects.get(item=item, kim=two_tenants.a.kim)
    assert delivery.shared_at is not None
    assert delivery.read_at is not None

    # Sharing again reuses the link and keeps the first share time.
    again = client.post(inbox_url(pk=item.pk, action="bagikan/"), {"channel": channel})
    assert quote(short_url, safe="") in again["Location"]
    assert ShareLink.objects.filter(delivery=delivery).count() == 1
    shared_at = delivery.shared_at
    delivery.refresh_from_db()
    assert delivery.shared_at == shared_at


def test_short_link_from_share_leads_back_to_the_item(item, two_tenants):
    cache.clear()
    client = login(two_tenants.a.member)
    client.post(inbox_url(pk=item.pk, action="bagikan/"), {"channel": "whatsapp"})
    link = ShareLink.objects.get()
    response = Client().get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10)")
    assert response["Location"] == f"{item.get_absolute_url()}?kim=kim-a"


def test_copy_link_channel_shows_the_copyable_link(item, two_tenants):
    client = login(two_tenants.a.member)
    page = client.get(inbox_url(pk=item.pk)).content.decode()
    assert 'id="share-url"' not in page
    assert "Buat tautan untuk disalin" in page

    response = client.post(inbox_url(pk=item.pk, action="bagikan/"), {"channel": "tautan"})
    assert response.status_code == 302
    assert response["Location"] == inbox_url(pk=item.pk)
    link = ShareLink.objects.get(channel=ShareLink.Channel.LINK)
    short_url = f"http://testserver/s/{link.code}"

    page = client.get(inbox_url(pk=item.pk)).content.decode()
    assert f'id="share-url" type="url" value="{short_url}" readonly' in page
    assert Delivery.objects.get(item=item, kim=two_tenants.a.kim).shared_at is not None


def test_unknown_share_channel_is_refused(item, two_tenants):
    client = login(two_tenants.a.member)
    response = client.post(inbox_url(pk=item.pk, action="bagikan/"), {"channel": "myspace"})
    assert response.status_code == 302
    assert response["Location"] == inbox_url(pk=item.pk)
    assert not ShareLink.objects.exists()
    assert Delivery.objects.get(item=item, kim=two_tenants.a.kim).shared_at is None
    messages = [str(m) for m in client.get(inbox_url(pk=item.pk)).context["messages"]]
    assert any("Saluran tidak dikenal" in m for m in messages)


def test_feedback_reaches_the_staff_who_can_answer(
    admin, item, two_tenants, django_capture_on_commit_callbacks
):
    member = login(two_tenants.a.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            inbox_url(pk=item.pk, action="tanggapan/"), {"body": "Apakah lansia boleh ikut?"}
        )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.author == two_tenants.a.member
    assert feedback.delivery.kim == two_tenants.a.kim
    assert Notification.objects.filter(recipient=admin, kind="info.feedback").exists()

    staff = login(admin)
    reach = staff.get(f"/kelola/informasi/{item.pk}/jangkauan/")
    html = reach.content.decode()
    assert "Apakah lansia boleh ikut?" in html
    assert "KIM Sebalo" in html
    answer_url = f"/kelola/informasi/{item.pk}/tanggapan/{feedback.pk}/"
    assert f'action="{answer_url}"' in html

    with django_capture_on_commit_callbacks(execute=True):
        answered = staff.post(answer_url, {"answer": "Boleh, semua warga."})
    assert answered.status_code == 302
    assert answered["Location"] == f"/kelola/informasi/{item.pk}/jangkauan/#tanggapan"
    feedback.refresh_from_db()
    assert feedback.answer == "Boleh, semua warga."
    assert feedback.answered_by == admin
    assert Notification.objects.filter(recipient=two_tenants.a.member, kind="info.answer").exists()

    page = member.get(inbox_url(pk=item.pk)).content.decode()
    assert "Boleh, semua warga." in page


def test_empty_feedback_creates_nothing(item, two_tenants):
    client = login(two_tenants.a.member)
    response = client.post(inbox_url(pk=item.pk, action="tanggapan/"), {"body": "   "})
    assert response.status_code == 302
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("who", ["owner", "member"])
def test_other_kims_members_get_404_on_this_kims_inbox(item, two_tenants, who):
    client = login(getattr(two_tenants.b, who))
    assert client.get(inbox_url()).status_code == 404
    assert client.get(inbox_url(pk=item.pk)).status_code == 404
    for action, data in [
        ("terbitkan-ulang/", {"note": "x"}),
        ("bagikan/", {"channel": "whatsapp"}),
        ("tanggapan/", {"body": "x"}),
    ]:
        assert client.post(inbox_url(pk=item.pk, action=action), data).status_code == 404
    assert not Post.objects.exists()
    assert not ShareLink.objects.exists()
    assert not Feedback.objects.exists()
    delivery = Delivery.objects.get(item=item, kim=two_tenants.a.kim)
    assert delivery.read_at is None


def test_outsider_gets_404(item, two_tenants):
    client = login(two_tenants.a.outsider)
    assert client.get(inbox_url()).status_code == 404
    assert client.get(inbox_url(pk=item.pk)).status_code == 404


def test_kim_not_targeted_gets_404_and_nothing_is_created(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    # Kabupaten Bengkayang's item: kim-b (Mempawah) is not a target.
    item = publish(admin, django_capture_on_commit_callbacks, title="Khusus Bengkayang")
    # In the same kabupaten, a KIM left out of a "selected KIMs" item.
    kim_c = KimFactory(name="KIM Cahaya", slug="kim-c", region=region_chain("61.07.04.2003"))
    ketua_c = KimMembershipFactory(kim=kim_c, position="ketua").user
    selected = publish(
        admin,
        django_capture_on_commit_callbacks,
        title="Hanya untuk Sebalo",
        scope=InfoItem.Scope.KIMS,
        kims=[two_tenants.a.kim],
    )
    assert set(Delivery.objects.filter(item=selected).values_list("kim__slug", flat=True)) == {
        "kim-a"
    }

    cases = [(login(two_tenants.b.owner), "kim-b", item), (login(ketua_c), "kim-c", selected)]
    for client, kim, target in cases:
        assert client.get(inbox_url(kim)).status_code == 200
        assert client.get(inbox_url(kim, target.pk)).status_code == 404
        response = client.post(inbox_url(kim, target.pk, "terbitkan-ulang/"), {"note": "x"})
        assert response.status_code == 404
        assert client.post(inbox_url(kim, target.pk, "bagikan/"), {"channel": "x"}).status_code == (
            404
        )
    assert not Post.objects.exists()
    assert not ShareLink.objects.exists()
    assert not Delivery.objects.filter(kim__slug__in=["kim-b", "kim-c"]).exists()


def test_draft_item_is_not_in_any_inbox(admin, two_tenants):
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Draf", "summary": "s", "body": "<p>b</p>"},
    )
    client = login(two_tenants.a.owner)
    assert client.get(inbox_url(pk=draft.pk)).status_code == 404
    assert client.post(inbox_url(pk=draft.pk, action="terbitkan-ulang/")).status_code == 404
    assert not Post.objects.exists()


def test_anonymous_users_are_sent_to_login(item):
    client = Client()
    login_url = reverse("accounts:login")
    for url, method in [
        (inbox_url(), "get"),
        (inbox_url(pk=item.pk), "get"),
        (inbox_url(pk=item.pk, action="terbitkan-ulang/"), "post"),
        (inbox_url(pk=item.pk, action="bagikan/"), "post"),
        (inbox_url(pk=item.pk, action="tanggapan/"), "post"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login_url}?next=")
    assert not Post.objects.exists()
    assert not ShareLink.objects.exists()


def test_post_without_csrf_token_is_refused(item, two_tenants):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_tenants.a.owner)
    for action, data in [
        ("terbitkan-ulang/", {"note": "x"}),
        ("bagikan/", {"channel": "whatsapp"}),
        ("tanggapan/", {"body": "x"}),
    ]:
        assert client.post(inbox_url(pk=item.pk, action=action), data).status_code == 403
    assert not Post.objects.exists()
    assert not ShareLink.objects.exists()
    assert not Feedback.objects.exists()
    # With the token from the page, the same POST goes through.
    client.get(inbox_url(pk=item.pk))
    token = client.cookies["csrftoken"].value
    response = client.post(
        inbox_url(pk=item.pk, action="terbitkan-ulang/"),
        {"note": "x", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Post.objects.count() == 1


def test_get_on_post_only_actions_is_refused(item, two_tenants):
    client = login(two_tenants.a.owner)
    for action in ("terbitkan-ulang/", "bagikan/", "tanggapan/"):
        assert client.get(inbox_url(pk=item.pk, action=action)).status_code == 405
    assert not Post.objects.exists()


def test_share_buttons_are_links_that_lead_to_the_network(item, two_tenants):
    """A form's redirect to another site is blocked by CSP form-action; a link is not."""
    client = login(two_tenants.a.owner)
    page = client.get(inbox_url(pk=item.pk)).content.decode()
    link = f"/kelola/kim/kim-a/informasi/{item.pk}/bagikan/whatsapp/"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/")
    code = ShareLink.objects.get(channel="whatsapp").code
    assert (
        quote(f"/s/{code}", safe="") in response["Location"] or f"/s/{code}" in response["Location"]
    )
    assert Delivery.objects.get(item=item, kim=two_tenants.a.kim).shared_at is not None
    assert client.get(f"/kelola/kim/kim-a/informasi/{item.pk}/bagikan/myspace/").status_code == 302
    assert ShareLink.objects.count() == 1


def test_a_share_link_followed_from_another_site_records_nothing(item, two_tenants):
    """A GET that records a share must come from the inbox itself, not from a link that
    another site planted for a signed-in member."""
    client = login(two_tenants.a.owner)
    link = f"/kelola/kim/kim-a/informasi/{item.pk}/bagikan/whatsapp/"
    response = client.get(link, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 302 and not response["Location"].startswith("https://")
    assert not ShareLink.objects.exists()
    assert Delivery.objects.get(item=item, kim=two_tenants.a.kim).shared_at is None
    response = client.get(link, HTTP_SEC_FETCH_SITE="same-origin")
    assert response["Location"].startswith("https://wa.me/")
