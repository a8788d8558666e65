"""Personal data under UU 27/2022 across the apps (core.personal_data): erasure reaches
every table and the storage, the breach command, the privacy notice."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from PIL import Image

from jembatan.accounts.models import AuditLog, Role
from jembatan.aspirations import services as aspirations
from jembatan.aspirations.models import Aspiration, Category
from jembatan.clarifications import services as clarifications
from jembatan.clarifications.models import RumourReport
from jembatan.core.personal_data import ERASED, personal_data_registry, scrub_text
from jembatan.dialogue import services as dialogue
from jembatan.dialogue.otp import Participant, contact_hash
from jembatan.disclosure import services as disclosure
from jembatan.disclosure.models import InformationRequest
from jembatan.sites.comments import comment_create as site_comment_create
from jembatan.sites.comments import comment_moderate as site_comment_moderate
from jembatan.sites.services import post_create, post_transition
from jembatan.testing.factories import (
    ConsultationFactory,
    MembershipFactory,
    OfficeFactory,
    PublicBodyFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

NAME = "Sulastri Wibisono"
PHONE = "+6281355551234"
LOCAL_PHONE = "081355551234"
EMAIL = "sulastri.w@example.test"
FOLLOW_UP = "Rumah saya yang cat kuning di gang Melati"
REQUESTER = "Yohanes Kalimantara"
NIK = "6107045203900001"
ADDRESS = "Jl. Kenanga Ungu No. 12, Bengkayang"
REQUESTER_PHONE = "+6285766661111"
REQUESTER_EMAIL = "yohanes.k@example.test"
PURPOSE = "Untuk tugas kuliah tentang jembatan desa"
OBJECTION = "Saya tinggal di Kenanga dan butuh data ini untuk skripsi"
RUMOUR_EMAIL = "anisa.pelapor@example.test"
RUMOUR_PHONE = "+6281977770202"
RUMOUR_LOCAL_PHONE = "081977770202"
PARTICIPANT = "Theresia Ngadiman"
PARTICIPANT_TEXT = "Saya Theresia dari Dusun Pelita, mohon sumur bor."
COMMENTER = "Agustinus Lorensius"
COMMENT_TEXT = "Agustinus di sini, rumah saya dekat jembatan itu."


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PPID_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def world():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    admin = UserFactory(full_name="Ratna Admin Diskominfo")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    return {"kabupaten": kabupaten, "category": category, "admin": admin}


def _case(world) -> Aspiration:
    case, _created = aspirations.aspiration_submit(
        data={
            "region": region_chain("61.07.04.1010", "Sebalo"),
            "category": world["category"],
            "description": f"Jalan berlubang di depan rumah {NAME}, RT 03",
            "visibility": "publik",
            "reporter_name": NAME,
            "reporter_phone": LOCAL_PHONE,
            "reporter_email": EMAIL,
        },
        photos=[SimpleUploadedFile("jalan.jpg", _jpeg(), content_type="image/jpeg")],
    )
    return case


def _request() -> InformationRequest:
    return disclosure.information_request_submit(
        data={
            "body": PublicBodyFactory(),
            "requester_kind": "perorangan",
            "requester_name": REQUESTER,
            "requester_nik": NIK,
            "requester_address": ADDRESS,
            "requester_phone": REQUESTER_PHONE,
            "requester_email": REQUESTER_EMAIL,
            "information": "Salinan APBDes tahun 2026 beserta rinciannya.",
            "purpose": PURPOSE,
            "obtain_form": "salinan_elektronik",
            "delivery": "email",
            "identity_file": SimpleUploadedFile("ktp.jpg", _jpeg(), content_type="image/jpeg"),
        }
    )


def _rumour() -> RumourReport:
    return clarifications.report_submit(
        kabupaten_code="61.07",
        data={
            "text": f"Pesan berantai dari {RUMOUR_LOCAL_PHONE}: jembatan Sebalo ambruk.",
            "contact_email": RUMOUR_EMAIL,
            "contact_phone": RUMOUR_LOCAL_PHONE,
        },
        screenshot=SimpleUploadedFile("layar.jpg", _jpeg(), content_type="image/jpeg"),
    )


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _columns():
    """Every text-like column of every model the project has (all apps, third-party
    included), as (model, field name)."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                yield model, field.name


def _found(values) -> list[str]:
    hits = []
    for model, name in _columns():
        for value in values:
            if model._default_manager.filter(**{f"{name}__icontains": value}).exists():
                hits.append(f"{model._meta.label}.{name} holds {value!r}")
    return hits


def _dialogue_comment(world):
    consultation = ConsultationFactory(actor=world["admin"])
    paragraph = consultation.sections.first().paragraphs.first()
    who = Participant(name=PARTICIPANT, contact_hash=contact_hash("theresia@example.test"))
    return dialogue.comment_create(paragraph=paragraph, participant=who, body=PARTICIPANT_TEXT)


def _site_comment(two_tenants):
    side = two_tenants.a
    draft = post_create(actor=side.owner, kim=side.kim, data={"title": "Jembatan", "body": "x"})
    post = post_transition(actor=side.owner, post=draft, action="publish")
    comment = site_comment_create(post=post, name=COMMENTER, body=COMMENT_TEXT)
    return site_comment_moderate(actor=side.owner, comment=comment, action="restore")


