"""Review of the dissemination app: findings (failing until fixed) and isolation checks.

Findings:
* an anggota changes the text of a re-published post that the ketua approved (the
  "update the note" tap skips the post's edit and review rights);
* a withdrawn item's copy can be published again by the KIM through the posts workflow;
* a correction leaves the SQLite search index of re-published posts stale;
* odd input answers 500: a non-numeric or huge attachment id on the edit form, an out-of-range
  item id in the inbox URLs, out-of-range ids in the view beacon's task;
* an attachment is read whole into memory before its size is checked.
"""

from __future__ import annotations

import contextlib

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jembatan.accounts.models import Role
from jembatan.core.attachments import check_attachment, max_attachment_bytes
from jembatan.dissemination import services, tasks
from jembatan.dissemination.access import get_items_for_user, get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, Feedback, InfoItem
from jembatan.sites.models import Post
from jembatan.sites.search import search_posts
from jembatan.sites.services import post_transition
from jembatan.tenants.current import serving
from jembatan.tenants.resolve import tenant_for_region
from jembatan.testing.factories import (
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # matches <int:pk>, beyond any database integer


@pytest.fixture
def admin(two_tenants):
    user = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user


def draft(actor, title="Posyandu balita", body="<p>Posyandu buka pukul 08.00.</p>"):
    return services.item_create(
        actor=actor,
        area_key=get_publishing_areas_for_user(actor)[0].key,
        data={"title": title, "summary": f"Ringkasan {title}", "body": body},
    )


def publish(actor, capture, **kwargs) -> InfoItem:
    item = draft(actor, **kwargs)
    with capture(execute=True):
        return services.item_publish(actor=actor, item=item)


def delivery_of(item, kim) -> Delivery:
    return Delivery.objects.select_related("kim", "item").get(item=item, kim=kim)


def login(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- Findings -----------------------------------------------------------------------


def test_anggota_cannot_change_an_approved_republished_post(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    """The KIM reviews its members' posts; the ketua re-published the item. A plain
    anggota's "update the note" tap must not put new text on the published post."""
    a = two_tenants.a
    a.kim.posts_need_review = True
    a.kim.save()
    item = publish(admin, django_capture_on_commit_callbacks)
    post = services.delivery_republish(actor=a.owner, kim=a.kim, item=item)
    assert post.status == Post.Status.PUBLISHED

    with (
        contextlib.suppress(PermissionDenied, ValidationError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.delivery_republish(
            actor=a.member, kim=a.kim, item=item, note="Posyandu batal, tidak usah datang."
        )
    post.refresh_from_db()
    assert not (post.status == Post.Status.PUBLISHED and "batal" in post.body)


def test_withdrawn_copy_cannot_be_published_again_by_the_kim(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    """Withdrawal takes every copy off the KIM sites; the ketua must not be able to put
    the withdrawn text back with the ordinary publish action."""
    a = two_tenants.a
    item = publish(admin, django_capture_on_commit_callbacks)
    post = services.delivery_republish(actor=a.owner, kim=a.kim, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_withdraw(actor=admin, item=item, reason="Jadwal salah")
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT

    with contextlib.suppress(PermissionDenied, ValidationError):
        post_transition(
            actor=a.owner, post=Post.objects.select_related("kim").get(pk=post.pk), action="publish"
        )
    post.refresh_from_db()
    assert post.status != Post.Status.PUBLISHED


def test_a_correction_reaches_the_search_index_of_republished_posts(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    """/cari/ must find the corrected text of a re-published post, not the old one."""
    a = two_tenants.a
    item = publish(admin, django_capture_on_commit_callbacks, body="<p>Di balai desa.</p>")
    post = services.delivery_republish(actor=a.owner, kim=a.kim, item=item)
    assert [p.pk for p in search_posts("balai")] == [post.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=admin,
            item=item,
            data={"body": "<p>Di puskesmas pembantu.</p>"},
            correction_note="Tempat pindah ke puskesmas pembantu.",
        )
    post.refresh_from_db()
    assert "puskesmas" in post.body
    assert [p.pk for p in search_posts("puskesmas")] == [post.pk]
    assert list(search_posts("balai")) == []


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_odd_attachment_id_on_the_edit_form_is_not_a_500(admin, value):
    item = draft(admin)
    response = login(admin).post(
        f"/kelola/informasi/{item.pk}/",
        {
            "title": "Posyandu balita",
            "summary": "Ringkasan",
            "body": "Isi",
            "category": "program",
            "priority": "normal",
            "valid_from": "2025-01-01",
            "scope": "area",
            "remove_attachment": value,
        },
    )
    assert response.status_code < 500


@pytest.mark.parametrize("action", ["", "terbitkan-ulang/", "bagikan/", "tanggapan/"])
def test_out_of_range_item_id_in_the_inbox_is_404(
    admin, two_tenants, action, django_capture_on_commit_callbacks
):
    publish(admin, django_capture_on_commit_callbacks)
    client = login(two_tenants.a.owner)
    url = f"/kelola/kim/kim-a/informasi/{HUGE}/{action}"
    response = client.post(url, {"channel": "whatsapp"}) if action else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("args", [(int(HUGE), "", 0), (1, "", int(HUGE)), (int(HUGE), "kim-a", 0)])
def test_a_forged_beacon_with_huge_ids_counts_nothing_and_does_not_fail(
    admin, two_tenants, args, django_capture_on_commit_callbacks
):
    """The beacon accepts any integer up to 4,300 digits; its task must not raise (and
    be retried) on one no database column can hold."""
    publish(admin, django_capture_on_commit_callbacks)
    assert tasks.record_view.call_local(*args, "visitor") is False


def test_attachment_size_is_checked_before_the_upload_is_read():
    """A 2 GB upload must be refused by its size, not read whole into memory first."""

    class Huge:
        name = "besar.pdf"
        content_type = "application/pdf"
        size = max_attachment_bytes() + 1

        def seek(self, *_args):
            return 0

        def read(self, *_args):
            raise AssertionError("read whole before the size check")

    with pytest.raises(ValidationError) as caught:
        check_attachment(Huge())
    assert caught.value.code == "file_too_large"


# --- Isolation checks worth keeping ---------------------------------------------------


def test_opd_officers_and_camats_only_manage_their_own_office_or_kecamatan(
    two_tenants, django_capture_on_commit_callbacks
):
    kab = region_chain("61.07")
    health, roads = OfficeFactory(kabupaten=kab), OfficeFactory(kabupaten=kab)
    nurse, engineer = UserFactory(), UserFactory()
    MembershipFactory(user=nurse, role=Role.OPD_OFFICER, region=kab, office=health)
    MembershipFactory(user=engineer, role=Role.OPD_OFFICER, region=kab, office=roads)
    camat04, camat05 = UserFactory(), UserFactory()
    MembershipFactory(user=camat04, role=Role.CAMAT, region=region_chain("61.07.04"))
    MembershipFactory(user=camat05, role=Role.CAMAT, region=region_chain("61.07.05", "Lumar"))

    by_nurse = publish(nurse, django_capture_on_commit_callbacks, title="Imunisasi")
    by_camat = publish(camat04, django_capture_on_commit_callbacks, title="Kerja bakti")
    assert set(get_items_for_user(engineer)) == set()
    assert set(get_items_for_user(camat05)) == set()
    assert set(get_items_for_user(camat04)) == {by_camat}
    for outsider, item in [(engineer, by_nurse), (camat05, by_camat), (camat04, by_nurse)]:
        with pytest.raises(PermissionDenied):
            services.item_withdraw(actor=outsider, item=item, reason="x")
        assert login(outsider).get(f"/kelola/informasi/{item.pk}/jangkauan/").status_code == 404
    # A camat sees the KIMs of the kecamatan but does not work their inbox.
    assert login(camat04).get("/kelola/kim/kim-a/informasi/").status_code == 404


def test_an_answer_url_with_another_items_feedback_is_404(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    a = two_tenants.a
    first = publish(admin, django_capture_on_commit_callbacks, title="Satu")
    second = publish(admin, django_capture_on_commit_callbacks, title="Dua")
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.feedback_send(
            actor=a.member, delivery=delivery_of(first, a.kim), body="Tanya"
        )
    response = login(admin).post(
        f"/kelola/informasi/{second.pk}/tanggapan/{feedback.pk}/", {"answer": "Jawab"}
    )
    assert response.status_code == 404
    assert Feedback.objects.get(pk=feedback.pk).answer == ""


def test_another_kims_member_cannot_act_on_this_kims_delivery_through_the_services(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    a, b = two_tenants.a, two_tenants.b
    item = publish(admin, django_capture_on_commit_callbacks)
    delivery = delivery_of(item, a.kim)
    for call in (
        lambda: services.delivery_republish(actor=b.owner, kim=a.kim, item=item),
        lambda: services.delivery_share(actor=b.owner, delivery=delivery, channel="whatsapp"),
        lambda: services.feedback_send(actor=b.owner, delivery=delivery, body="x"),
        lambda: services.delivery_mark_read(actor=b.owner, delivery=delivery),
    ):
        with pytest.raises(PermissionDenied):
            call()
    delivery.refresh_from_db()
    assert delivery.read_at is None and delivery.shared_at is None and delivery.post is None
    assert not delivery.links.exists() and not delivery.feedback.exists()


def test_withdrawal_clears_cached_anonymous_pages_of_the_item_and_its_copies(
    admin, two_tenants, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    a = two_tenants.a
    item = publish(admin, django_capture_on_commit_callbacks)
    post = services.delivery_republish(actor=a.owner, kim=a.kim, item=item)
    anonymous = Client()
    for url in (item.get_absolute_url(), post.get_absolute_url(), "/informasi/"):
        anonymous.get(url)
        cached = anonymous.get(url)
        assert cached.status_code == 200 and cached.headers["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.item_withdraw(actor=admin, item=item, reason="Jadwal salah")
    assert anonymous.get(item.get_absolute_url()).status_code == 410
    assert anonymous.get(post.get_absolute_url()).status_code == 404
    assert "Posyandu balita" not in anonymous.get("/informasi/").content.decode()


def test_a_beacon_counts_only_what_the_host_it_came_to_serves(
    admin, two_tenants, django_capture_on_commit_callbacks
):
    """Bengkayang's item, read directly or through its KIM's link, is counted when the view
    came to Bengkayang's host, and not when a forged beacon sent to Mempawah's names it."""
    item = publish(admin, django_capture_on_commit_callbacks)
    copy = delivery_of(item, two_tenants.a.kim)
    bengkayang = tenant_for_region("61.07")
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    with serving(mempawah):
        assert tasks.record_view.call_local(item.pk, "", 0, "visitor-1") is False
        assert tasks.record_view.call_local(item.pk, "kim-a", 0, "visitor-2") is False
    item.refresh_from_db()
    copy.refresh_from_db()
    assert (item.view_count, copy.view_count) == (0, 0)
    with serving(bengkayang):
        assert tasks.record_view.call_local(item.pk, "", 0, "visitor-1") is True
        assert tasks.record_view.call_local(item.pk, "kim-a", 0, "visitor-2") is True
    item.refresh_from_db()
    copy.refresh_from_db()
    assert (item.view_count, copy.view_count) == (1, 1)
