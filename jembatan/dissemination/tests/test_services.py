"""Dissemination services: writing and targeting information, publishing and fanning it
out, correcting and withdrawing it, and what KIMs do with it (re-publish, share,
feedback), with its attachments.

The database, the task queue (Huey in immediate mode) and the mail outbox are real;
``django_capture_on_commit_callbacks(execute=True)`` lets the work enqueued on commit
(fan-out, correction sync, emails) run inside a test.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog, Notification, Office, Role
from jembatan.communities.models import Position
from jembatan.dissemination import services, tasks
from jembatan.dissemination.models import Attachment, Delivery, Feedback, InfoItem, ShareLink
from jembatan.sites.models import Post, PostRevision
from jembatan.testing.db import shared_fixture
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

TEXT = {
    "title": "Jadwal posyandu balita",
    "summary": "Posyandu bulan ini dibuka di setiap desa.",
    "body": "<p>Posyandu buka pukul 08.00.</p>",
}


# --- Fixtures and helpers -----------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@shared_fixture
def world(two_tenants):
    """Kabupaten Bengkayang (61.07): kecamatan 61.07.04 holds kim-a (a desa), a KIM at
    kecamatan level and an inactive KIM; kecamatan 61.07.05 holds kim-c. Kabupaten
    Mempawah (61.04) holds kim-b. Government staff of each kind, and KIM pengurus."""
    a, b = two_tenants.a, two_tenants.b
    kab = region_chain("61.07", "Kabupaten Bengkayang")
    kec04 = region_chain("61.07.04")
    kec04.name = "Kecamatan Empat"  # made nameless by two_tenants
    kec04.save()
    kec05 = region_chain("61.07.05", "Kecamatan Lumar")
    kim_kec = KimFactory(name="KIM Kecamatan Empat", slug="kim-kec", region=kec04)
    kim_c = KimFactory(
        name="KIM Lumar", slug="kim-c", region=region_chain("61.07.05.2002", "Lumar")
    )
    kim_off = KimFactory(
        name="KIM Tidur",
        slug="kim-off",
        region=region_chain("61.07.04.2005", "Desa Tidur"),
        is_active=False,
    )
    ketua_c, ketua_kec, sekretaris_a = UserFactory(), UserFactory(), UserFactory()
    KimMembershipFactory(kim=kim_c, user=ketua_c, position=Position.KETUA)
    KimMembershipFactory(kim=kim_kec, user=ketua_kec, position=Position.KETUA)
    KimMembershipFactory(kim=a.kim, user=sekretaris_a, position=Position.SEKRETARIS)

    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kab)
    other_admin = UserFactory(full_name="Admin Mempawah")
    MembershipFactory(
        user=other_admin,
        role=Role.KABUPATEN_ADMIN,
        region=region_chain("61.04", "Kabupaten Mempawah"),
    )
    camat = UserFactory(full_name="Camat Empat")
    MembershipFactory(user=camat, role=Role.CAMAT, region=kec04)
    operator = UserFactory(full_name="Operator")
    MembershipFactory(user=operator, role=Role.OPERATOR, region=None)
    office = OfficeFactory(kabupaten=kab, name="Dinas Kesehatan Bengkayang")
    officer, colleague = UserFactory(full_name="Petugas Dinkes"), UserFactory()
    for user in (officer, colleague):
        MembershipFactory(user=user, role=Role.OPD_OFFICER, region=kab, office=office)
    return SimpleNamespace(
        a=a,
        b=b,
        kab=kab,
        kec04=kec04,
        kec05=kec05,
        kim_a=a.kim,
        kim_b=b.kim,
        kim_kec=kim_kec,
        kim_c=kim_c,
        kim_off=kim_off,
        ketua_c=ketua_c,
        ketua_kec=ketua_kec,
        sekretaris_a=sekretaris_a,
        admin=admin,
        other_admin=other_admin,
        camat=camat,
        operator=operator,
        office=office,
        officer=officer,
        colleague=colleague,
    )


def create(actor, *, area_key="", kecamatan=(), kims=(), files=(), **data) -> InfoItem:
    return services.item_create(
        actor=actor,
        area_key=area_key,
        data=TEXT | data,
        kecamatan=kecamatan,
        kims=kims,
        files=files,
    )


def publish(actor, item, capture) -> InfoItem:
    with capture(execute=True):
        services.item_publish(actor=actor, item=item)
    item.refresh_from_db()
    return item


def delivered(item) -> set[str]:
    return set(Delivery.objects.filter(item=item).values_list("kim__slug", flat=True))


def delivery(item, kim) -> Delivery:
    return Delivery.objects.select_related("kim", "item").get(item=item, kim=kim)


def pdf_upload(name: str = "jadwal.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buf = io.BytesIO()
    writer.write(buf)
    return SimpleUploadedFile(name, buf.getvalue(), "application/pdf")


def png_upload(name: str = "peta.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), "image/png")


def fake_pdf(name: str = "palsu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text, not a PDF at all", "application/pdf")


def counts() -> tuple[int, int, int, int]:
    return (
        InfoItem.objects.count(),
        AuditLog.objects.count(),
        Attachment.objects.count(),
        Delivery.objects.count(),
    )


# --- Creating -----------------------------------------------------------------------


def test_kabupaten_admin_creates_a_draft_for_the_kabupaten(world):
    diskominfo = OfficeFactory(
        kabupaten=world.kab, name="Diskominfo Bengkayang", kind=Office.Kind.DISKOMINFO
    )
    item = create(world.admin)
    assert item.status == InfoItem.Status.DRAFT
    assert item.area == world.kab
    assert item.office == diskominfo
    assert item.author == world.admin
    assert item.scope == InfoItem.Scope.AREA
    assert item.publisher_name == "Diskominfo Bengkayang"
    assert item.published_at is None
    log = audit_for(item).get()
    assert log.action == "info.create"
    assert log.actor == world.admin
    assert log.after["title"] == TEXT["title"]
    assert log.after["targets"] == {"kecamatan": [], "kims": []}


def test_camat_publishes_for_their_kecamatan_only(world):
    item = create(world.camat, scope="kims", kims=[world.kim_a, world.kim_kec])
    assert item.area == world.kec04
    assert item.office is None
    assert set(item.target_kims.all()) == {world.kim_a, world.kim_kec}

    before = counts()
    with pytest.raises(ValidationError) as outside_kim:
        create(world.camat, scope="kims", kims=[world.kim_a, world.kim_c])
    assert "KIM Lumar" in outside_kim.value.message_dict["target_kims"][0]
    with pytest.raises(ValidationError) as outside_kecamatan:
        create(world.camat, scope="kecamatan", kecamatan=[world.kec05])
    assert "Kecamatan Lumar" in outside_kecamatan.value.message_dict["target_kecamatan"][0]
    assert counts() == before


def test_opd_officer_publishes_for_their_office_in_its_kabupaten(world):
    item = create(world.officer)
    assert item.area == world.kab
    assert item.office == world.office
    assert item.publisher_name == "Dinas Kesehatan Bengkayang"
    with pytest.raises(ValidationError):
        create(world.officer, scope="kims", kims=[world.kim_b])


def test_operator_publishes_nationally(world):
    item = create(world.operator, scope="kims", kims=[world.kim_a, world.kim_b])
    assert item.area is None
    assert item.office is None
    assert set(item.target_kims.all()) == {world.kim_a, world.kim_b}


@pytest.mark.parametrize("who", ["outsider", "owner", "member"])
def test_people_without_a_government_role_cannot_create(world, who):
    before = counts()
    with pytest.raises(PermissionDenied):
        create(getattr(world.a, who))
    assert counts() == before


def test_an_area_the_user_does_not_have_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        create(world.admin, area_key="61.04|")
    assert "area" in exc.value.message_dict
    assert InfoItem.objects.count() == 0


def test_a_kecamatan_outside_the_kabupaten_is_refused_and_nothing_is_created(world, media_root):
    toho = region_chain("61.04.07", "Kecamatan Toho")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create(
            world.admin,
            scope="kecamatan",
            kecamatan=[world.kec04, toho],
            files=[pdf_upload()],
        )
    message = exc.value.message_dict["target_kecamatan"][0]
    assert "Kecamatan Toho" in message
    assert "Kecamatan Empat" not in message
    assert counts() == before
    assert stored_files(media_root) == []


def test_kims_outside_the_area_are_refused_and_nothing_is_created(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create(world.admin, scope="kims", kims=[world.kim_a, world.kim_b])
    assert "KIM Sungai Pinyuh" in exc.value.message_dict["target_kims"][0]
    assert counts() == before


@pytest.mark.parametrize(
    ("scope", "field"), [("kecamatan", "target_kecamatan"), ("kims", "target_kims")]
)
def test_an_empty_target_list_is_refused(world, scope, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create(world.admin, scope=scope)
    assert field in exc.value.message_dict
    assert counts() == before


@pytest.mark.parametrize(("code", "name"), [("61.07.04.1010", "Sebalo"), ("61.07", None)])
def test_a_region_that_is_not_a_kecamatan_is_refused(world, code, name):
    region = region_chain(code, name)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create(world.admin, scope="kecamatan", kecamatan=[region])
    assert f"{region.name} bukan kecamatan" in exc.value.message_dict["target_kecamatan"][0]
    assert counts() == before


def test_an_unknown_scope_and_an_inactive_kim_are_refused(world):
    before = counts()
    with pytest.raises(ValidationError) as unknown:
        create(world.admin, scope="semua")
    assert "scope" in unknown.value.message_dict
    with pytest.raises(ValidationError) as inactive:
        create(world.admin, scope="kims", kims=[world.kim_off])
    assert "KIM Tidur" in inactive.value.message_dict["target_kims"][0]
    assert counts() == before


def test_the_body_is_sanitised_and_the_text_cleaned(world):
    item = create(
        world.admin,
        title="  Jadwal   posyandu \n balita ",
        body='<p onclick="steal()">Datang</p><script>alert("x")</script>'
        '<a href="javascript:alert(1)">tautan</a>',
    )
    item.refresh_from_db()
    assert item.title == "Jadwal posyandu balita"
    assert "<script" not in item.body
    assert "alert" not in item.body
    assert "onclick" not in item.body
    assert "javascript:" not in item.body
    assert "Datang" in item.body

    plain = create(world.admin, body="Baris satu\n\nBaris dua")
    assert plain.body == "<p>Baris satu</p><p>Baris dua</p>"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "   "), ("summary", ""), ("body", "<script>alert(1)</script>")],
)
def test_required_text_must_not_be_empty(world, field, value):
    with pytest.raises(ValidationError) as exc:
        create(world.admin, **{field: value})
    assert field in exc.value.message_dict
    assert InfoItem.objects.count() == 0


# --- Publishing and fan-out ----------------------------------------------------------


def test_publishing_writes_an_audit_row_and_fills_the_inboxes(
    world, django_capture_on_commit_callbacks
):
    item = create(world.admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        published = services.item_publish(actor=world.admin, item=item)
        # Inside the transaction's lifetime nothing has been fanned out yet.
        assert Delivery.objects.filter(item=item).count() == 0
    assert callbacks  # the fan-out was enqueued on commit
    assert published.status == InfoItem.Status.PUBLISHED
    item.refresh_from_db()
    assert item.published_at is not None
    log = audit_for(item).filter(action="info.publish").get()
    assert log.actor == world.admin
    assert log.before["status"] == "draft"
    assert log.after["status"] == "published"
    assert delivered(item) == {"kim-a", "kim-kec", "kim-c"}
    assert item.targeted_count == 3
    assert item.fanned_out_at is not None
    assert item.fanned_out_at >= item.published_at


def test_only_a_draft_can_be_published(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    first_published_at = item.published_at
    with pytest.raises(ValidationError):
        services.item_publish(actor=world.admin, item=item)
    services.item_withdraw(actor=world.admin, item=item, reason="salah")
    with pytest.raises(ValidationError):
        services.item_publish(actor=world.admin, item=item)
    item.refresh_from_db()
    assert item.status == InfoItem.Status.WITHDRAWN
    assert item.published_at == first_published_at
    assert audit_for(item).filter(action="info.publish").count() == 1


@pytest.mark.parametrize("who", ["other_admin", "camat"])
def test_publishing_needs_the_right_to_manage_the_item(
    world, who, django_capture_on_commit_callbacks
):
    item = create(world.admin)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        services.item_publish(actor=getattr(world, who), item=item)
    item.refresh_from_db()
    assert item.status == InfoItem.Status.DRAFT
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("kabupaten admin, whole area", {"kim-a", "kim-kec", "kim-c"}),
        ("camat, whole kecamatan", {"kim-a", "kim-kec"}),
        ("opd officer, whole kabupaten", {"kim-a", "kim-kec", "kim-c"}),
        ("operator, national", {"kim-a", "kim-kec", "kim-c", "kim-b"}),
        ("chosen kecamatan 04", {"kim-a", "kim-kec"}),
        ("chosen kecamatan 05", {"kim-c"}),
        ("both kecamatan", {"kim-a", "kim-kec", "kim-c"}),
        ("chosen kims", {"kim-a", "kim-c"}),
        ("operator, chosen kims", {"kim-kec", "kim-b"}),
    ],
)
def test_fan_out_fills_exactly_the_targeted_inboxes(
    world, case, expected, django_capture_on_commit_callbacks
):
    actor, kwargs = {
        "kabupaten admin, whole area": (world.admin, {}),
        "camat, whole kecamatan": (world.camat, {}),
        "opd officer, whole kabupaten": (world.officer, {}),
        "operator, national": (world.operator, {}),
        "chosen kecamatan 04": (world.admin, {"scope": "kecamatan", "kecamatan": [world.kec04]}),
        "chosen kecamatan 05": (world.admin, {"scope": "kecamatan", "kecamatan": [world.kec05]}),
        "both kecamatan": (
            world.admin,
            {"scope": "kecamatan", "kecamatan": [world.kec04, world.kec05]},
        ),
        "chosen kims": (world.admin, {"scope": "kims", "kims": [world.kim_a, world.kim_c]}),
        "operator, chosen kims": (
            world.operator,
            {"scope": "kims", "kims": [world.kim_kec, world.kim_b]},
        ),
    }[case]
    item = publish(actor, create(actor, **kwargs), django_capture_on_commit_callbacks)
    assert delivered(item) == expected  # never the inactive kim-off
    assert item.targeted_count == len(expected)
    assert item.fanned_out_at is not None


def test_a_kim_deactivated_before_publishing_gets_nothing(
    world, django_capture_on_commit_callbacks
):
    item = create(world.admin, scope="kims", kims=[world.kim_a, world.kim_c])
    world.kim_c.is_active = False
    world.kim_c.save()
    item = publish(world.admin, item, django_capture_on_commit_callbacks)
    assert delivered(item) == {"kim-a"}
    assert item.targeted_count == 1


def test_running_the_fan_out_again_creates_no_duplicates(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    rows = set(Delivery.objects.filter(item=item).values_list("pk", "kim_id", "created_at"))
    assert len(rows) == 3
    services.item_fan_out(item.pk)
    tasks.fan_out.call_local(item.pk)
    assert set(Delivery.objects.filter(item=item).values_list("pk", "kim_id", "created_at")) == (
        rows
    )
    # A KIM registered in the area since is added on the next run, and only it.
    late = KimFactory(
        name="KIM Baru", slug="kim-baru", region=region_chain("61.07.05.2009", "Desa Baru")
    )
    services.item_fan_out(item.pk)
    assert delivered(item) == {"kim-a", "kim-kec", "kim-c", "kim-baru"}
    assert Delivery.objects.filter(item=item, kim=late).count() == 1
    item.refresh_from_db()
    assert item.targeted_count == 4


def test_running_the_fan_out_again_reports_no_new_rows(world, django_capture_on_commit_callbacks):
    """item_fan_out "Returns inbox rows made": a second run makes none."""
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(item=item).count() == 3
    assert services.item_fan_out(item.pk) == 0


def test_the_fan_out_skips_drafts(world):
    item = create(world.admin)
    assert services.item_fan_out(item.pk) == 0
    assert Delivery.objects.count() == 0
    item.refresh_from_db()
    assert item.fanned_out_at is None
    assert item.targeted_count == 0


# --- Updating and correcting ---------------------------------------------------------


def test_a_draft_is_edited_freely_targets_included(world):
    item = create(world.admin)
    updated = services.item_update(
        actor=world.admin,
        item=item,
        data={"title": "Jadwal posyandu Juni", "scope": "kims"},
        kecamatan=[],
        kims=[world.kim_a],
    )
    updated.refresh_from_db()
    assert updated.title == "Jadwal posyandu Juni"
    assert updated.scope == InfoItem.Scope.KIMS
    assert list(updated.target_kims.all()) == [world.kim_a]
    assert updated.corrected_at is None
    assert updated.correction_note == ""
    log = audit_for(item).filter(action="info.update").get()
    assert log.before["title"] == TEXT["title"]
    assert log.after["title"] == "Jadwal posyandu Juni"


def test_draft_targets_are_checked_like_on_creation(world):
    item = create(world.admin)
    with pytest.raises(ValidationError) as exc:
        services.item_update(
            actor=world.admin,
            item=item,
            data={"scope": "kims"},
            kecamatan=[],
            kims=[world.kim_b],
        )
    assert "KIM Sungai Pinyuh" in exc.value.message_dict["target_kims"][0]
    item.refresh_from_db()
    assert item.scope == InfoItem.Scope.AREA
    assert item.target_kims.count() == 0


def test_editing_needs_the_right_to_manage_the_item(world):
    item = create(world.admin)
    with pytest.raises(PermissionDenied):
        services.item_update(actor=world.other_admin, item=item, data={"title": "Dibajak"})
    item.refresh_from_db()
    assert item.title == TEXT["title"]


def test_a_published_item_needs_a_correction_note(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.item_update(
            actor=world.admin, item=item, data={"title": "Judul baru"}, correction_note="   "
        )
    assert "correction_note" in exc.value.message_dict
    item.refresh_from_db()
    assert item.title == TEXT["title"]
    assert item.corrected_at is None
    assert not audit_for(item).filter(action="info.correct").exists()


def test_a_correction_sets_corrected_at_and_keeps_the_targets(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    inboxes = delivered(item)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=world.admin,
            item=item,
            data={"title": "Jadwal posyandu (diperbaiki)", "scope": "kims"},
            kecamatan=[],
            kims=[world.kim_c],
            correction_note="  jam   diubah ",
        )
    item.refresh_from_db()
    assert item.title == "Jadwal posyandu (diperbaiki)"
    assert item.corrected_at is not None
    assert item.correction_note == "jam diubah"
    assert item.status == InfoItem.Status.PUBLISHED
    # Targets are frozen once sent.
    assert item.scope == InfoItem.Scope.AREA
    assert item.target_kims.count() == 0
    assert delivered(item) == inboxes
    log = audit_for(item).filter(action="info.correct").get()
    assert log.note == "jam diubah"
    assert log.after == {"title": "Jadwal posyandu (diperbaiki)"}


def republish_all(world, item):
    """kim-a (ketua) and kim-c (ketua) re-publish the item; kim-kec does not."""
    post_a = services.delivery_republish(
        actor=world.a.owner, kim=world.kim_a, item=item, note="Di balai desa Sebalo"
    )
    post_c = services.delivery_republish(actor=world.ketua_c, kim=world.kim_c, item=item)
    return post_a, post_c


def test_a_correction_updates_republished_posts_and_tells_those_kims_once(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post_a, post_c = republish_all(world, item)
    revisions = PostRevision.objects.filter(post=post_a).count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=world.admin,
            item=item,
            data={"title": "Jadwal posyandu (diperbaiki)", "body": "<p>Buka pukul 09.00.</p>"},
            correction_note="jam diubah",
        )
    post_a.refresh_from_db()
    assert post_a.title == "Jadwal posyandu (diperbaiki)"
    assert "Buka pukul 09.00." in post_a.body
    assert "08.00" not in post_a.body
    assert "Di balai desa Sebalo" in post_a.body  # the KIM's local note stays
    assert post_a.status == Post.Status.PUBLISHED
    assert delivery(item, world.kim_a).local_note == "Di balai desa Sebalo"
    post_c.refresh_from_db()
    assert post_c.title == "Jadwal posyandu (diperbaiki)"
    assert PostRevision.objects.filter(post=post_a).count() == revisions + 1
    assert PostRevision.objects.filter(post=post_a).first().title == post_a.title
    sync_log = audit_for(post_a).filter(action="post.sync_from_source").get()
    assert sync_log.note == "jam diubah"
    assert sync_log.after["title"] == "Jadwal posyandu (diperbaiki)"

    told = {world.a.owner.pk, world.sekretaris_a.pk, world.ketua_c.pk}
    notes = Notification.objects.filter(kind="info.corrected")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(told)
    assert notes.first().params["note"] == "jam diubah"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (world.a.owner, world.sekretaris_a, world.ketua_c)
    )

    # The sync running again (a retry, a duplicate task) changes and tells nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.item_sync_republished(item.pk) == 0
        assert tasks.sync_republished.call_local(item.pk) == 0
    assert Notification.objects.filter(kind="info.corrected").count() == 3
    assert PostRevision.objects.filter(post=post_a).count() == revisions + 1
    assert len(mail.outbox) == 3


def test_the_sync_leaves_withdrawn_items_alone(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post_a, _post_c = republish_all(world, item)
    services.item_withdraw(actor=world.admin, item=item, reason="salah")
    InfoItem.objects.filter(pk=item.pk).update(title="Diubah diam-diam")
    assert services.item_sync_republished(item.pk) == 0
    post_a.refresh_from_db()
    assert post_a.title == TEXT["title"]


# --- Withdrawing --------------------------------------------------------------------


def test_withdrawing_needs_a_reason(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post_a, _ = republish_all(world, item)
    with pytest.raises(ValidationError) as exc:
        services.item_withdraw(actor=world.admin, item=item, reason=" \n ")
    assert "reason" in exc.value.message_dict
    item.refresh_from_db()
    post_a.refresh_from_db()
    assert item.status == InfoItem.Status.PUBLISHED
    assert post_a.status == Post.Status.PUBLISHED


def test_withdrawing_unpublishes_every_republished_post_at_once(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post_a, post_c = republish_all(world, item)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.item_withdraw(actor=world.admin, item=item, reason="tanggal  salah")
        # Already in the same call, before anything runs on commit.
        assert set(
            Post.objects.filter(pk__in=[post_a.pk, post_c.pk]).values_list("status", flat=True)
        ) == {Post.Status.DRAFT}
    assert withdrawn.status == InfoItem.Status.WITHDRAWN
    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert item.withdrawal_reason == "tanggal salah"
    log = audit_for(item).filter(action="info.withdraw").get()
    assert log.note == "tanggal salah"
    assert log.after["posts_unpublished"] == 2
    unpublished = AuditLog.objects.filter(action="post.unpublish_withdrawn")
    assert sorted(unpublished.values_list("target_id", flat=True)) == sorted(
        [str(post_a.pk), str(post_c.pk)]
    )
    assert all(row.actor == world.admin and row.note == "tanggal salah" for row in unpublished)
    notes = Notification.objects.filter(kind="info.withdrawn")
    assert set(notes.values_list("recipient_id", flat=True)) == {
        world.a.owner.pk,
        world.sekretaris_a.pk,
        world.ketua_c.pk,
    }
    assert notes.first().params["reason"] == "tanggal salah"
    assert len(mail.outbox) == 3
    # The KIM that never re-published hears nothing.
    assert not Notification.objects.filter(recipient=world.ketua_kec).exists()


def test_withdrawing_also_takes_back_posts_waiting_for_approval(
    world, django_capture_on_commit_callbacks
):
    """A re-published copy still waiting for the ketua's approval must not be approvable
    (and go live) after the item was withdrawn: every re-published post becomes a draft."""
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    waiting = services.delivery_republish(actor=world.a.member, kim=world.kim_a, item=item)
    assert waiting.status == Post.Status.REVIEW
    services.item_withdraw(actor=world.admin, item=item, reason="salah")
    waiting.refresh_from_db()
    assert waiting.status == Post.Status.DRAFT


def test_a_withdrawn_item_cannot_be_edited_republished_or_withdrawn_again(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post_a, _ = republish_all(world, item)
    services.item_withdraw(actor=world.admin, item=item, reason="salah")
    with pytest.raises(ValidationError):
        services.item_update(
            actor=world.admin, item=item, data={"title": "Lagi"}, correction_note="coba"
        )
    with pytest.raises(ValidationError):
        services.item_withdraw(actor=world.admin, item=item, reason="lagi")
    posts_before = Post.objects.count()
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=world.ketua_kec, kim=world.kim_kec, item=item)
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=world.a.owner, kim=world.kim_a, item=item, note="x")
    assert Post.objects.count() == posts_before
    post_a.refresh_from_db()
    assert post_a.status == Post.Status.DRAFT
    item.refresh_from_db()
    assert item.title == TEXT["title"]


# --- Re-publishing ------------------------------------------------------------------


def test_the_ketua_republishes_with_one_tap(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post = services.delivery_republish(
        actor=world.a.owner, kim=world.kim_a, item=item, note="Di balai desa <b>Sebalo</b>"
    )
    post.refresh_from_db()
    assert post.kim == world.kim_a
    assert post.status == Post.Status.PUBLISHED
    assert post.title == item.title
    assert post.summary == item.summary
    assert post.source_url == item.get_absolute_url()
    assert post.source_name == item.publisher_name
    assert "Posyandu buka pukul 08.00." in post.body
    assert "Di balai desa &lt;b&gt;Sebalo&lt;/b&gt;" in post.body  # the note is text
    row = delivery(item, world.kim_a)
    assert row.post == post
    assert row.republished_at is not None
    assert row.read_at is not None
    assert row.local_note == "Di balai desa <b>Sebalo</b>"
    assert audit_for(row).filter(action="info.republish", actor=world.a.owner).count() == 1


@pytest.mark.parametrize(
    ("needs_review", "status"), [(True, Post.Status.REVIEW), (False, Post.Status.PUBLISHED)]
)
def test_an_anggota_submits_for_review_when_the_kim_reviews_posts(
    world, needs_review, status, django_capture_on_commit_callbacks
):
    world.kim_a.posts_need_review = needs_review
    world.kim_a.save()
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    post = services.delivery_republish(actor=world.a.member, kim=world.kim_a, item=item)
    post.refresh_from_db()
    assert post.status == status
    assert post.author == world.a.member
    assert delivery(item, world.kim_a).post == post


def test_republishing_again_updates_the_note_of_the_same_post(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    first = services.delivery_republish(
        actor=world.a.owner, kim=world.kim_a, item=item, note="Balai desa"
    )
    republished_at = delivery(item, world.kim_a).republished_at
    second = services.delivery_republish(
        actor=world.a.owner, kim=world.kim_a, item=item, note="Balai RW 2"
    )
    assert second.pk == first.pk
    assert Post.objects.filter(kim=world.kim_a).count() == 1
    second.refresh_from_db()
    assert "Balai RW 2" in second.body
    assert "Balai desa" not in second.body
    row = delivery(item, world.kim_a)
    assert row.local_note == "Balai RW 2"
    assert row.republished_at == republished_at
    assert audit_for(row).filter(action="info.republish").count() == 1


def test_republishing_an_item_not_sent_to_the_kim_is_refused(
    world, django_capture_on_commit_callbacks
):
    item = publish(
        world.admin,
        create(world.admin, scope="kims", kims=[world.kim_a]),
        django_capture_on_commit_callbacks,
    )
    posts, deliveries = Post.objects.count(), Delivery.objects.count()
    # A KIM of another kabupaten, and a KIM of the same kabupaten that was not chosen.
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=world.b.owner, kim=world.kim_b, item=item)
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=world.ketua_c, kim=world.kim_c, item=item)
    assert Post.objects.count() == posts
    assert Delivery.objects.count() == deliveries
    assert not Post.objects.filter(kim__in=[world.kim_b, world.kim_c]).exists()


def test_republishing_a_draft_is_refused(world):
    item = create(world.admin)
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=world.a.owner, kim=world.kim_a, item=item)
    assert Post.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "other_kim"])
def test_only_the_kims_people_republish(world, who, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    actor = world.a.outsider if who == "outsider" else world.ketua_c
    with pytest.raises(PermissionDenied):
        services.delivery_republish(actor=actor, kim=world.kim_a, item=item)
    assert not Post.objects.filter(kim=world.kim_a).exists()
    assert delivery(item, world.kim_a).republished_at is None


def test_a_too_long_note_is_refused(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.delivery_republish(
            actor=world.a.owner, kim=world.kim_a, item=item, note="x" * 2001
        )
    assert not Post.objects.filter(kim=world.kim_a).exists()


# --- Sharing -----------------------------------------------------------------------


def test_sharing_makes_one_link_per_channel_and_counts_once(
    world, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    row = delivery(item, world.kim_a)
    whatsapp = services.delivery_share(actor=world.a.member, delivery=row, channel="whatsapp")
    row.refresh_from_db()
    shared_at = row.shared_at
    assert shared_at is not None
    assert row.read_at is not None
    again = services.delivery_share(actor=world.a.owner, delivery=row, channel="whatsapp")
    facebook = services.delivery_share(actor=world.a.owner, delivery=row, channel="facebook")
    assert again.pk == whatsapp.pk
    assert facebook.pk != whatsapp.pk
    assert ShareLink.objects.filter(delivery=row).count() == 2
    row.refresh_from_db()
    assert row.shared_at == shared_at
    assert audit_for(row).filter(action="info.share").count() == 1
    assert whatsapp.get_absolute_url() == f"/s/{whatsapp.code}"


def test_share_codes_are_short_unique_and_readable(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    rows = [
        (world.a.owner, delivery(item, world.kim_a)),
        (world.ketua_c, delivery(item, world.kim_c)),
        (world.ketua_kec, delivery(item, world.kim_kec)),
    ]
    codes = [
        services.delivery_share(actor=actor, delivery=row, channel=channel).code
        for actor, row in rows
        for channel in ShareLink.Channel.values
    ]
    assert len(codes) == 3 * len(ShareLink.Channel.values)
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == 7
        assert set(code) <= set("23456789abcdefghjkmnpqrstuvwxyz")


def test_an_unknown_channel_is_refused(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    row = delivery(item, world.kim_a)
    with pytest.raises(ValidationError):
        services.delivery_share(actor=world.a.owner, delivery=row, channel="myspace")
    row.refresh_from_db()
    assert row.shared_at is None
    assert ShareLink.objects.count() == 0


def test_only_the_kims_people_share(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    row = delivery(item, world.kim_a)
    with pytest.raises(PermissionDenied):
        services.delivery_share(actor=world.b.owner, delivery=row, channel="whatsapp")
    row.refresh_from_db()
    assert row.shared_at is None
    assert ShareLink.objects.count() == 0


# --- Feedback -----------------------------------------------------------------------


def test_feedback_notifies_the_items_staff(world, django_capture_on_commit_callbacks):
    item = publish(world.officer, create(world.officer), django_capture_on_commit_callbacks)
    row = delivery(item, world.kim_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.feedback_send(
            actor=world.a.member, delivery=row, body="  Apakah posyandu juga hari Minggu?  "
        )
    feedback.refresh_from_db()
    assert feedback.body == "Apakah posyandu juga hari Minggu?"
    assert feedback.author == world.a.member
    notes = Notification.objects.filter(kind="info.feedback")
    # The author and the other officers of the publishing office; no one else.
    assert set(notes.values_list("recipient_id", flat=True)) == {
        world.officer.pk,
        world.colleague.pk,
    }
    assert notes.first().params == {"item": item.title, "kim": world.kim_a.name}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.officer.email, world.colleague.email]
    )
    assert audit_for(feedback).filter(action="info.feedback").count() == 1


def test_feedback_needs_a_body_and_a_member(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    row = delivery(item, world.kim_a)
    with pytest.raises(ValidationError):
        services.feedback_send(actor=world.a.owner, delivery=row, body="   ")
    with pytest.raises(PermissionDenied):
        services.feedback_send(actor=world.b.owner, delivery=row, body="Halo")
    assert Feedback.objects.count() == 0
    assert not Notification.objects.filter(kind="info.feedback").exists()


def test_an_answer_notifies_the_feedback_author(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    feedback = services.feedback_send(
        actor=world.a.member, delivery=delivery(item, world.kim_a), body="Jam berapa?"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(actor=world.admin, feedback=feedback, answer=" Pukul 08.00 ")
    feedback.refresh_from_db()
    assert feedback.answer == "Pukul 08.00"
    assert feedback.answered_by == world.admin
    assert feedback.answered_at is not None
    note = Notification.objects.get(kind="info.answer")
    assert note.recipient == world.a.member
    assert note.url == f"/kelola/kim/kim-a/informasi/{item.pk}/#tanggapan"
    assert [m.to for m in mail.outbox] == [[world.a.member.email]]
    assert audit_for(feedback).filter(action="info.feedback_answer").count() == 1


@pytest.mark.parametrize("who", ["other_admin", "camat", "owner"])
def test_an_answer_by_someone_who_cannot_manage_the_item_is_refused(
    world, who, django_capture_on_commit_callbacks
):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    feedback = services.feedback_send(
        actor=world.a.member, delivery=delivery(item, world.kim_a), body="Jam berapa?"
    )
    actor = world.a.owner if who == "owner" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.feedback_answer(actor=actor, feedback=feedback, answer="Entah")
    feedback.refresh_from_db()
    assert feedback.answer == ""
    assert feedback.answered_by is None
    assert not Notification.objects.filter(kind="info.answer").exists()


def test_an_empty_answer_is_refused(world, django_capture_on_commit_callbacks):
    item = publish(world.admin, create(world.admin), django_capture_on_commit_callbacks)
    feedback = services.feedback_send(
        actor=world.a.member, delivery=delivery(item, world.kim_a), body="Jam berapa?"
    )
    with pytest.raises(ValidationError):
        services.feedback_answer(actor=world.admin, feedback=feedback, answer="  ")
    feedback.refresh_from_db()
    assert feedback.answered_at is None


# --- Attachments --------------------------------------------------------------------


def test_pdf_and_image_attachments_are_checked_and_stored(world, media_root):
    item = create(world.admin, files=[pdf_upload("Jadwal Juni.pdf"), png_upload("peta.png")])
    pdf = item.attachments.get(kind=Attachment.Kind.PDF)
    image = item.attachments.get(kind=Attachment.Kind.IMAGE)
    assert (pdf.kind, pdf.pages) == (Attachment.Kind.PDF, 1)
    assert pdf.name.endswith(".pdf")
    assert image.kind == Attachment.Kind.IMAGE
    assert image.name == "peta.jpg"  # re-encoded as JPEG
    for attachment in (pdf, image):
        assert attachment.file.name.startswith("informasi/")
        assert (media_root / attachment.file.name).is_file()
        assert attachment.size == (media_root / attachment.file.name).stat().st_size
    assert len(stored_files(media_root)) == 2
    assert audit_for(item).get().action == "info.create"


def test_at_most_ten_attachments(world, media_root):
    with pytest.raises(ValidationError) as exc:
        create(world.admin, files=[pdf_upload(f"{n}.pdf") for n in range(11)])
    assert "files" in exc.value.message_dict
    assert InfoItem.objects.count() == 0
    assert stored_files(media_root) == []

    item = create(world.admin, files=[pdf_upload(f"{n}.pdf") for n in range(10)])
    assert item.attachments.count() == 10
    with pytest.raises(ValidationError):
        services.item_update(actor=world.admin, item=item, data={}, files=[pdf_upload()])
    assert item.attachments.count() == 10
    assert len(stored_files(media_root)) == 10

    # Removing one makes room for one.
    first = item.attachments.first()
    services.item_update(
        actor=world.admin,
        item=item,
        data={},
        files=[pdf_upload("baru.pdf")],
        remove_attachments=[first.pk],
    )
    assert item.attachments.count() == 10
    assert item.attachments.filter(name="baru.pdf").exists()
    assert not item.attachments.filter(pk=first.pk).exists()


def test_removing_an_attachment_deletes_its_file_after_commit(
    world, media_root, django_capture_on_commit_callbacks
):
    item = create(world.admin, files=[pdf_upload("a.pdf"), pdf_upload("b.pdf")])
    gone, kept = item.attachments.order_by("name")
    path = media_root / gone.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(actor=world.admin, item=item, data={}, remove_attachments=[gone.pk])
        assert path.is_file()  # still there until the transaction commits
    assert not path.exists()
    assert (media_root / kept.file.name).is_file()
    assert list(item.attachments.all()) == [kept]
    log = audit_for(item).filter(action="info.update").get()
    assert log.after["attachments_removed"] == ["a.pdf"]


def test_a_file_that_fails_validation_leaves_nothing_behind(world, media_root):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create(world.admin, files=[pdf_upload("baik.pdf"), fake_pdf("palsu.pdf")])
    assert "palsu.pdf" in exc.value.message_dict["files"][0]
    assert counts() == before
    assert stored_files(media_root) == []

    # The same on an existing item: no attachment, no file, nothing changed.
    item = create(world.admin, files=[pdf_upload("baik.pdf")])
    stored = stored_files(media_root)
    with pytest.raises(ValidationError):
        services.item_update(
            actor=world.admin,
            item=item,
            data={"title": "Judul lain"},
            files=[png_upload("ok.png"), SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nrusak")],
        )
    item.refresh_from_db()
    assert item.title == TEXT["title"]
    assert item.attachments.count() == 1
    assert stored_files(media_root) == stored


def test_correcting_an_attachment_of_a_published_item_needs_a_note(
    world, media_root, django_capture_on_commit_callbacks
):
    item = create(world.admin, files=[pdf_upload("a.pdf")])
    item = publish(world.admin, item, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.item_update(actor=world.admin, item=item, data={}, files=[pdf_upload("b.pdf")])
    assert "correction_note" in exc.value.message_dict
    assert item.attachments.count() == 1
    assert len(stored_files(media_root)) == 1  # the refused upload was not kept
    item.refresh_from_db()
    assert item.corrected_at is None