def test_erasure_reaches_every_table_and_the_storage(
    client, world, files, two_tenants, django_capture_on_commit_callbacks
):
    case = _case(world)
    aspirations.citizen_follow_up(case=case, body=FOLLOW_UP)
    aspirations.aspiration_comment(
        actor=world["admin"],
        case=case,
        body=f"Sudah menelepon {NAME} di {LOCAL_PHONE}.",
        public=False,
    )
    request = _request()
    disclosure.information_request_answer(
        actor=world["admin"],
        request=request,
        outcome="ditolak",
        grounds=["h"],
        text=f"Informasi memuat data pribadi; pemohon {REQUESTER} dapat meminta sebagian.",
    )
    disclosure.objection_submit(request=request, reasons=["a"], text=OBJECTION)
    rumour = _rumour()
    said = _dialogue_comment(world)
    commented = _site_comment(two_tenants)
    client.force_login(world["admin"])
    assert client.get(f"/kelola/aspirasi/{case.code}/").status_code == 200
    photo = Path(case.photos.get().file.path)
    identity = Path(request.identity_file.path)
    shot = Path(rumour.screenshot.path)
    assert photo.exists() and identity.exists() and shot.exists()
    values = [NAME, PHONE, LOCAL_PHONE, EMAIL, FOLLOW_UP]
    values += [REQUESTER, NIK, ADDRESS, REQUESTER_PHONE, REQUESTER_EMAIL, PURPOSE, OBJECTION]
    values += [RUMOUR_EMAIL, RUMOUR_PHONE, RUMOUR_LOCAL_PHONE]
    values += [PARTICIPANT, PARTICIPANT_TEXT, said.contact_hash, COMMENTER, COMMENT_TEXT]
    # The scan itself finds what is there before erasure (it can fail).
    before = _found(values)
    assert any("aspirations.Aspiration.reporter_name" in h for h in before)
    assert any("accounts.AuditLog.note" in h for h in before)
    assert any("disclosure.InformationRequest.requester_nik" in h for h in before)
    assert any("disclosure.Objection.text" in h for h in before)
    assert any("disclosure.InformationRequest.answer_text" in h for h in before)
    assert any("clarifications.RumourReport.contact_phone" in h for h in before)
    assert any("clarifications.RumourReport.text" in h for h in before)
    assert any("dialogue.Comment.author_name" in h for h in before)
    assert any("sites.Comment.name" in h for h in before)
    assert any("accounts.AuditLog.target_repr" in h and COMMENTER in h for h in before)

    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_registry.erase(
            "aspirations.reporter", case, actor=None, reason="citizen request"
        )
        assert personal_data_registry.erase(
            "disclosure.requester", request, actor=None, reason="citizen request"
        )
        assert personal_data_registry.erase(
            "clarifications.submitter", rumour, actor=None, reason="citizen request"
        )
        assert personal_data_registry.erase(
            "dialogue.participant", said, actor=None, reason="citizen request"
        )
        assert personal_data_registry.erase(
            "sites.commenter", commented, actor=None, reason="citizen request"
        )

    assert _found(values) == []
    assert not photo.exists() and not identity.exists() and not shot.exists()
    # The facts stay: the case and the request, and who did what when.
    case.refresh_from_db()
    assert case.category_id == world["category"].pk and case.status == "diterima"
    assert ERASED in case.description
    request.refresh_from_db()
    assert request.requester_erased_at is not None and request.number
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "aspiration.follow_up",
        "aspiration.contact_erase",
        "ppid.requester_erase",
        "clarification.submitter_erase",
    } <= actions
    rumour.refresh_from_db()
    assert "jembatan Sebalo ambruk" in rumour.text  # the rumour itself stays
    # Erasing again finds nothing left.
    assert not personal_data_registry.erase("disclosure.requester", request, reason="again")


def test_scrub_text_replaces_every_spelling_of_a_value():
    assert scrub_text("Hubungi BUDI di 0812", ["Budi", "0812"]) == f"Hubungi {ERASED} di {ERASED}"
    assert scrub_text("tidak ada", ["Budi", ""]) == "tidak ada"


def test_the_breach_command_lists_subjects_without_their_contact_unless_asked(world, files):
    case = _case(world)
    request = _request()
    since = timezone.now() - datetime.timedelta(minutes=5)
    out, err = io.StringIO(), io.StringIO()
    call_command("personal_data_touched", "--since", since.isoformat(), stdout=out, stderr=err)
    text = out.getvalue()
    assert f"aspirations.reporter\t{case.display_code}\temail,telepon" in text
    assert f"disclosure.requester\t{request.number}\temail,telepon" in text
    assert EMAIL not in text and NAME not in text and NIK not in text
    assert "2 data subject(s)" in err.getvalue()
    shown = io.StringIO()
    call_command(
        "personal_data_touched",
        "--since",
        since.isoformat(),
        "--show-contact",
        stdout=shown,
        stderr=io.StringIO(),
    )
    assert f"email={EMAIL}" in shown.getvalue() and f"telepon={PHONE}" in shown.getvalue()
    # A window before the changes lists nobody.
    earlier = io.StringIO()
    call_command(
        "personal_data_touched",
        "--since",
        "2020-01-01",
        "--until",
        "2020-01-31",
        stdout=earlier,
        stderr=io.StringIO(),
    )
    assert earlier.getvalue() == ""


def test_the_breach_command_refuses_a_bad_window():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("personal_data_touched", "--since", "kemarin")
    with pytest.raises(CommandError):
        call_command("personal_data_touched", "--since", "2026-02-02", "--until", "2026-02-01")


def test_the_privacy_notice_is_plain_indonesian_and_linked_from_footer_and_forms(client, world):
    page = client.get("/privasi/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pemberitahuan privasi" in text and "Pasal 46" in text and "Pasal 6" in text
    assert "Pengirim aspirasi" in text and "Pemohon informasi publik" in text
    assert "365 hari" in text and "730 hari" in text
    home = client.get("/aspirasi/kirim/").content.decode()
    assert home.count('href="/privasi/"') >= 2  # the footer and the form
    assert 'href="/privasi/"' in client.get("/ppid/permohonan/").content.decode()
