"""What outsiders found on the staff desk (issue 23's outside pass), each held by a test:
a step on a case opened by a direct link (a notification, an e-mail) comes back to the
case; officers' internal notes are not read by KIM members; a confidential duplicate is
not named on the original's timeline; an office names only its own colleagues; bulk
actions are offered only to those who may take them; a case an office sent back leads
the office to its list; the "sent back" queue opens exactly those cases."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from jembatan.accounts.models import Notification
from jembatan.aspirations import desk, merge, services
from jembatan.aspirations.models import Aspiration, CaseEvent, Status
from jembatan.aspirations.tests.roles_world import build_place, signed_in
from jembatan.aspirations.workspace import case_counts
from jembatan.core import workdays

pytestmark = pytest.mark.django_db
QUEUE = "/kelola/aspirasi/"


@pytest.fixture(autouse=True)
def _fresh_holidays():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def place(two_tenants):
    return build_place(two_tenants)


def _version(html: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', html)[1]


def test_a_step_on_a_case_opened_from_a_notification_comes_back_to_the_case(place):
    case = place.referred()
    client = signed_in(place.officer)
    html = client.get(f"{QUEUE}{case.code}/").content.decode()  # no ?daftar=: a direct link
    assert 'name="daftar"' not in html
    response = client.post(
        f"{QUEUE}{case.code}/tindakan/", {"action": "start", "version": _version(html)}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{case.code}/"
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    note = client.post(
        f"{QUEUE}{case.code}/tulis/",
        {"body": "Tim sudah ke lokasi.", "version": services.case_version(case)},
    )
    assert note.status_code == 302 and note["Location"] == f"{QUEUE}{case.code}/"


def test_kim_members_read_the_public_steps_and_their_own_notes_not_the_officers(place):
    case = place.referred()
    services.aspiration_comment(
        actor=place.officer,
        case=case,
        body="Anggaran belum turun, jangan dijanjikan.",
        public=False,
    )
    services.aspiration_comment(
        actor=place.ketua, case=case, body="Lubangnya di depan rumah Pak RT.", public=False
    )
    for reader in (place.member, place.ketua):
        html = signed_in(reader).get(f"{QUEUE}{case.code}/").content.decode()
        assert "Anggaran belum turun" not in html
    assert "Lubangnya di depan rumah Pak RT." in (
        signed_in(place.ketua).get(f"{QUEUE}{case.code}/").content.decode()
    )
    assert "Lubangnya di depan rumah Pak RT." not in (
        signed_in(place.member).get(f"{QUEUE}{case.code}/").content.decode()
    )
    # Government staff read every note: Diskominfo, the office, the camat.
    for reader in (place.admin, place.officer, place.camat):
        html = signed_in(reader).get(f"{QUEUE}{case.code}/").content.decode()
        assert "Anggaran belum turun" in html and "Lubangnya di depan rumah Pak RT." in html


def test_a_confidential_duplicate_is_not_named_on_the_originals_timeline(place):
    original = place.submit(visibility=Aspiration.Visibility.PUBLIC)
    secret = place.submit(visibility=Aspiration.Visibility.CONFIDENTIAL)
    merge.aspiration_merge(actor=place.admin, duplicate=secret, original=original)
    notes = list(
        CaseEvent.objects.filter(aspiration=original, is_public=False).values_list(
            "body", flat=True
        )
    )
    assert notes and all(services.display_code(secret.code) not in n for n in notes)
    assert any("rahasia" in n for n in notes)
    html = signed_in(place.camat).get(f"{QUEUE}{original.code}/").content.decode()
    assert services.display_code(secret.code) not in html and secret.code not in html


def test_an_office_names_its_own_colleagues_only(place):
    case = place.referred()
    with pytest.raises(Exception) as refused:
        desk.aspiration_assign(actor=place.officer, case=case, officer=place.admin)
    assert "tidak dapat menangani" in str(refused.value)
    case.refresh_from_db()
    assert case.assignee_id is None
    # Diskominfo may name itself or the office's officer.
    desk.aspiration_assign(actor=place.admin, case=case, officer=place.officer)
    case.refresh_from_db()
    assert case.assignee_id == place.officer.pk


def test_bulk_actions_are_offered_only_to_who_may_take_them(place):
    place.referred()
    place.submit()
    admin = signed_in(place.admin).get(QUEUE)
    assert {name for name, _label in admin.context["bulk_actions"]} >= {
        "verifikasi",
        "tutup-spam",
    }
    assert 'name="kasus"' in admin.content.decode()
    for reader in (place.camat, place.ketua, place.member):
        response = signed_in(reader).get(QUEUE)
        assert response.context["bulk_actions"] == []
        html = response.content.decode()
        assert 'name="kasus"' not in html and 'name="tindakan"' not in html
    officer = signed_in(place.officer).get(QUEUE)
    offered = [name for name, _label in officer.context["bulk_actions"]]
    assert offered in ([], ["tugaskan"])
    assert all(u.pk != place.admin.pk for u in officer.context["bulk_officers"])


def test_a_case_the_office_sends_back_leads_the_office_to_its_list(place):
    case = place.referred()
    client = signed_in(place.officer)
    html = client.get(f"{QUEUE}{case.code}/?daftar=status%3Ddidisposisikan").content.decode()
    response = client.post(
        f"{QUEUE}{case.code}/tindakan/",
        {
            "action": "return",
            "body": "Bukan kewenangan PUPR: jalan desa.",
            "version": _version(html),
            "daftar": "status=didisposisikan",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?status=didisposisikan"
    assert client.get(response["Location"]).status_code == 200


def test_the_sent_back_queue_opens_exactly_the_cases_sent_back(place):
    sent_back = place.referred()
    services.aspiration_transition(
        actor=place.officer, case=sent_back, action="return", body="Bukan kewenangan kami."
    )
    verified = place.submit()
    services.aspiration_transition(actor=place.admin, case=verified, action="verify")
    response = signed_in(place.admin).get(QUEUE, {"status": "diverifikasi", "dikembalikan": "1"})
    codes = [c.code for c in response.context["page"].object_list]
    assert codes == [sent_back.code]


def test_a_flag_note_too_long_says_so(place):
    case = place.submit()
    response = signed_in(place.ketua).post(
        f"{QUEUE}{case.code}/tandai/",
        {"tanda-reason": "duplikat", "tanda-note": "x" * 5000},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Pilih alasan" not in text and "karakter" in text
    assert not case.flags.exists()


def test_a_verified_case_waiting_for_its_office_stays_on_the_clock(place):
    case = place.submit()
    services.aspiration_transition(actor=place.admin, case=case, action="verify")
    case.refresh_from_db()
    assert case.status == Status.VERIFIED and case.due == case.verify_due is not None
    assert case_counts(place.admin)["verify"] == 1  # on the "verify or refer" queue
    late = timezone.localdate() - datetime.timedelta(days=1)
    Aspiration.objects.filter(pk=case.pk).update(verify_due=late)
    assert services.escalate_overdue() == 1
    assert Notification.objects.filter(recipient=place.admin, kind="aspiration.overdue").exists()


def test_the_public_page_opens_with_the_code_as_printed(place, client):
    case = place.submit(visibility=Aspiration.Visibility.PUBLIC)
    printed = services.display_code(case.code)
    for typed in (printed, printed.lower(), case.code.lower()):
        response = client.get(f"/aspirasi/{typed}/")
        assert response.status_code == 302, typed
        assert response["Location"] == f"/aspirasi/{case.code}/"
    assert client.get(f"/aspirasi/{case.code}/").status_code == 200


def test_a_finished_case_is_no_merge_candidate(place):
    done = place.referred(visibility=Aspiration.Visibility.PUBLIC)
    Aspiration.objects.filter(pk=done.pk).update(status=Status.DONE)
    new = place.submit(visibility=Aspiration.Visibility.PUBLIC)
    assert [c.case.pk for c in merge.duplicate_candidates(place.admin, new)] == []
    # A duplicate is closed by merging (which names the original): in bulk too.
    assert desk.BULK_ACTIONS["tutup-duplikat"][1] == ["merge"]


def test_a_returned_case_says_so_and_the_answer_form_comes_before_the_history(place):
    case = place.referred()
    services.aspiration_transition(
        actor=place.officer, case=case, action="return", body="Bukan kewenangan kami."
    )
    html = signed_in(place.admin).get(f"{QUEUE}{case.code}/").content.decode()
    assert "Dikembalikan ke Diskominfo" in html
    answer = place.referred()
    page = signed_in(place.officer).get(f"{QUEUE}{answer.code}/").content.decode()
    assert page.index('id="comment-title"') < page.index("Riwayat")


def test_bulk_close_as_duplicate_merges_into_the_original_named(place):
    original = place.submit(visibility=Aspiration.Visibility.PUBLIC)
    dups = [place.submit(visibility=Aspiration.Visibility.PUBLIC) for _ in range(2)]
    client = signed_in(place.admin)
    html = client.get(QUEUE).content.decode()
    assert 'name="asli"' in html
    ticked = [f"{c.code}.{services.case_version(c)}" for c in dups]
    data = {"tindakan": "tutup-duplikat", "kasus": ticked, "daftar": ""}
    # Without the original's code: refused, nothing changed.
    client.post(f"{QUEUE}massal/", data)
    assert not Aspiration.objects.filter(merged_into=original).exists()
    printed = services.display_code(original.code).lower()
    confirm = client.post(f"{QUEUE}massal/", data | {"asli": printed})
    assert confirm.status_code == 200 and original.code in confirm.content.decode()
    client.post(f"{QUEUE}massal/", data | {"asli": original.code, "konfirmasi": "1"})
    for dup in dups:
        dup.refresh_from_db()
        assert dup.merged_into_id == original.pk and dup.status == Status.CLOSED
    # The citizen's page of a duplicate names the original.
    page = signed_in(place.member).get(f"/aspirasi/{dups[0].code}/").content.decode()
    assert services.display_code(original.code) in page
