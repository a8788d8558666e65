"""Aspiration pages: the public form, tracking, the public list, staff pages and the KIM form."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jembatan.accounts.models import Office, User
from jembatan.aspirations import reporter, services
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.aspirations.tests.case_world import CaseWorld
from jembatan.testing.factories import AspirationFactory, OfficeFactory, region_chain, serve_tenant

pytestmark = pytest.mark.django_db

SUBMIT = "/aspirasi/kirim/"
TRACK = "/aspirasi/lacak/"
LIST = "/aspirasi/"
QUEUE = "/kelola/aspirasi/"

PHONE = "+6281234567890"
EMAIL = "budi.rahasia@example.test"
# Every way the reporter's contact could leak into a page.
CONTACT_TRACES = [PHONE, "081234567890", "0812-3456-7890", "1234567890", EMAIL, "budi.rahasia"]


def make_case(world: CaseWorld, **extra) -> Aspiration:
    """A public case from Sebalo in the world's "Jalan" category, sent through the service
    (AspirationFactory: its reporter's phone is PHONE, e-mail EMAIL)."""
    return AspirationFactory(**{"category": world.category} | extra)


def move(world: CaseWorld, case: Aspiration, *actions: str, office: Office | None = None):
    admin = world.users["admin"]
    for action in actions:
        case = services.aspiration_transition(
            actor=admin,
            case=case,
            action=action,
            office=office or world.office,
            reason=Aspiration.CloseReason.SPAM,
            body="Jawaban petugas untuk warga.",
        )
    return case


def form_data(world: CaseWorld, **extra) -> dict:
    return {
        "category": world.category.pk,
        "region": world.village.code,
        "description": "Lampu jalan di RT 04 mati sejak seminggu.",
        "reporter_name": "Siti Aminah",
        "reporter_phone": "0812 3456 7890",
        "reporter_email": "",
        "visibility": "anonim",
        "website": "",
    } | extra


def text(response) -> str:
    return response.content.decode()


def private_link(response) -> str:
    return re.search(r'id="private-link"[^>]*>([^<]+)<', text(response)).group(1)


def as_reporter(case: Aspiration, client: Client | None = None) -> Client:
    """A browser that opened the case's private link."""
    client = client or Client()
    key = getattr(case, "reporter_key", None) or reporter.reporter_key_issue(case=case)
    response = client.get(f"/aspirasi/{case.code}/?k={key}")
    assert response.status_code == 302
    return client


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 90)).save(out, "JPEG")
    return out.getvalue()


# --- The public form --------------------------------------------------------------------


def test_the_form_offers_this_kabupatens_categories_only(client, world):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    body = text(response)
    for name in ("category", "region", "description", "reporter_phone", "visibility", "website"):
        assert f'name="{name}"' in body
    assert "Jalan" in body and "Kesehatan" in body
    assert "Jembatan" not in body.split('name="category"')[1].split("</select>")[0]


def test_a_submission_shows_the_code_and_the_private_link_then_the_case(client, world):
    response = client.post(SUBMIT, form_data(world))
    assert response.status_code == 302
    case = Aspiration.objects.get()
    assert response["Location"] == f"/aspirasi/{case.code}/terkirim/"
    assert (case.channel, case.reporter_phone, case.visibility) == ("web", PHONE, "anonim")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert services.display_code(case.code) in text(page)
    link = private_link(page)
    assert f"/aspirasi/{case.code}/?k=" in link
    assert reporter.key_matches(case, link.split("k=")[1])
    page = client.get(f"/aspirasi/{case.code}/")
    assert "Lampu jalan di RT 04" in text(page)
    assert f"/aspirasi/{case.code}/tambahan/" in text(page)  # this browser is the reporter
    # Another browser with the code only reads.
    other = Client()
    assert f"/aspirasi/{case.code}/tambahan/" not in text(other.get(f"/aspirasi/{case.code}/"))
    assert other.get(f"/aspirasi/{case.code}/terkirim/").status_code == 302


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reporter_phone": "", "reporter_email": ""}, "Tulis nomor HP atau email"),
        ({"reporter_phone": "12345"}, "Nomor telepon tidak valid"),
        ({"description": "pendek"}, "paling sedikit 10 huruf"),
        ({"region": "61.04.05.2001"}, "Wilayah tidak ditemukan"),
    ],
)
def test_an_invalid_submission_is_answered_400_with_the_error(client, world, extra, message):
    response = client.post(SUBMIT, form_data(world, **extra))
    assert response.status_code == 400
    assert message in text(response)
    assert not Aspiration.objects.exists()


