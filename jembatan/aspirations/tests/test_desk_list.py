"""The staff desk's case list: tracking codes, search, filters within the user's area, the
default sort, the list carried to a case and back, the next case, bulk actions (one
confirmation, one audit row per step and case, skipped cases named) and a query count
that stays flat from 10 to 1,000 cases."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jembatan.accounts.models import AuditLog, Notification
from jembatan.aspirations import desk as desk_services
from jembatan.aspirations import services
from jembatan.aspirations.desk_list import clean_list_query
from jembatan.aspirations.models import Aspiration, AspirationPhoto, Status
from jembatan.aspirations.tests.case_world import build_desk_world
from jembatan.core.registry import kabupaten_changed
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/kelola/aspirasi/"
# The list's queries do not grow with the number of cases; the closing note
# allowed 25. Measured 9: the session, the user and its second factor (3), the user's
# memberships and KIM memberships (2), the count, the page's ids, its cases and the KIM
# flags waiting (4); the filters' choices are kept per process (desk_list.choices_for).
# Those four are worked out once for every Diskominfo of the kabupaten and kept
# (aspirations.desk_shared): a view of a page already worked out makes 5.
QUERY_BOUND = 11


@pytest.fixture
def world():
    return build_desk_world()


def codes_in(response) -> set[str]:
    html = response.content.decode()
    return {c.code for c in Aspiration.objects.all() if services.display_code(c.code) in html}


# --- Tracking codes -----------------------------------------------------------------------


def test_the_code_as_shown_opens_the_case(world):
    case = world["case"]()
    shown = services.display_code(case.code)  # FZPU-3KRP
    for typed in (shown, shown.lower(), case.code.lower()):
        response = world["client"].get(f"{QUEUE}{typed}/")
        assert response.status_code == 302
        assert response["Location"] == f"{QUEUE}{case.code}/"
    assert world["client"].get(f"{QUEUE}{shown}/", follow=True).status_code == 200
    assert world["client"].get(f"{QUEUE}---/").status_code == 404  # nothing of a code


def test_a_code_in_the_search_box_goes_straight_to_the_case(world):
    case = world["case"]()
    for typed in (services.display_code(case.code), case.code.lower(), f" {case.code} "):
        response = world["client"].get(QUEUE, {"cari": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"{QUEUE}{case.code}/"


def test_a_code_of_another_kabupaten_is_not_opened_from_the_search(world):
    theirs = world["case"](region=world["other_desa"], category=world["landak_roads"])
    response = world["client"].get(QUEUE, {"cari": theirs.code})
    assert response.status_code == 200
    assert codes_in(response) == set()


# --- Search and filters -------------------------------------------------------------------


def test_text_search_finds_words_in_the_description(world):
    lamp = world["case"]("Lampu jalan di simpang tiga mati sejak minggu lalu.")
    world["case"]("Air sumur keruh setelah banjir.")
    response = world["client"].get(QUEUE, {"cari": "lampu simpang"})
    assert codes_in(response) == {lamp.code}


def test_filters_narrow_the_list(world):
    admin = world["admin"]
    a = world["case"]()
    b = world["case"](
        "Air sumur keruh setelah banjir.", region=world["desa_b"], category=world["water"]
    )
    c = world["case"]("Jembatan kayu lapuk.")
    services.aspiration_transition(actor=admin, case=a, action="verify")
    services.aspiration_transition(actor=admin, case=a, action="dispose", office=world["pupr"])
    Aspiration.objects.filter(pk=b.pk).update(
        channel=Aspiration.Channel.SMS, visibility=Aspiration.Visibility.CONFIDENTIAL
    )
    AspirationPhoto.objects.create(aspiration=c, file="aspirasi/x.jpg", width=1, height=1)
    desk_services.aspiration_assign(actor=admin, case=c, officer=world["colleague"])
    today = timezone.localdate()
    Aspiration.objects.filter(pk=b.pk).update(verify_due=today)
    Aspiration.objects.filter(pk=c.pk).update(verify_due=today - datetime.timedelta(days=1))
    client = world["client"]

    def listed(**params):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        return codes_in(response)

    assert listed() == {a.code, b.code, c.code}
    assert listed(status="didisposisikan") == {a.code}
    assert listed(status="terbuka") == {a.code, b.code, c.code}
    assert listed(kecamatan="61.07.05") == {b.code}
    assert listed(kecamatan="61.07.04", desa="61.07.04.2001") == {a.code, c.code}
    assert listed(desa="61.07.05.2002") == {b.code}  # the kecamatan follows from the desa
    assert listed(kategori=str(world["water"].pk)) == {b.code}
    assert listed(instansi=str(world["pupr"].pk)) == {a.code}
    assert listed(instansi="tanpa") == {b.code, c.code}
    assert listed(saluran="sms") == {b.code}
    assert listed(visibilitas="rahasia") == {b.code}
    assert listed(foto="ada") == {c.code}
    assert listed(foto="tidak") == {a.code, b.code}
    assert listed(tenggat="terlambat") == {c.code}
    assert listed(terlambat="1") == {c.code}  # the list's older link still works
    assert listed(tenggat="hari-ini") == {b.code}
    assert listed(petugas=str(world["colleague"].pk)) == {c.code}
    assert listed(petugas="belum") == {a.code, b.code}
    assert listed(petugas="saya") == set()
    assert listed(status="diterima", tenggat="terlambat", foto="ada", cari="jembatan") == {c.code}


def test_filters_offer_only_the_users_area_and_ignore_the_rest(world):
    world["case"]()
    response = world["client"].get(QUEUE, {"kategori": world["landak_roads"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jalan Landak" not in html and "Dinas PUPR Landak" not in html
    assert "Sungai Betung" in html and "Wilayah 61.08.01" not in html
    assert "Pilihan yang tidak tersedia untuk Anda diabaikan." in html
    # The foreign category is ignored: the list is the whole list, not an empty one.
    assert len(codes_in(response)) == 1
    for params in (
        {"kecamatan": "61.08.01"},
        {"desa": "61.08.01.2001"},
        {"instansi": "abc"},
        {"petugas": "99999999999999999999"},
        {"urut": "; drop table"},
        {"status": "x" * 500},
    ):
        assert world["client"].get(QUEUE, params).status_code == 200, params


def test_an_officer_is_offered_only_their_office(world):
    case = world["case"]()
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    services.aspiration_transition(
        actor=world["admin"], case=case, action="dispose", office=world["pupr"]
    )
    officer = Client()
    officer.force_login(world["officer"])
    html = officer.get(QUEUE).content.decode()
    assert "Dinas PUPR" in html and "Dinas Kesehatan" not in html
    # Referring is Diskominfo's: the officer's action bar does not offer it.
    assert 'value="verifikasi-disposisi"' not in html and 'value="tugaskan"' in html
    assert 'value="verifikasi-disposisi"' in world["client"].get(QUEUE).content.decode()


def test_open_work_is_sorted_oldest_deadline_first(world):
    first, second, third = (world["case"](f"Aspirasi nomor {n} tentang jalan.") for n in range(3))
    today = timezone.localdate()
    Aspiration.objects.filter(pk=first.pk).update(verify_due=today + datetime.timedelta(days=5))
    Aspiration.objects.filter(pk=second.pk).update(verify_due=today - datetime.timedelta(days=2))
    # Verified, waiting for its office: still on the verification clock (verify_due).
    services.aspiration_transition(actor=world["admin"], case=third, action="verify")
    Aspiration.objects.filter(pk=third.pk).update(verify_due=today + datetime.timedelta(days=9))
    html = world["client"].get(QUEUE).content.decode()
    positions = [html.index(services.display_code(c.code)) for c in (second, first, third)]
    assert positions == sorted(positions)
    html = world["client"].get(QUEUE, {"urut": "terbaru"}).content.decode()
    positions = [html.index(services.display_code(c.code)) for c in (third, second, first)]
    assert positions == sorted(positions)


# --- Back to the list, next case ------------------------------------------------------------


def test_filters_survive_a_case_and_the_next_case_follows_the_list(world):
    cases = [world["case"](f"Jalan rusak nomor {n} di dusun.") for n in range(3)]
    today = timezone.localdate()
    for n, case in enumerate(cases):
        Aspiration.objects.filter(pk=case.pk).update(verify_due=today + datetime.timedelta(days=n))
    client = world["client"]
    html = client.get(QUEUE, {"status": "diterima", "cari": "jalan"}).content.decode()
    link = f"{QUEUE}{cases[0].code}/?daftar=cari%3Djalan%26status%3Dditerima"
    assert link in html.replace("&amp;", "&")
    page = client.get(link).content.decode().replace("&amp;", "&")
    assert f'href="{QUEUE}?cari=jalan&status=diterima"' in page  # back to the same list
    assert services.display_code(cases[1].code) in page  # "Kasus berikutnya"
    # Verify, then straight on to the next case of the same list.
    version = services.case_version(Aspiration.objects.get(pk=cases[0].pk))
    response = client.post(
        f"{QUEUE}{cases[0].code}/tindakan/",
        {
            "action": "verify",
            "version": version,
            "daftar": "cari=jalan&status=diterima",
            "berikutnya": cases[1].code,
            "lanjut": "1",
        },
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == f"{QUEUE}{cases[1].code}/"
    assert parse_qs(target.query)["daftar"] == ["cari=jalan&status=diterima"]
    assert Aspiration.objects.get(pk=cases[0].pk).status == Status.VERIFIED
    # On the next case, the one after it: the first left the list when it was verified.
    page = client.get(response["Location"]).content.decode()
    assert f"Kasus berikutnya: {services.display_code(cases[2].code)}" in page
    # Without "lanjut": back to the same case, the list and the next case kept.
    version = services.case_version(Aspiration.objects.get(pk=cases[1].pk))
    response = client.post(
        f"{QUEUE}{cases[1].code}/tindakan/",
        {"action": "verify", "version": version, "daftar": "status=diterima"},
    )
    assert urlsplit(response["Location"]).path == f"{QUEUE}{cases[1].code}/"
    # A failed step never jumps on: the officer sees why, on the same case.
    response = client.post(
        f"{QUEUE}{cases[2].code}/tindakan/",
        {
            "action": "verify",
            "version": "1",
            "daftar": "",
            "berikutnya": cases[0].code,
            "lanjut": "1",
        },
    )
    assert urlsplit(response["Location"]).path == f"{QUEUE}{cases[2].code}/"


def test_the_list_carried_along_cannot_lead_elsewhere():
    assert clean_list_query("//evil.example/x") == ""
    assert clean_list_query("next=https://evil.example&status=diterima") == "status=diterima"
    assert clean_list_query("status=a%00b") == ""
    assert len(clean_list_query("cari=" + "x" * 5000)) <= 110


# --- Bulk actions -----------------------------------------------------------------------------


def _tick(cases):
    return [f"{c.code}.{services.case_version(Aspiration.objects.get(pk=c.pk))}" for c in cases]


def test_bulk_verify_and_refer_with_one_confirmation(world):
    cases = [world["case"](f"Jalan rusak nomor {n} di dusun.") for n in range(5)]
    theirs = world["case"](region=world["other_desa"], category=world["landak_roads"])
    stale = cases[4]
    ticked = [*_tick(cases), f"{theirs.code}.1"]
    # Someone else acts on one of them after the list was loaded.
    services.aspiration_transition(actor=world["colleague"], case=stale, action="verify")
    data = {
        "kasus": ticked,
        "tindakan": "verifikasi-disposisi",
        "instansi": world["pupr"].pk,
        "daftar": "status=diterima",
    }
    confirm = world["client"].post(f"{QUEUE}massal/", data)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Ya, lakukan" in html
    assert all(services.display_code(c.code) in html for c in cases)
    assert services.display_code(theirs.code) in html  # named as not found, not listed
    assert Aspiration.objects.filter(status=Status.DISPOSED).count() == 0  # not yet
    before = AuditLog.objects.count()
    response = world["client"].post(f"{QUEUE}massal/", data | {"konfirmasi": "1"}, follow=True)
    assert response.redirect_chain[0][0] == f"{QUEUE}?status=diterima"
    message = [str(m) for m in response.context["messages"]][-1]
    assert "4 aspirasi berhasil, 2 dilewati" in message
    assert services.display_code(stale.code) in message
    assert services.display_code(theirs.code) in message
    for case in cases[:4]:
        case.refresh_from_db()
        assert case.status == Status.DISPOSED and case.office_id == world["pupr"].pk
    stale.refresh_from_db()
    assert stale.status == Status.VERIFIED  # left as the colleague made it
    rows = AuditLog.objects.order_by("pk")[before:]
    actions = sorted((r.target_id, r.action) for r in rows)
    expected = sorted(
        (str(c.pk), a) for c in cases[:4] for a in ("aspiration.verify", "aspiration.dispose")
    )
    assert actions == expected  # one row per step and case, none for skipped cases
    # The office is told about each case, as for a single referral.
    told = Notification.objects.filter(recipient=world["officer"], kind="aspiration.referred")
    assert told.count() == 4


def test_bulk_close_and_assign(world):
    spam = [world["case"](f"Iklan pinjaman cepat nomor {n}.") for n in range(2)]
    keep = world["case"]()
    client = world["client"]
    client.post(
        f"{QUEUE}massal/",
        {"kasus": _tick(spam), "tindakan": "tutup-spam", "konfirmasi": "1", "daftar": ""},
    )
    for case in spam:
        case.refresh_from_db()
        assert case.status == Status.CLOSED
        assert case.close_reason == Aspiration.CloseReason.SPAM
    response = client.post(
        f"{QUEUE}massal/",
        {
            "kasus": _tick([keep, spam[0]]),
            "tindakan": "tugaskan",
            "petugas": world["colleague"].pk,
            "konfirmasi": "1",
            "daftar": "",
        },
        follow=True,
    )
    keep.refresh_from_db()
    assert keep.assignee_id == world["colleague"].pk
    message = [str(m) for m in response.context["messages"]][-1]
    assert "1 aspirasi berhasil, 1 dilewati" in message  # the closed one
    assert Notification.objects.filter(
        recipient=world["colleague"], kind="aspiration.assigned"
    ).exists()
    assert AuditLog.objects.filter(action="aspiration.assign", target_id=str(keep.pk)).count() == 1


def test_bulk_needs_cases_an_action_and_its_target(world):
    case = world["case"]()
    client = world["client"]
    for data in (
        {"tindakan": "verifikasi"},
        {"kasus": _tick([case]), "tindakan": "hapus"},
        {"kasus": _tick([case]), "tindakan": "disposisi"},
        {"kasus": _tick([case]), "tindakan": "tugaskan", "petugas": "12345"},
    ):
        response = client.post(f"{QUEUE}massal/", data | {"konfirmasi": "1"})
        assert response.status_code == 302 and response["Location"] == QUEUE, data
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.assignee_id is None


def test_assign_only_to_an_officer_of_the_cases_side(world):
    case = world["case"]()
    outsider = UserFactory()
    with pytest.raises(ValidationError):
        desk_services.aspiration_assign(actor=world["admin"], case=case, officer=outsider)
    # PUPR's officer may take only cases referred to PUPR.
    with pytest.raises(ValidationError):
        desk_services.aspiration_assign(actor=world["admin"], case=case, officer=world["officer"])
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    services.aspiration_transition(
        actor=world["admin"], case=case, action="dispose", office=world["pupr"]
    )
    case.refresh_from_db()
    desk_services.aspiration_assign(actor=world["admin"], case=case, officer=world["officer"])
    case.refresh_from_db()
    assert case.assignee_id == world["officer"].pk
    with pytest.raises(PermissionDenied):
        desk_services.aspiration_assign(actor=outsider, case=case, officer=world["admin"])


# --- Query count ------------------------------------------------------------------------------


def _many(world, count: int) -> None:
    """``count`` cases straight into the table (the list reads them, nothing else)."""
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for n in range(count):
        code = f"{n:08d}".translate(str.maketrans("0123456789", "ACDEFGHJKM"))
        rows.append(
            Aspiration(
                code=code,
                kabupaten_id="61.07",
                region=world["desa_a"] if n % 2 else world["desa_b"],
                category=world["roads"] if n % 3 else world["water"],
                description=f"Jalan rusak nomor {n} di depan sekolah dasar.",
                status=Status.RECEIVED if n % 4 else Status.DISPOSED,
                office=None if n % 4 else world["pupr"],
                assignee=world["colleague"] if n % 5 == 0 else None,
                verify_due=today + datetime.timedelta(days=n % 7 - 3),
                answer_due=today + datetime.timedelta(days=n % 9 - 4),
                created_at=now - datetime.timedelta(minutes=n),
            )
        )
    Aspiration.objects.bulk_create(rows, batch_size=500)


SEARCHES = [
    {},
    {"cari": "jalan sekolah", "status": "terbuka", "kecamatan": "61.07.04", "urut": "tenggat"},
    {
        "cari": "rusak",
        "kategori": "{roads}",
        "instansi": "tanpa",
        "tenggat": "terlambat",
        "foto": "tidak",
        "saluran": "web",
        "visibilitas": "anonim",
        "petugas": "belum",
        "desa": "61.07.04.2001",
    },
]


def _queries(world, params) -> tuple[int, int]:
    params = {k: v.format(roads=world["roads"].pk) for k, v in params.items()}
    kabupaten_changed("61.07")  # the list worked out afresh, not the shared page kept
    with CaptureQueriesContext(connection) as captured:
        response = world["client"].get(QUEUE, params)
    assert response.status_code == 200
    assert response.context["page"].object_list, params  # a list, not an empty page
    return len(captured), len(response.context["page"].object_list)


def test_query_count_is_flat(world):
    _many(world, 10)
    world["client"].get(QUEUE)  # the session's first request loads more than the list
    for params in SEARCHES:  # the filters' choices are kept per process (a kecamatan's desa)
        _queries(world, params)
    few = [_queries(world, p)[0] for p in SEARCHES]
    Aspiration.objects.all().delete()
    _many(world, 1000)
    many = [_queries(world, p)[0] for p in SEARCHES]
    assert few == many, (few, many)
    assert max(many) <= QUERY_BOUND, many
