"""Duplicates and merging (aspirations.merge): staff see the likely duplicates of a case
(same desa and category, alike text, recent, only the cases they may see) and merge one
into another; the duplicate closes with a link to the original, its reporter is told the
original's code and follows it from then on, and every public page and API says
"Digabung dengan …" instead of a bare "Ditutup"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jembatan.accounts.models import AuditLog, Role
from jembatan.aspirations import merge, services
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.aspirations.tasks import tell_follower
from jembatan.communities.models import Position
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
)
from jembatan.testing.gateway import Gateway

pytestmark = pytest.mark.django_db

QUEUE = "/kelola/aspirasi/"
LAMP = "Lampu jalan di simpang tiga Sungai Jaga mati sejak seminggu, gelap sekali malam hari."
LAMP_AGAIN = "Lampu jalan simpang tiga Sungai Jaga mati, mohon segera diganti karena gelap."
OTHER_TEXT = "Pembagian bibit sawit untuk kelompok tani belum merata di dusun kami."


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://kim.example.test"
    settings.SMS_GATEWAY_URL = ""


@pytest.fixture
def world():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    other_desa = region_chain("61.07.04.2002", "Sungai Jaga B")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    farming = Category.objects.create(kabupaten=kabupaten, name="Pertanian")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory()
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, office=pupr)
    kim = KimFactory(region=region_chain("61.07.04", "Sungai Betung"))  # a kecamatan KIM
    ketua = KimMembershipFactory(kim=kim, position=Position.KETUA).user
    recorder = KimMembershipFactory(kim=kim).user

    def case(text=LAMP, *, region=desa, category=roads, verify=True, **extra):
        # Recorded by a KIM member for a neighbour: no contact needed.
        made, _ = services.aspiration_submit(
            data={
                "region": region,
                "category": category,
                "description": text,
                "visibility": "anonim",
            }
            | extra,
            channel=Aspiration.Channel.KIM,
            kim=kim,
            actor=recorder,
        )
        if verify:
            services.aspiration_transition(actor=admin, case=made, action="verify")
        return Aspiration.objects.get(pk=made.pk)

    return {
        "admin": admin,
        "officer": officer,
        "ketua": ketua,
        "recorder": recorder,
        "pupr": pupr,
        "roads": roads,
        "farming": farming,
        "desa": desa,
        "other_desa": other_desa,
        "case": case,
    }


def _client(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _candidate_codes(html: str) -> list[str]:
    section = re.search(
        r'<section class="card" aria-labelledby="duplicates-title".*?</section>', html, re.S
    )
    if section is None:
        return []
    return re.findall(r'/kelola/aspirasi/([0-9A-Z]{8})/"><strong>', section[0])


# --- Likely duplicates ------------------------------------------------------------------


def test_only_alike_recent_cases_of_the_same_desa_and_category_are_candidates(world):
    case = world["case"]
    original = case(LAMP, reporter_email="first@example.test")
    duplicate = case(LAMP_AGAIN, reporter_email="second@example.test")
    case(OTHER_TEXT)  # same desa and category, other matter
    case(LAMP_AGAIN, region=world["other_desa"])  # another desa
    case(LAMP_AGAIN, category=world["farming"])  # another category
    old = case(LAMP)
    Aspiration.objects.filter(pk=old.pk).update(
        created_at=duplicate.created_at - datetime.timedelta(days=merge.DUPLICATE_DAYS + 1)
    )
    closed = case(LAMP)
    services.aspiration_transition(actor=world["admin"], case=closed, action="close", reason="spam")

    found = merge.duplicate_candidates(world["admin"], duplicate)
    assert [c.case.pk for c in found] == [original.pk]
    assert found[0].into_this and found[0].into_candidate
    assert merge.MIN_SIMILARITY <= found[0].score < 1
    html = _client(world["admin"]).get(f"{QUEUE}{duplicate.code}/").content.decode()
    assert _candidate_codes(html) == [original.code]
    assert f"Gabungkan {original.display_code} ke kasus ini" in html
    assert f"Gabungkan kasus ini ke {original.display_code}" in html


def test_merge_through_the_staff_page(world, django_capture_on_commit_callbacks):
    original = world["case"](LAMP, reporter_email="first@example.test")
    duplicate = world["case"](LAMP_AGAIN, reporter_email="second@example.test")
    client = _client(world["admin"], csrf=True)
    html = client.get(f"{QUEUE}{duplicate.code}/").content.decode()
    form = re.search(
        r'<form method="post" action="(/kelola/aspirasi/[^"]+/gabung/)"[^>]*>'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
        r'<input type="hidden" name="duplicate" value="' + duplicate.code + r'">'
        r'<input type="hidden" name="original" value="' + original.code + r'">'
        r'<input type="hidden" name="version" value="([^"]*)">',
        html,
    )
    assert form is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form[1],
            {
                "csrfmiddlewaretoken": form[2],
                "duplicate": duplicate.code,
                "original": original.code,
                "version": form[3],
            },
        )
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}{duplicate.code}/"
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert duplicate.close_reason == Aspiration.CloseReason.DUPLICATE
    assert duplicate.merged_into_id == original.pk
    # An audit row on both cases, and a step on both timelines.
    assert AuditLog.objects.filter(action="aspiration.merge", target_id=str(duplicate.pk)).exists()
    assert AuditLog.objects.filter(
        action="aspiration.merge_into", target_id=str(original.pk)
    ).exists()
    step = duplicate.events.get(to_status=Status.CLOSED)
    assert step.is_public and original.display_code in step.body
    note = original.events.get(kind=CaseEvent.Kind.NOTE)
    assert not note.is_public and duplicate.display_code in note.body
    # The duplicate's reporter is told, with the original's code and public page.
    assert [m.to for m in mail.outbox] == [["second@example.test"]]
    assert original.display_code in mail.outbox[0].body
    assert mail.outbox[0].subject.endswith(f"Digabung dengan {original.display_code}")
    assert f"Status sekarang: Digabung dengan {original.display_code}." in mail.outbox[0].body
    # On the host the staff page was used on (core.links), not on SITE_URL.
    assert f"http://testserver/aspirasi/{original.code}/" in mail.outbox[0].body
    assert "kim.example.test" not in mail.outbox[0].body
    # Both staff pages show the link.
    html = client.get(f"{QUEUE}{duplicate.code}/").content.decode()
    assert f'href="/kelola/aspirasi/{original.code}/"' in html
    html = client.get(f"{QUEUE}{original.code}/").content.decode()
    assert "Duplikat yang digabung ke aspirasi ini" in html and duplicate.display_code in html
    assert _candidate_codes(html) == []  # a merged case is no candidate any more


def test_a_merge_without_the_csrf_token_is_refused(world):
    original = world["case"](LAMP)
    duplicate = world["case"](LAMP_AGAIN)
    client = _client(world["admin"], csrf=True)
    response = client.post(
        f"{QUEUE}{duplicate.code}/gabung/",
        {"duplicate": duplicate.code, "original": original.code},
    )
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None and duplicate.status == Status.VERIFIED


def test_the_citizens_page_says_merged_with_a_link_not_closed(world):
    original = world["case"](LAMP)
    duplicate = world["case"](LAMP_AGAIN)
    merge.aspiration_merge(actor=world["admin"], duplicate=duplicate, original=original)
    html = Client().get(f"/aspirasi/{duplicate.code}/").content.decode()
    pill = re.search(r'<span class="pill[^"]*">([^<]*)</span>', html)[1]
    assert pill == f"Digabung dengan {original.display_code}"
    assert f'href="/aspirasi/{original.code}/"' in html
    # The public list says it too.
    listing = Client().get("/aspirasi/").content.decode()
    assert f"Digabung dengan {original.display_code}" in listing


def test_the_duplicates_reporter_follows_the_original(
    world, settings, django_capture_on_commit_callbacks
):
    gateway = Gateway("merge-secret").as_default(settings)
    try:
        original = world["case"](LAMP, reporter_email="first@example.test")
        duplicate = world["case"](
            LAMP_AGAIN, reporter_email="second@example.test", reporter_phone="081234567890"
        )
        gateway.received.clear()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            merge.aspiration_merge(actor=world["admin"], duplicate=duplicate, original=original)
        # Told by SMS too: the original's code and public page, not a bare "Ditutup".
        assert len(gateway.received) == 1
        text = gateway.received[0]["text"]
        assert original.display_code in text and f"/aspirasi/{original.code}/" in text
        assert "Ditutup" not in text

        mail.outbox.clear()
        gateway.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.aspiration_transition(
                actor=world["admin"], case=original, action="dispose", office=world["pupr"]
            )
            services.aspiration_comment(
                actor=world["admin"], case=original, body="Catatan dalam", public=False
            )
        reporters = {"first@example.test", "second@example.test"}
        by_recipient = {m.to[0]: m for m in mail.outbox if m.to[0] in reporters}
        assert set(by_recipient) == reporters  # (the office's officers are told apart)
        follower_mail = by_recipient["second@example.test"]
        assert "Diteruskan ke Dinas PUPR" in follower_mail.body
        assert original.display_code in follower_mail.subject
        assert f"https://kim.example.test/aspirasi/{original.code}/" in follower_mail.body
        assert "?k=" not in follower_mail.body  # never the original reporter's private link
        assert "Catatan dalam" not in follower_mail.body
        assert [m["to"] for m in gateway.received] == ["+6281234567890"]
        assert original.display_code in gateway.received[0]["text"]
        # Once: a retry of the task sends nothing more.
        step = original.events.get(to_status=Status.DISPOSED)
        sent = len(mail.outbox)
        assert tell_follower.call_local(step.pk, duplicate.pk) is False
        assert len(mail.outbox) == sent and len(gateway.received) == 1
    finally:
        gateway.stop()


def test_the_duplicates_reporter_sees_the_merge_on_their_private_page(world):
    original = world["case"](LAMP)
    made, _ = services.aspiration_submit(
        data={
            "region": world["desa"],
            "category": world["roads"],
            "description": LAMP_AGAIN,
            "visibility": "anonim",
            "reporter_email": "second@example.test",
        }
    )
    merge.aspiration_merge(actor=world["admin"], duplicate=made, original=original)
    client = Client()
    page = client.get(f"/aspirasi/{made.code}/?k={made.reporter_key}", follow=True)
    html = page.content.decode()
    assert "Anda membuka aspirasi ini sebagai pelapornya." in html
    assert f"Aspirasi ini digabung dengan aspirasi {original.display_code}" in html
    assert "Kabar perkembangannya juga kami kirimkan kepada Anda." in html
    assert 'action="/aspirasi/' + made.code + '/tambahan/"' not in html  # closed: no follow-up


# --- What is refused --------------------------------------------------------------------


def test_refused_merges_change_nothing(world):
    admin, case = world["admin"], world["case"]
    original = case(LAMP)
    duplicate = case(LAMP_AGAIN)
    with pytest.raises(ValidationError, match="dirinya sendiri"):
        merge.aspiration_merge(actor=admin, duplicate=duplicate, original=duplicate)
    # Into a closed case.
    closed = case(LAMP)
    services.aspiration_transition(actor=admin, case=closed, action="close", reason="spam")
    with pytest.raises(ValidationError, match="sudah ditutup atau digabung"):
        merge.aspiration_merge(actor=admin, duplicate=duplicate, original=closed)
    # Circular: the original was merged into the duplicate before.
    merge.aspiration_merge(actor=admin, duplicate=original, original=duplicate)
    with pytest.raises(ValidationError, match="sudah ditutup atau digabung"):
        merge.aspiration_merge(actor=admin, duplicate=duplicate, original=original)
    # Into a confidential case.
    secret = case(LAMP, visibility="rahasia", verify=False)
    with pytest.raises(ValidationError, match="rahasia"):
        merge.aspiration_merge(actor=admin, duplicate=duplicate, original=secret)
    # Across kabupaten (an operator sees both).
    region_chain("61.08", "Kabupaten Sambas")
    sambas = Category.objects.create(kabupaten_id="61.08", name="Jalan")
    elsewhere, _ = services.aspiration_submit(
        data={
            "region": region_chain("61.08.01.2001", "Desa Sambas"),
            "category": sambas,
            "description": LAMP,
            "visibility": "anonim",
            "reporter_phone": "081234567891",
        }
    )
    operator = UserFactory(is_superuser=True)
    MembershipFactory(user=operator, role=Role.OPERATOR, region=None)
    with pytest.raises(ValidationError, match="kabupaten lain"):
        merge.aspiration_merge(actor=operator, duplicate=duplicate, original=elsewhere)
    # A page older than the duplicate.
    version = services.case_version(duplicate)
    services.aspiration_comment(actor=admin, case=duplicate, body="Jawaban", public=True)
    fresh = case(LAMP)
    with pytest.raises(ValidationError, match="sudah diubah petugas lain"):
        merge.aspiration_merge(actor=admin, duplicate=duplicate, original=fresh, version=version)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.VERIFIED and duplicate.merged_into_id is None
    assert not duplicate.events.filter(to_status=Status.CLOSED).exists()


def test_who_may_merge(world):
    original = world["case"](LAMP)
    duplicate = world["case"](LAMP_AGAIN)
    # The office's officer sees neither case: refused.
    with pytest.raises(PermissionDenied):
        merge.aspiration_merge(actor=world["officer"], duplicate=duplicate, original=original)
    # A KIM pengurus never closes a case (they flag a likely duplicate for Diskominfo):
    # refused, and nothing changed.
    with pytest.raises(PermissionDenied):
        merge.aspiration_merge(actor=world["ketua"], duplicate=duplicate, original=original)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    # Diskominfo merges at any open stage, after referral too.
    services.aspiration_transition(
        actor=world["admin"], case=duplicate, action="dispose", office=world["pupr"]
    )
    merge.aspiration_merge(actor=world["admin"], duplicate=duplicate, original=original)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk


def test_followers_of_a_merged_duplicate_follow_the_new_original(world):
    admin, case = world["admin"], world["case"]
    first, second, third = case(LAMP), case(LAMP_AGAIN), case(LAMP)
    merge.aspiration_merge(actor=admin, duplicate=third, original=second)
    merge.aspiration_merge(actor=admin, duplicate=second, original=first)
    third.refresh_from_db()
    assert third.merged_into_id == first.pk  # no chain to walk
    assert AuditLog.objects.filter(action="aspiration.merge", target_id=str(third.pk)).count() == 2


# --- Privacy ----------------------------------------------------------------------------


def test_a_candidate_the_user_may_not_see_is_not_listed(world):
    case = world["case"]
    current = case(LAMP)
    secret = case(LAMP_AGAIN, visibility="rahasia", verify=False)  # recorded by a member
    # Diskominfo sees the confidential case: listed, and may be merged into this one, never
    # this one into it.
    found = {c.case.pk: c for c in merge.duplicate_candidates(world["admin"], current)}
    assert secret.pk in found
    assert found[secret.pk].into_this and not found[secret.pk].into_candidate
    # The KIM's ketua does not see it (only the member who recorded it does).
    assert merge.duplicate_candidates(world["ketua"], current) == []
    client = _client(world["ketua"])
    html = client.get(f"{QUEUE}{current.code}/").content.decode()
    assert secret.code not in html and "duplicates-title" not in html
    response = client.post(
        f"{QUEUE}{current.code}/gabung/", {"duplicate": secret.code, "original": current.code}
    )
    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.merged_into_id is None and secret.status == Status.RECEIVED


def test_the_merge_view_only_merges_with_the_case_of_its_page(world):
    first, second, third = (world["case"](LAMP) for _ in range(3))
    response = _client(world["admin"]).post(
        f"{QUEUE}{first.code}/gabung/", {"duplicate": second.code, "original": third.code}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into_id is None


# --- Open311 and the API ----------------------------------------------------------------


def test_open311_and_the_api_say_closed_with_the_merge(world):
    original = world["case"](LAMP)
    duplicate = world["case"](LAMP_AGAIN)
    merge.aspiration_merge(actor=world["admin"], duplicate=duplicate, original=original)
    note = f"Digabung dengan {original.display_code}"
    response = Client().get(f"/open311/v2/requests/{duplicate.display_code}.json")
    assert response.status_code == 200
    [request] = response.json()
    assert request["status"] == "closed" and request["status_notes"] == note
    listing = Client().get("/open311/v2/requests.json?status=closed")
    assert listing.status_code == 200
    assert [r["status_notes"] for r in listing.json()] == [note]
    response = Client().get(f"/api/v1/aspirasi/{duplicate.code}/")
    assert response.status_code == 200
    assert response.json()["status"] == "ditutup" and response.json()["answer"] == note
    assert Client().get("/api/v1/aspirasi/?status=ditutup").status_code == 200


# --- Undoing a merge --------------------------------------------------------------------


def test_diskominfo_undoes_a_merge(world, django_capture_on_commit_callbacks):
    original = world["case"](LAMP)
    made, _ = services.aspiration_submit(
        data={
            "region": world["desa"],
            "category": world["roads"],
            "description": LAMP_AGAIN,
            "visibility": "anonim",
            "reporter_email": "second@example.test",
        }
    )
    services.aspiration_transition(actor=world["admin"], case=made, action="verify")
    merge.aspiration_merge(actor=world["admin"], duplicate=made, original=original)
    # The KIM's ketua may merge early cases but not undo a merge.
    with pytest.raises(PermissionDenied):
        merge.aspiration_unmerge(actor=world["ketua"], duplicate=made)
    client = _client(world["ketua"])
    assert "Batalkan penggabungan" not in client.get(f"{QUEUE}{made.code}/").content.decode()

    client = _client(world["admin"])
    html = client.get(f"{QUEUE}{made.code}/").content.decode()
    version = re.search(
        r'action="/kelola/aspirasi/' + made.code + r'/pisah/".*?name="version" value="([^"]*)"',
        html,
    )[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{made.code}/pisah/", {"version": version})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == Status.VERIFIED and made.merged_into_id is None
    assert made.close_reason == ""
    assert [m.to for m in mail.outbox] == [["second@example.test"]]
    assert AuditLog.objects.filter(action="aspiration.unmerge", target_id=str(made.pk)).exists()
    # No longer a follower: the original's next step is not sent to this reporter.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.aspiration_transition(
            actor=world["admin"], case=original, action="dispose", office=world["pupr"]
        )
    assert "second@example.test" not in [m.to[0] for m in mail.outbox]
    html = Client().get(f"/aspirasi/{made.code}/").content.decode()
    assert "Digabung dengan" not in re.search(r'<span class="pill[^"]*">([^<]*)</span>', html)[1]
    # A second undo (an older page) is refused.
    response = client.post(f"{QUEUE}{made.code}/pisah/", {"version": version}, follow=True)
    assert "sudah diubah petugas lain" in response.content.decode()


def test_the_merge_pages_are_valid_html(world, tmp_path):
    from jembatan.core.tests.test_html_validity import vnu_errors

    original = world["case"](LAMP)
    duplicate = world["case"](LAMP_AGAIN)
    staff = _client(world["admin"])
    pages = {"candidates": staff.get(f"{QUEUE}{duplicate.code}/").content.decode()}
    assert "Kemungkinan duplikat" in pages["candidates"]
    merge.aspiration_merge(actor=world["admin"], duplicate=duplicate, original=original)
    pages |= {
        "merged-staff": staff.get(f"{QUEUE}{duplicate.code}/").content.decode(),
        "original-staff": staff.get(f"{QUEUE}{original.code}/").content.decode(),
        "merged-public": Client().get(f"/aspirasi/{duplicate.code}/").content.decode(),
    }
    assert "Batalkan penggabungan" in pages["merged-staff"]
    errors = vnu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