def test_a_category_of_another_kabupaten_is_not_a_choice(client, world):
    response = client.post(SUBMIT, form_data(world, category=world.category_b.pk))
    assert response.status_code == 400
    assert response.context["form"].has_error("category")
    assert not Aspiration.objects.exists()


def test_a_category_switched_off_is_refused_at_once_although_the_form_caches_categories(
    client, world
):
    assert client.post(SUBMIT, form_data(world)).status_code == 302  # fills the copy
    world.category.is_active = False
    world.category.save(update_fields=["is_active"])
    response = client.post(SUBMIT, form_data(world, description="Kiriman kedua, kategori mati."))
    assert response.status_code == 400
    assert response.context["form"].has_error("category")
    assert Aspiration.objects.count() == 1


def test_a_category_and_a_desa_added_after_the_form_was_used_are_accepted(client, world):
    assert client.post(SUBMIT, form_data(world)).status_code == 302
    fresh = Category.objects.create(kabupaten=world.kabupaten, name="Air bersih")
    desa = region_chain("61.07.05.2099", "Desa Baru")
    response = client.post(
        SUBMIT,
        form_data(world, category=fresh.pk, region=f"{desa.name} ({desa.code})"),
    )
    assert response.status_code == 302
    case = Aspiration.objects.get(category=fresh)
    assert case.region_id == "61.07.05.2099"


def test_a_kecamatan_code_is_not_a_desa_even_from_the_cached_list(client, world):
    response = client.post(SUBMIT, form_data(world, region="61.07.04"))
    assert response.status_code == 400
    assert "Wilayah tidak ditemukan" in text(response)
    assert not Aspiration.objects.exists()


def test_a_non_image_photo_is_refused_with_the_form(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(world) | {
        "photos": [SimpleUploadedFile("x.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")]
    }
    response = client.post(SUBMIT, data)
    assert response.status_code == 400
    assert "bukan gambar" in text(response)
    assert not Aspiration.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_five_photos_are_refused_with_the_form(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg(), content_type="image/jpeg") for i in range(5)]
    response = client.post(SUBMIT, form_data(world) | {"photos": photos})
    assert response.status_code == 400
    assert "Paling banyak 4 foto" in text(response)
    assert not Aspiration.objects.exists()


def test_a_form_sent_twice_with_its_client_id_makes_one_case(client, world):
    data = form_data(world, client_id="a1b2c3d4-e5f6-4711-8899-aabbccddeeff")
    first = client.post(SUBMIT, data)
    again = client.post(SUBMIT, data | {"description": "Kiriman ulang setelah sinyal hilang."})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    case = Aspiration.objects.get()
    assert case.description.startswith("Lampu jalan")


def test_the_longest_client_id_the_form_accepts_is_stored(client, world):
    # The form accepts 60 characters; the stored id must hold them with their prefix.
    assert client.post(SUBMIT, form_data(world, client_id="a" * 61)).status_code == 400
    response = client.post(SUBMIT, form_data(world, client_id="a" * 60))
    assert response.status_code == 302
    case = Aspiration.objects.get()
    again = client.post(SUBMIT, form_data(world, client_id="a" * 60))
    assert again["Location"] == f"/aspirasi/{case.code}/terkirim/"
    assert Aspiration.objects.count() == 1
    # The retry got a fresh key of its own, and the first one still works.
    assert case.reporter_keys.count() == 2


def test_the_honeypot_keeps_nothing(client, world):
    response = client.post(SUBMIT, form_data(world, website="http://murah.example"))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Aspiration.objects.exists()
    assert not CaseEvent.objects.exists()


# --- Tracking ---------------------------------------------------------------------------


