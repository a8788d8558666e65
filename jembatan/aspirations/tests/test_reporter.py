"""The reporter's key: the public tracking code reads, only the key (or the KIM that
recorded the case) acts; one lookup limit for every route keyed by a code; the case
page in a citizen's words."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jembatan.aspirations import reporter, services
from jembatan.aspirations.models import Aspiration, ReporterKey
from jembatan.aspirations.tests.test_views import PHONE, as_reporter, make_case, move, text
from jembatan.communities.models import KimMembership
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

CITIZEN_POSTS = [
    ("tambahan/", {"body": "Rumah saya nomor 7"}),
    ("tanggapan/", {"accept": "1", "rating": "1"}),
    ("data-saya/", {"confirm": "1"}),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def jpeg_file() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 90)).save(out, "JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize(("path", "data"), CITIZEN_POSTS)
def test_the_tracking_code_alone_changes_nothing(client, world, path, data):
    case = move(world, make_case(world), "verify", "dispose", "finish")
    before = (case.events.count(), case.rating, case.citizen_confirmed)
    response = client.post(f"/aspirasi/{case.code}/{path}", data)
    assert response.status_code == 403
    assert "tautan pribadi" in text(response)
    case.refresh_from_db()
    assert (case.events.count(), case.rating, case.citizen_confirmed) == before
    assert case.reporter_phone == PHONE


def test_with_the_key_the_reporter_acts_and_the_key_leaves_the_address(world):
    case = move(world, make_case(world), "verify", "dispose", "finish")
    client = Client()
    key = reporter.reporter_key_issue(case=case)
    opened = client.get(f"/aspirasi/{case.code}/?k={key}")
    assert opened.status_code == 302 and opened["Location"] == f"/aspirasi/{case.code}/"
    response = client.post(f"/aspirasi/{case.code}/tanggapan/", {"accept": "1", "rating": "4"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.citizen_confirmed, case.rating) == (True, 4)


def test_the_whole_private_link_pasted_into_the_form_works(world):
    case = make_case(world)
    client = Client()
    link = f"https://jembatan.example/aspirasi/{case.code}/?k={case.reporter_key}"
    client.get(f"/aspirasi/{case.code}/", {"k": link})
    assert client.get(f"/aspirasi/{case.code}/data-saya/").status_code == 200


def test_a_wrong_key_is_refused_and_counts_as_a_guess(client, world):
    case = make_case(world)
    other = make_case(world)
    first = client.get(f"/aspirasi/{case.code}/", {"k": other.reporter_key}, follow=True)
    assert "tidak berlaku" in text(first) and 'name="accept"' not in text(first)
    assert f"/aspirasi/{case.code}/tambahan/" not in text(first)
    for _ in range(20):
        client.get(f"/aspirasi/{case.code}/", {"k": "tebakan"})
    assert client.get(f"/aspirasi/{case.code}/data-saya/").status_code == 429
    assert client.get(f"/aspirasi/{case.code}/", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_kim_that_recorded_a_case_acts_for_the_neighbour(client, world):
    kim = world.tenants.a.kim
    member = UserFactory()
    KimMembership.objects.create(user=member, kim=kim, position="anggota")
    recorder = UserFactory()
    KimMembership.objects.create(user=recorder, kim=kim, position="anggota")
    case = make_case(
        world,
        channel=Aspiration.Channel.KIM,
        kim=kim,
        actor=recorder,
        reporter_phone="",
        reporter_email="",
    )
    case = move(world, case, "verify", "dispose", "finish")
    url = f"/aspirasi/{case.code}/tanggapan/"
    # Diskominfo sees the case in its workspace, but is not the citizen.
    client.force_login(world.users["admin"])
    assert client.post(url, {"accept": "1", "rating": "5"}).status_code == 403
    client.force_login(member)
    page = text(client.get(f"/aspirasi/{case.code}/"))
    assert 'name="accept"' in page
    assert client.post(url, {"accept": "1", "rating": "5"}).status_code == 302
    case.refresh_from_db()
    assert case.rating == 5


@pytest.mark.parametrize(("path", "data"), CITIZEN_POSTS)
def test_over_the_lookup_limit_every_code_route_answers_alike(client, world, path, data):
    case = make_case(world)
    for i in range(21):
        client.get(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/")
    known = client.post(f"/aspirasi/{case.code}/{path}", data)
    unknown = client.post(f"/aspirasi/ZZZZZZZZ/{path}", data)
    assert known.status_code == unknown.status_code == 429
    assert client.get(f"/aspirasi/{case.code}/terkirim/").status_code == 429


def test_unknown_codes_on_posts_count_against_the_same_limit(client, world):
    case = make_case(world)
    for i in range(21):
        client.post(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/tambahan/", {"body": "x"})
    assert client.get(f"/aspirasi/{case.code}/").status_code == 429


# --- The case page in a citizen's words ---------------------------------------------------


def test_the_case_page_speaks_a_citizens_words_and_puts_the_latest_answer_first(client, world):
    case = move(world, make_case(world), "verify", "dispose")
    page = text(client.get(f"/aspirasi/{case.code}/"))
    assert "Diteruskan ke Dinas PUPR" in page
    assert "Didisposisikan" not in page
    officer = world.users["officer"]
    services.aspiration_comment(actor=officer, case=case, body="JAWABAN-PERTAMA", public=True)
    services.aspiration_comment(actor=officer, case=case, body="JAWABAN-KEDUA", public=True)
    page = text(client.get(f"/aspirasi/{case.code}/"))
    top, history = page.split('id="answer-title"')[1].split(">Riwayat<")
    assert "JAWABAN-KEDUA" in top and "JAWABAN-PERTAMA" not in top
    assert "JAWABAN-PERTAMA" in history


def test_notes_not_made_public_never_show(client, world):
    case = move(world, make_case(world), "verify")
    services.aspiration_comment(
        actor=world.users["admin"], case=case, body="CATATAN-DALAM", public=False
    )
    for visitor in (client, as_reporter(case)):
        assert "CATATAN-DALAM" not in text(visitor.get(f"/aspirasi/{case.code}/"))


def test_the_reporters_photos_show_only_to_the_reporter(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {
        "region": world.village,
        "category": world.category,
        "description": "Jalan berlubang di depan SD Negeri 2.",
        "reporter_phone": PHONE,
    }
    case, _ = services.aspiration_submit(data=data, photos=[jpeg_file()])
    url = case.photos.get().file.url
    assert url not in text(Client().get(f"/aspirasi/{case.code}/"))
    mine = text(as_reporter(case).get(f"/aspirasi/{case.code}/"))
    assert url in mine and "Foto Anda" in mine


def test_a_reporter_with_a_phone_only_is_told_how_updates_reach_them(world, settings):
    case = make_case(world, reporter_email="")
    settings.SMS_GATEWAY_URL = ""
    page = text(as_reporter(case).get(f"/aspirasi/{case.code}/"))
    assert "Kami tidak mengirim SMS" in page and "+62812****7890" in page
    settings.SMS_GATEWAY_URL = "http://gateway.invalid/send"
    page = text(as_reporter(case).get(f"/aspirasi/{case.code}/"))
    assert "lewat SMS ke nomor +62812****7890" in page
    assert "tidak mengirim SMS" not in text(Client().get(f"/aspirasi/{case.code}/"))


# --- Messages and existing cases ----------------------------------------------------------


def test_the_receipt_mail_carries_the_private_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(world)
    body = mail.outbox[0].body
    key = body.split(f"/aspirasi/{case.code}/?k=")[1].split()[0]
    assert reporter.key_matches(case, key)


def test_existing_cases_get_keys_and_their_reporters_the_link(
    world, django_capture_on_commit_callbacks
):
    with_mail = make_case(world)
    without_contact = make_case(world, reporter_phone="", reporter_email="", channel="kim")
    ReporterKey.objects.all().delete()  # as before the migration
    migration = importlib.import_module("jembatan.aspirations.migrations.0005_issue_reporter_keys")
    migration.issue(django_apps, None)
    assert ReporterKey.objects.filter(aspiration=with_mail, deliver=True).count() == 1
    assert ReporterKey.objects.filter(aspiration=without_contact, deliver=False).count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reporter.deliver_pending_keys() == 1
    assert reporter.deliver_pending_keys() == 0  # once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [with_mail.reporter_email]
    link = mail.outbox[0].body.split(f"/aspirasi/{with_mail.code}/?k=")[1].split()[0]
    client = Client()
    client.get(f"/aspirasi/{with_mail.code}/", {"k": link})
    assert client.get(f"/aspirasi/{with_mail.code}/data-saya/").status_code == 200


def test_the_command_sends_every_pending_link_once(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    cases = [make_case(world, description=f"Jalan rusak nomor {n}") for n in range(3)]
    ReporterKey.objects.all().delete()
    importlib.import_module("jembatan.aspirations.migrations.0005_issue_reporter_keys").issue(
        django_apps, None
    )
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reporter_links", stdout=out)
    assert out.getvalue().strip() == "3"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.reporter_email for c in cases)
    call_command("send_reporter_links", stdout=io.StringIO())
    assert len(mail.outbox) == 3


def test_open311_and_the_api_share_the_web_pages_lookup_limit(client, world, settings):
    case = make_case(world)
    assert client.get(f"/open311/v2/requests/{case.code}.json").status_code == 200
    assert client.get(f"/api/v1/aspirasi/{case.code}/").status_code == 200
    # Guesses spread over the three doors fill one bucket.
    for i in range(7):
        client.get(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/")
        client.get(f"/open311/v2/requests/ZZZZZZ{services.CODE_ALPHABET[i]}Y.json")
        client.get(f"/api/v1/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}X/")
    assert client.get(f"/open311/v2/requests/{case.code}.json").status_code == 429
    assert client.get(f"/api/v1/aspirasi/{case.code}/").status_code == 429
    assert client.get(f"/aspirasi/{case.code}/").status_code == 429


def test_a_kim_member_acting_for_a_neighbour_is_on_record(client, world):
    from jembatan.accounts.audit import audit_for

    kim = world.tenants.a.kim
    member = UserFactory()
    KimMembership.objects.create(user=member, kim=kim, position="anggota")
    case = make_case(world, channel="kim", kim=kim, reporter_phone="", reporter_email="")
    case = move(world, case, "verify", "dispose", "finish")
    client.force_login(member)
    client.post(f"/aspirasi/{case.code}/tanggapan/", {"accept": "0", "body": "Belum beres"})
    client.post(f"/aspirasi/{case.code}/tambahan/", {"body": "Lubangnya makin besar"})
    assert audit_for(case).get(action="aspiration.dispute").actor == member
    assert audit_for(case).get(action="aspiration.follow_up").actor == member


def test_a_reporter_sees_their_fresh_link_although_the_shared_address_is_over_the_limit(
    world,
):
    """Behind one carrier address, a neighbour's wrong codes must not hide a citizen's
    success page with their private link (the session already holds that code)."""
    from django.test import Client

    from jembatan.aspirations.tests.test_views import form_data

    neighbour, citizen = Client(), Client()
    for i in range(21):
        neighbour.get(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/")
    response = citizen.post("/aspirasi/kirim/", form_data(world))
    assert response.status_code == 302 and response["Location"].endswith("/terkirim/")
    page = citizen.get(response["Location"])
    assert page.status_code == 200 and 'id="private-link"' in page.content.decode()
    # A code this session does not hold is still refused, like every other.
    assert citizen.get("/aspirasi/ZZZZZZZZ/").status_code == 429


def test_a_confidential_case_is_the_recorders_alone_among_the_kims_members(client, world):
    kim = world.tenants.a.kim
    recorder, other = UserFactory(), UserFactory()
    for user in (recorder, other):
        KimMembership.objects.create(user=user, kim=kim, position="anggota")
    case = make_case(
        world,
        channel=Aspiration.Channel.KIM,
        kim=kim,
        actor=recorder,
        visibility="rahasia",
        reporter_phone="",
        reporter_email="",
    )
    client.force_login(other)
    page = text(client.get(f"/aspirasi/{case.code}/"))
    assert case.description not in page
    assert client.get(f"/aspirasi/{case.code}/data-saya/").status_code == 403
    response = client.post(f"/aspirasi/{case.code}/tambahan/", {"body": "Bukan saya"})
    assert response.status_code == 403
    client.force_login(recorder)
    assert client.get(f"/aspirasi/{case.code}/data-saya/").status_code == 200


def test_someone_elses_form_id_with_other_text_never_gets_their_case(world):
    from django.test import Client

    from jembatan.aspirations.tests.test_views import form_data

    victim, intruder = Client(), Client()
    data = form_data(world, client_id="a" * 32, visibility="rahasia")
    first = victim.post("/aspirasi/kirim/", data)
    second = intruder.post(
        "/aspirasi/kirim/",
        data | {"description": "Teks penyusup yang lain sama sekali.", "visibility": "anonim"},
    )
    assert first.status_code == second.status_code == 302
    assert first["Location"] != second["Location"]
    assert Aspiration.objects.count() == 2
    # The victim's own retry (the same text) still finds the one case.
    again = victim.post("/aspirasi/kirim/", data)
    assert again["Location"] == first["Location"] and Aspiration.objects.count() == 2


def test_a_reporters_key_opens_the_case_although_the_address_is_over_the_limit(world):
    from django.test import Client

    case = make_case(world)
    key = reporter.reporter_key_issue(case=case)
    neighbour, citizen = Client(), Client()
    for i in range(21):
        neighbour.get(f"/aspirasi/ZZZZZZ{services.CODE_ALPHABET[i]}Z/")
    assert citizen.get(f"/aspirasi/{case.code}/").status_code == 429
    assert citizen.get(f"/aspirasi/{case.code}/", {"k": "salah"}).status_code == 429
    response = citizen.get(f"/aspirasi/{case.code}/", {"k": key}, follow=True)
    assert response.status_code == 200