def test_tracking_finds_a_case_however_the_code_is_typed(client, world):
    case = make_case(world)
    shown = services.display_code(case.code)
    for typed in (case.code, shown, shown.lower(), f" asp {shown.lower()} ", case.code.lower()):
        response = client.get(TRACK, {"code": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"/aspirasi/{case.code}/"


def test_an_unknown_code_is_404_with_a_message(client, world):
    make_case(world)
    response = client.get(TRACK, {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "Kode lacak ini tidak ditemukan" in text(response)


def test_the_empty_tracking_form(client, world):
    response = client.get(TRACK)
    assert response.status_code == 200
    assert 'name="code"' in text(response)


def test_after_twenty_unknown_codes_even_a_valid_code_is_refused(client, world):
    case = make_case(world)
    for i in range(20):
        response = client.get(TRACK, {"code": f"ZZZZZZ{services.CODE_ALPHABET[i]}Z"})
        assert response.status_code == 404, i
    response = client.get(TRACK, {"code": case.code})
    assert response.status_code == 429
    assert "Terlalu banyak pencarian" in text(response)
    # Guessing by address is no way around it.
    assert client.get(f"/aspirasi/{case.code}/").status_code == 429
    # Another visitor still finds it.
    assert client.get(TRACK, {"code": case.code}, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_unknown_codes_in_the_address_count_against_the_lookup_limit(client, world):
    case = make_case(world)
    for i in range(20):
        response = client.get(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/")
        assert response.status_code == 404, i
    response = client.get(TRACK, {"code": case.code})
    assert response.status_code == 429


def test_opening_a_known_case_page_is_not_a_guess(client, world):
    # A citizen reloading their own case, or a visitor reading cases from the public list,
    # is not guessing codes: only lookups and unknown codes count against the limit.
    case = make_case(world)
    for i in range(25):
        assert client.get(f"/aspirasi/{case.code}/").status_code == 200, i
    assert client.get(TRACK, {"code": case.code}).status_code == 302


# --- The public list and case page ------------------------------------------------------


@pytest.fixture
def public_cases(world):
    return {
        "public": make_case(world, description="KASUS-PUBLIK jalan berlubang besar."),
        "anonymous": make_case(
            world,
            description="KASUS-ANONIM lampu padam di simpang.",
            visibility="anonim",
            reporter_name="Siti Rahmawati",
        ),
        "confidential": make_case(
            world,
            description="KASUS-RAHASIA pungutan liar di kantor desa.",
            visibility="rahasia",
            reporter_name="Yohanes Rahasia",
        ),
        "spam": move(
            world, make_case(world, description="KASUS-SPAM beli obat murah sekarang."), "close"
        ),
        "duplicate": services.aspiration_transition(
            actor=world.users["admin"],
            case=make_case(world, description="KASUS-DUPLIKAT jalan berlubang juga."),
            action="close",
            reason=Aspiration.CloseReason.DUPLICATE,
        ),
        "other_kecamatan": make_case(
            world,
            description="KASUS-KECAMATAN-LAIN puskesmas tutup.",
            region=world.other_village,
            category=world.other_category,
        ),
        "verified": move(
            world, make_case(world, description="KASUS-TERVERIFIKASI drainase tersumbat."), "verify"
        ),
        "other_kabupaten": make_case(
            world,
            description="KASUS-MEMPAWAH jembatan rusak parah.",
            region=world.village_b,
            category=world.category_b,
        ),
    }


def listed(response) -> set[str]:
    """Which of the public_cases a page lists, by the marker in their descriptions."""
    body = text(response)
    return {name for name in MARKERS if f"KASUS-{name}" in body}


MARKERS = [
    "PUBLIK",
    "ANONIM",
    "RAHASIA",
    "SPAM",
    "DUPLIKAT",
    "KECAMATAN-LAIN",
    "TERVERIFIKASI",
    "MEMPAWAH",
]
ALL_LISTED = {"PUBLIK", "ANONIM", "DUPLIKAT", "KECAMATAN-LAIN", "TERVERIFIKASI"}


def test_the_public_list_shows_public_and_anonymous_cases_of_the_hub_only(client, public_cases):
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == ALL_LISTED
    body = text(response)
    assert "Budi Santoso" in body  # public: with the reporter's name
    assert "Siti Rahmawati" not in body  # anonymous: without
    assert "Yohanes Rahasia" not in body
    assert "Warga ·" in body
    for trace in CONTACT_TRACES:
        assert trace not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kecamatan": "61.07.05"}, {"KECAMATAN-LAIN"}),
        ({"kecamatan": "61.07.04"}, ALL_LISTED - {"KECAMATAN-LAIN"}),
        ({"status": "diverifikasi"}, {"TERVERIFIKASI"}),
        ({"status": "ditutup"}, {"DUPLIKAT"}),
        ({"kategori": "other"}, {"KECAMATAN-LAIN"}),
        # Values that are not choices are ignored, not errors.
        ({"kecamatan": "61.04.05"}, ALL_LISTED),
        ({"kategori": "abc", "status": "palsu"}, ALL_LISTED),
    ],
)
def test_the_public_list_filters(client, world, public_cases, params, expected):
    if params.get("kategori") == "other":
        params = {"kategori": str(world.other_category.pk)}
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert listed(response) == expected


def test_no_public_page_shows_the_reporters_contact(client, world, public_cases):
    pages = [LIST, SUBMIT, TRACK, f"{LIST}?status=diterima"]
    pages += [
        f"/aspirasi/{case.code}/"
        for name, case in public_cases.items()
        if name != "other_kabupaten"  # (on its own tenant's host: not found here)
    ]
    assert client.get(f"/aspirasi/{public_cases['other_kabupaten'].code}/").status_code == 404
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = text(response)
        for trace in CONTACT_TRACES:
            assert trace not in body, (url, trace)


def test_a_confidential_case_page_shows_the_status_but_not_the_description(client, public_cases):
    case = public_cases["confidential"]
    response = client.get(f"/aspirasi/{case.code}/")
    assert response.status_code == 200
    body = text(response)
    assert "KASUS-RAHASIA" not in body
    assert "Yohanes" not in body
    assert "Diterima" in body
    assert "rahasia" in body.lower()


def test_the_case_page_hides_internal_notes_and_follow_ups(client, world):
    case = move(world, make_case(world), "verify", "dispose")
    services.aspiration_comment(
        actor=world.users["officer"], case=case, body="JAWABAN-UNTUK-WARGA", public=True
    )
    services.aspiration_comment(
        actor=world.users["officer"], case=case, body="CATATAN-DALAM-ANGGARAN", public=False
    )
    reporter_client = as_reporter(case)
    response = reporter_client.post(
        f"/aspirasi/{case.code}/tambahan/", {"body": "TAMBAHAN-DARI-WARGA rumah saya nomor 7"}
    )
    assert response.status_code == 302
    assert case.events.filter(kind="tambahan", is_public=False).count() == 1
    # The reporter sees their own follow-up, never the internal note.
    mine = text(reporter_client.get(f"/aspirasi/{case.code}/"))
    assert "TAMBAHAN-DARI-WARGA" in mine and "CATATAN-DALAM-ANGGARAN" not in mine

    body = text(client.get(f"/aspirasi/{case.code}/"))
    assert "JAWABAN-UNTUK-WARGA" in body
    assert "CATATAN-DALAM-ANGGARAN" not in body
    assert "TAMBAHAN-DARI-WARGA" not in body
    assert "Dinas PUPR" in body  # the office handling it is public
    # Staff see all three.
    client.force_login(world.users["admin"])
    staff = text(client.get(f"{QUEUE}{case.code}/"))
    for marker in ("JAWABAN-UNTUK-WARGA", "CATATAN-DALAM-ANGGARAN", "TAMBAHAN-DARI-WARGA"):
        assert marker in staff


def test_a_follow_up_on_a_closed_case_is_refused(client, world):
    case = move(world, make_case(world), "close")
    client = as_reporter(case)
    page = text(client.get(f"/aspirasi/{case.code}/"))
    assert f"/aspirasi/{case.code}/tambahan/" not in page
    response = client.post(f"/aspirasi/{case.code}/tambahan/", {"body": "Tolong buka lagi."})
    assert response.status_code == 302
    assert not case.events.filter(kind="tambahan").exists()
    assert "sudah ditutup" in text(client.get(response["Location"]))


def test_the_citizen_confirms_or_disputes_an_answer(client, world):
    case = move(world, make_case(world), "verify", "dispose", "finish")
    assert 'name="accept"' not in text(client.get(f"/aspirasi/{case.code}/"))
    client = as_reporter(case)
    assert 'name="accept"' in text(client.get(f"/aspirasi/{case.code}/"))
    url = f"/aspirasi/{case.code}/tanggapan/"
    # A rating out of range is refused by the form.
    client.post(url, {"accept": "1", "rating": "9"})
    case.refresh_from_db()
    assert (case.citizen_confirmed, case.rating) == (None, None)
    response = client.post(url, {"accept": "0", "rating": "2", "body": "Masih rusak."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert "Masih rusak." in text(client.get(f"/aspirasi/{case.code}/"))


def test_unknown_codes_on_citizen_posts_are_404(client, world):
    for url in ("/aspirasi/ZZZZZZZZ/tambahan/", "/aspirasi/ZZZZZZZZ/tanggapan/"):
        assert client.post(url, {"body": "Halo petugas", "accept": "1"}).status_code == 404


# --- Staff pages ------------------------------------------------------------------------


@pytest.fixture
def staff_cases(world):
    return {
        # Sebalo (kecamatan 61.07.04, kim-a), assigned to Dinas PUPR.
        "sebalo": move(
            world, make_case(world, description="Jalan Sebalo berlubang"), "verify", "dispose"
        ),
        # Kecamatan 61.07.05, confidential, assigned to Dinas Kesehatan.
        "secret": move(
            world,
            make_case(
                world,
                description="Rahasia Lembah Bawang",
                visibility="rahasia",
                region=world.other_village,
                category=world.other_category,
            ),
            "verify",
            "dispose",
            office=world.other_office,
        ),
        # Not yet assigned.
        "new": make_case(world, description="Baru di Sebalo hari ini"),
        "mempawah": make_case(
            world,
            description="Mempawah jembatan rusak",
            region=world.village_b,
            category=world.category_b,
        ),
    }


def user_for(world: CaseWorld, who: str) -> User:
    kims = {
        "kim_a_member": world.tenants.a.member,
        "kim_b_member": world.tenants.b.member,
        "outsider": world.tenants.a.outsider,
    }
    return kims.get(who) or world.users[who]


VISIBLE = {
    "admin": {"sebalo", "secret", "new"},
    "admin_b": {"mempawah"},
    "camat": {"sebalo", "new"},
    "officer": {"sebalo"},
    "other_officer": {"secret"},
    "kim_a_member": {"sebalo", "new"},
    "kim_b_member": {"mempawah"},
    "outsider": set(),
}


@pytest.mark.parametrize("who", list(VISIBLE))
def test_each_role_sees_its_own_cases_in_the_queue_and_no_others(
    client, world, staff_cases, who, settings
):
    if who == "admin_b":
        # Mempawah's staff work on Mempawah's host (on Bengkayang's they act for Bengkayang).
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
        serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
        client.defaults["HTTP_HOST"] = "mempawah.test"
    client.force_login(user_for(world, who))
    response = client.get(QUEUE)
    assert response.status_code == 200
    body = text(response)
    shown = {name for name, case in staff_cases.items() if services.display_code(case.code) in body}
    assert shown == VISIBLE[who]
    for name, case in staff_cases.items():
        detail = client.get(f"{QUEUE}{case.code}/")
        assert detail.status_code == (200 if name in VISIBLE[who] else 404), name


def test_an_opd_officer_opening_another_opds_confidential_case_gets_404(client, world, staff_cases):
    client.force_login(world.users["officer"])
    case = staff_cases["secret"]
    response = client.get(f"{QUEUE}{case.code}/")
    assert response.status_code == 404
    assert "Rahasia Lembah" not in text(response)
    # Nor can they act on it or write on it.
    assert client.post(f"{QUEUE}{case.code}/tindakan/", {"action": "start"}).status_code == 404
    assert (
        client.post(f"{QUEUE}{case.code}/tulis/", {"body": "x", "public": "on"}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == Status.DISPOSED
    assert not case.events.filter(kind__in=["jawaban", "catatan"]).exists()


def test_the_staff_queue_needs_a_login(client, world, staff_cases):
    for url in (QUEUE, f"{QUEUE}{staff_cases['sebalo'].code}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")


def test_the_queue_filters_by_status(client, world, staff_cases):
    client.force_login(world.users["admin"])
    body = text(client.get(QUEUE, {"status": "diterima"}))
    assert services.display_code(staff_cases["new"].code) in body
    assert services.display_code(staff_cases["sebalo"].code) not in body


@pytest.mark.parametrize(
    ("who", "sees_contact"),
    [("admin", True), ("officer", False), ("camat", False), ("kim_a_member", False)],
)
def test_only_diskominfo_sees_the_reporter_of_a_web_case(
    client, world, staff_cases, who, sees_contact
):
    client.force_login(user_for(world, who))
    response = client.get(f"{QUEUE}{staff_cases['sebalo'].code}/")
    assert response.status_code == 200
    body = text(response)
    assert "Jalan Sebalo" in body
    assert (PHONE in body) is sees_contact
    assert (EMAIL in body) is sees_contact
    assert ("Budi Santoso" in body) is sees_contact
    assert ("Identitas pelapor hanya dilihat" in body) is not sees_contact


def test_staff_actions_through_the_page(client, world, staff_cases):
    case = staff_cases["new"]
    url = f"{QUEUE}{case.code}/tindakan/"
    # An OPD officer may not verify or dispose.
    client.force_login(world.users["officer"])
    assert client.get(f"{QUEUE}{staff_cases['sebalo'].code}/").status_code == 200
    sebalo = staff_cases["sebalo"]
    response = client.post(
        f"{QUEUE}{sebalo.code}/tindakan/", {"action": "dispose", "office": world.other_office.pk}
    )
    assert response.status_code == 403
    sebalo.refresh_from_db()
    assert sebalo.office == world.office
    # Diskominfo verifies; a second verify is refused with the state in the message.
    client.force_login(world.users["admin"])
    assert client.post(url, {"action": "verify"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.VERIFIED
    response = client.post(url, {"action": "verify"}, follow=True)
    assert "tidak berlaku untuk aspirasi berstatus “Diverifikasi”" in text(response)
    assert case.events.filter(to_status=Status.VERIFIED).count() == 1
    # An office of another kabupaten is not a choice.
    other = OfficeFactory(kabupaten=region_chain("61.04"), name="Dinas Mempawah")
    client.post(url, {"action": "dispose", "office": other.pk})
    case.refresh_from_db()
    assert (case.status, case.office) == (Status.VERIFIED, None)


# --- A KIM records for a neighbour ------------------------------------------------------


def record_url(slug: str) -> str:
    return f"/kelola/kim/{slug}/aspirasi/baru/"


def test_a_kim_member_records_for_a_neighbour(client, world):
    member = world.tenants.a.member
    client.force_login(member)
    page = client.get(record_url("kim-a"))
    assert page.status_code == 200
    assert "Sebalo" in text(page)
    assert record_url("kim-a") in text(client.get(QUEUE))
    response = client.post(
        record_url("kim-a"),
        form_data(
            world,
            region=world.village.pk,
            reporter_phone="0813 1111 2222",
            reporter_name="Pak Tetangga",
        ),
    )
    assert response.status_code == 302
    case = Aspiration.objects.get()
    assert response["Location"] == f"{QUEUE}{case.code}/"
    assert (case.channel, case.kim, case.recorded_by) == ("kim", world.tenants.a.kim, member)
    # The recording KIM sees the neighbour's contact; the camat does not.
    detail = text(client.get(response["Location"]))
    assert "+6281311112222" in detail and "Pak Tetangga" in detail
    client.force_login(world.users["camat"])
    assert "+6281311112222" not in text(client.get(response["Location"]))


def test_a_kim_records_without_contact(client, world):
    client.force_login(world.tenants.a.owner)
    response = client.post(
        record_url("kim-a"),
        form_data(world, region=world.village.pk, reporter_phone="", reporter_name=""),
    )
    assert response.status_code == 302
    assert Aspiration.objects.get().reporter_phone == ""


def test_a_kim_cannot_record_outside_its_area(client, world):
    client.force_login(world.tenants.a.member)
    response = client.post(record_url("kim-a"), form_data(world, region=world.other_village.pk))
    assert response.status_code == 200
    assert response.context["form"].has_error("region")
    assert not Aspiration.objects.exists()


@pytest.mark.parametrize("who", ["kim_b_member", "outsider", "officer"])
def test_others_cannot_record_for_kim_a(client, world, who):
    client.force_login(user_for(world, who))
    assert client.get(record_url("kim-a")).status_code == 403
    response = client.post(record_url("kim-a"), form_data(world, region=world.village.pk))
    assert response.status_code == 403
    assert not Aspiration.objects.exists()


# --- CSRF -------------------------------------------------------------------------------


def test_public_posts_need_a_csrf_token(world):
    case = move(world, make_case(world), "verify", "dispose", "finish")
    client = Client(enforce_csrf_checks=True)
    assert client.post(SUBMIT, form_data(world)).status_code == 403
    assert client.post(f"/aspirasi/{case.code}/tambahan/", {"body": "Tambahan"}).status_code == 403
    assert client.post(f"/aspirasi/{case.code}/tanggapan/", {"accept": "1"}).status_code == 403
    assert Aspiration.objects.count() == 1
    case.refresh_from_db()
    assert case.citizen_confirmed is None
    assert not case.events.filter(kind="tambahan").exists()
    # With the token from the form, the same post goes through.
    client.get(SUBMIT)
    token = client.cookies["csrftoken"].value
    response = client.post(SUBMIT, form_data(world) | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Aspiration.objects.count() == 2


def test_staff_and_kim_posts_need_a_csrf_token(world):
    case = make_case(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    assert client.post(f"{QUEUE}{case.code}/tindakan/", {"action": "verify"}).status_code == 403
    response = client.post(f"{QUEUE}{case.code}/tulis/", {"body": "Catatan", "public": "on"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.events.count() == 1
    client.force_login(world.tenants.a.member)
    response = client.post(record_url("kim-a"), form_data(world, region=world.village.pk))
    assert response.status_code == 403
    assert Aspiration.objects.count() == 1


# --- What a villager stumbled on in the outside pass -------------------------------------

SUBMIT_URL = "/aspirasi/kirim/"


def jpeg_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("jalan.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_without_script_a_double_tap_makes_one_case(world):
    client = Client()
    page = text(client.get(SUBMIT_URL))
    client_id = re.search(r'name="client_id" value="([0-9a-f]{32})"', page).group(1)
    data = form_data(world, client_id=client_id)
    first = client.post(SUBMIT_URL, data)
    second = client.post(SUBMIT_URL, data)
    assert first.status_code == second.status_code == 302
    assert Aspiration.objects.count() == 1
    # Two visitors get two ids.
    assert client_id not in text(Client().get(SUBMIT_URL))


def test_a_form_error_says_the_photo_must_be_chosen_again_and_lists_errors_on_top(world):
    response = Client().post(
        SUBMIT_URL, form_data(world, reporter_phone="08l2 3456 789O") | {"photos": jpeg_upload()}
    )
    page = text(response)
    assert response.status_code == 400
    summary = page.index('id="error-summary"')
    assert summary < re.search(r'<textarea[^>]*name="description"', page).start()
    assert "pilih fotonya lagi" in page
    assert Aspiration.objects.count() == 0


def test_the_success_page_says_which_village_was_understood(world):
    client = Client()
    response = client.post(SUBMIT_URL, form_data(world, region="Desa Sebalo"), follow=True)
    page = text(response)
    assert world.village.name in page and "Kecamatan" in page


@pytest.mark.parametrize(
    ("visibility", "says"),
    [
        ("publik", "nama Anda tampil"),
        ("anonim", "tanpa nama Anda"),
        ("rahasia", "tidak tampil untuk umum"),
    ],
)
def test_the_data_page_matches_the_choice(world, visibility, says):
    client = Client()
    response = client.post(SUBMIT_URL, form_data(world, visibility=visibility), follow=True)
    link = private_link(response)
    client.get(link)
    case = Aspiration.objects.get()
    page = text(client.get(f"/aspirasi/{case.code}/data-saya/"))
    assert says in page
    assert "KIM yang mencatat" not in page  # no KIM recorded this one


def test_home_offers_the_aspiration_form_at_the_top(world):
    page = text(Client().get("/"))
    hero = page[page.index('class="hero"') : page.index("</section>", page.index('class="hero"'))]
    assert "/aspirasi/kirim/" in hero


def test_messages_are_announced_with_valid_markup(world):
    client = Client()
    response = client.post(SUBMIT_URL, form_data(world), follow=True)
    page = text(response)
    if 'class="messages"' in page:
        assert '<div role="status"><ul class="messages">' in page
    assert '<ul class="messages" role="status">' not in page
