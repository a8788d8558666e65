"""The KIM registry as KIMs know it (issue 20, item 4): the kim.id registration and site,
the SK (signer, number, date, scan, term of office) and the history of its pengurus."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from jembatan.accounts.audit import audit_for
from jembatan.communities import services
from jembatan.communities.models import DecreeState, Kim, KimTerm, Position
from jembatan.testing.factories import KimFactory, UserFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def edit_url(kim):
    return reverse("communities:edit", kwargs={"kim": kim.slug})


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _profile(kim, **extra):
    data = {"name": kim.name, "description": "", "posts_need_review": "on"}
    data.update(extra)
    return data


def test_ketua_records_kimid_and_the_sk_with_its_scan_shown_publicly(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    scan = SimpleUploadedFile("SK pengukuhan.pdf", _pdf(), content_type="application/pdf")
    response = client.post(
        edit_url(a.kim),
        _profile(
            a.kim,
            kimid_number="kim-6107-0042",
            kimid_url="sebalo.kim.id",
            sk_number="141/12/2025",
            sk_date="2025-01-10",
            sk_signer="lurah",  # Sebalo is a kelurahan
            term_start="2025-01-10",
            term_end="2030-01-09",
            sk_scan=scan,
        ),
    )
    assert response.status_code == 302, response.content.decode()
    a.kim.refresh_from_db()
    assert a.kim.kimid_number == "KIM-6107-0042"
    assert a.kim.kimid_url == "https://sebalo.kim.id"
    assert a.kim.sk_signer == "lurah"
    assert a.kim.term_end == datetime.date(2030, 1, 9)
    assert a.kim.sk_scan.name.endswith(".pdf") and "SK pengukuhan" not in a.kim.sk_scan.name
    assert a.kim.sk_scan.read().startswith(b"%PDF-")
    row = audit_for(a.kim).get(action="kim.update")
    assert row.after["sk_signer"] == "lurah" and row.after["sk_scan"].endswith(".pdf")
    # A decree is public: the profile shows the number, the signer, the term and the scan.
    client.logout()
    html = client.get(reverse("sites:kim_profile", kwargs={"kim": a.kim.slug})).content.decode()
    assert "141/12/2025" in html and "ditandatangani Lurah" in html
    assert a.kim.sk_scan.url in html
    assert "KIM-6107-0042" in html and 'href="https://sebalo.kim.id"' in html
    assert "9 Januari 2030" in html


def test_a_scan_that_is_not_what_it_claims_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    fake = SimpleUploadedFile("sk.pdf", b"<html>bukan pdf</html>", content_type="application/pdf")
    response = client.post(edit_url(a.kim), _profile(a.kim, sk_scan=fake))
    assert response.status_code == 200
    assert "bukan PDF" in response.content.decode()
    a.kim.refresh_from_db()
    assert not a.kim.sk_scan


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kimid_number", "KIM 42!", "huruf dan angka"),
        ("kimid_url", "https://sebalo.example.com/", "kim.id"),
        ("kimid_feed_url", "http://10.0.0.1/feed", "kim.id"),
        ("term_end", "2020-01-01", "sebelum dimulai"),
        ("sk_date", "2999-01-01", "masa depan"),
        # Sebalo is a kelurahan: its SK is signed by the lurah, camat or bupati.
        ("sk_signer", "kepala_desa", "tidak ditandatangani kepala desa"),
    ],
)
def test_bad_registry_values_are_refused(client, two_tenants, field, value, message):
    a = two_tenants.a
    client.force_login(a.owner)
    data = _profile(a.kim, term_start="2025-01-01", **{field: value})
    response = client.post(edit_url(a.kim), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    a.kim.refresh_from_db()
    assert getattr(a.kim, field) in ("", None)


def test_a_kimid_number_is_unique_in_the_install(client, two_tenants):
    # Another kabupaten's KIM holds it already: the registry is national.
    b = two_tenants.b.kim
    b.kimid_number = "KIM-0001"
    b.save(update_fields=["kimid_number"])
    client.force_login(two_tenants.a.owner)
    response = client.post(
        edit_url(two_tenants.a.kim), _profile(two_tenants.a.kim, kimid_number="kim-0001")
    )
    assert "sudah tercatat untuk KIM lain" in response.content.decode()
    # Blank is not a number: any number of KIMs may have none.
    KimFactory(region=two_tenants.a.kim.region, name="KIM Dua")
    assert Kim.objects.filter(kimid_number="").count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # A user-info part hiding another host and port (o2 M2): once a 500 at the fetch.
        ("http://127.0.0.1:8399\\@sebalo.kim.id/feed.xml", "tidak sah"),
        ("http://127.0.0.1:8399%23@sebalo.kim.id/feed.xml", "tidak sah"),
        ("https://ketua:rahasia@sebalo.kim.id/feed.xml", "tidak sah"),
        ("ftp://sebalo.kim.id/feed.xml", "http:// atau https://"),
        ("https://sebalo.kim.id:8080/feed.xml", "port"),
        ("https://sebalo.kim.id:99999/feed.xml", "tidak sah"),
    ],
)
def test_a_feed_address_the_fetch_would_refuse_is_not_saved(client, two_tenants, value, message):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(edit_url(a.kim), _profile(a.kim, kimid_feed_url=value))
    assert response.status_code == 200
    assert message in response.content.decode()
    a.kim.refresh_from_db()
    assert a.kim.kimid_feed_url == ""


def test_a_plain_kimid_feed_address_is_saved(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    url = "https://sebalo.kim.id/feed/?format=rss"
    response = client.post(edit_url(a.kim), _profile(a.kim, kimid_feed_url=url))
    assert response.status_code == 302
    a.kim.refresh_from_db()
    assert a.kim.kimid_feed_url == url


@pytest.mark.parametrize("variant", ["KIM.6107.0001", "KIM/6107/0001", "kim-6107-0001"])
def test_a_kimid_number_written_with_other_separators_is_the_same_number(
    client, two_tenants, variant
):
    b = two_tenants.b.kim
    b.kimid_number = "KIM-6107-0001"
    b.save(update_fields=["kimid_number"])
    client.force_login(two_tenants.a.owner)
    response = client.post(
        edit_url(two_tenants.a.kim), _profile(two_tenants.a.kim, kimid_number=variant)
    )
    html = response.content.decode()
    # Said without naming the KIM or kabupaten that holds it.
    assert "Nomor ini sudah tercatat untuk KIM lain; hubungi Diskominfo" in html
    assert b.name not in html and str(b.kabupaten.name) not in html
    two_tenants.a.kim.refresh_from_db()
    assert two_tenants.a.kim.kimid_number == ""
    # The database holds to it too, whoever writes.
    two_tenants.a.kim.kimid_number = variant.upper()
    with pytest.raises(ValidationError, match="sudah tercatat"):
        two_tenants.a.kim.full_clean()


def test_staff_see_whether_the_sk_term_runs_out(client, two_tenants, settings):
    settings.KIM_TERM_WARNING_DAYS = 60
    kim = two_tenants.a.kim
    today = timezone.localdate()
    assert kim.decree_state(today) == DecreeState.UNKNOWN
    kim.term_end = today + datetime.timedelta(days=61)
    assert kim.decree_state(today) == DecreeState.VALID
    kim.term_end = today + datetime.timedelta(days=60)
    assert kim.decree_state(today) == DecreeState.EXPIRING
    kim.term_end = today - datetime.timedelta(days=1)
    assert kim.decree_state(today) == DecreeState.EXPIRED
    kim.save(update_fields=["term_end"])
    client.force_login(two_tenants.a.owner)
    html = client.get(reverse("communities:manage", kwargs={"kim": kim.slug})).content.decode()
    assert "Masa bakti berakhir" in html and "decree-expired" in html
    # And on the workspace home, beside the KIM in the list of KIMs they work in.
    home = client.get(reverse("workspace:home")).content.decode()
    assert "decree-expired" in home


def test_changing_a_post_closes_the_old_term_and_opens_the_next(client, two_tenants):
    a = two_tenants.a
    membership = a.kim.memberships.get(user=a.member)
    services.kim_member_update(
        actor=a.owner,
        membership=membership,
        position=Position.SEKSI,
        is_active=True,
        seksi_name="  Humas ",
    )
    membership.refresh_from_db()
    assert membership.position_label == "Seksi Humas"
    services.kim_member_update(
        actor=a.owner, membership=membership, position=Position.WAKIL_KETUA, is_active=True
    )
    services.kim_member_update(
        actor=a.owner, membership=membership, position=Position.WAKIL_KETUA, is_active=False
    )
    terms = list(KimTerm.objects.filter(membership=membership).order_by("id"))
    assert [(t.position, t.seksi_name) for t in terms] == [
        ("seksi", "Humas"),
        ("wakil_ketua", ""),
    ]
    assert all(t.ended_on == timezone.localdate() for t in terms)  # both closed today
    # Saving the same post again changes nothing: no new term.
    membership.refresh_from_db()
    services.kim_member_update(
        actor=a.owner, membership=membership, position=Position.WAKIL_KETUA, is_active=False
    )
    assert KimTerm.objects.filter(membership=membership).count() == 2
    # The public profile lists who held which post, from when to when; anggota are not
    # a post and stay out of it.
    html = client.get(reverse("sites:kim_profile", kwargs={"kim": a.kim.slug})).content.decode()
    assert "Riwayat pengurus" in html and "Seksi Humas" in html and "Wakil ketua" in html


def test_a_seksi_needs_its_name(two_tenants):
    a = two_tenants.a
    membership = a.kim.memberships.get(user=a.member)
    with pytest.raises(ValidationError, match="nama seksi"):
        services.kim_member_update(
            actor=a.owner, membership=membership, position=Position.SEKSI, is_active=True
        )


def test_a_new_member_opens_a_term_and_the_history_shows_on_the_manage_page(client, two_tenants):
    a = two_tenants.a
    person = UserFactory(full_name="Sari Bendahara")
    client.force_login(a.owner)
    client.post(
        reverse("communities:member_add", kwargs={"kim": a.kim.slug}),
        {"full_name": person.full_name, "login": person.email, "position": "bendahara"},
    )
    term = KimTerm.objects.get(membership__user=person)
    assert term.position == "bendahara" and term.ended_on is None and term.kim == a.kim
    html = client.get(reverse("communities:manage", kwargs={"kim": a.kim.slug})).content.decode()
    assert "Riwayat pengurus" in html and "Sari Bendahara" in html and "sekarang" in html


def test_a_desa_sk_is_not_signed_by_a_lurah(two_tenants):
    from jembatan.testing.factories import region_chain

    desa = KimFactory(region=region_chain("61.07.04.2003", "Tirta Kencana"), name="KIM Desa")
    desa.sk_signer = "lurah"
    with pytest.raises(ValidationError) as exc:
        desa.full_clean()
    assert "sk_signer" in exc.value.message_dict
    desa.sk_signer = "kepala_desa"
    desa.sk_date = timezone.localdate()
    desa.full_clean()  # today is fine


def test_a_pengurus_without_a_recorded_term_leaves_a_closed_one(client, two_tenants):
    from jembatan.testing.factories import KimMembershipFactory

    a = two_tenants.a
    markus = UserFactory(full_name="Markus Halim")
    # Made as loaded data is, without the service: no term is open.
    bendahara = KimMembershipFactory(kim=a.kim, user=markus, position=Position.BENDAHARA)
    bendahara.joined_at = datetime.date(2024, 3, 1)
    bendahara.save(update_fields=["joined_at"])
    assert not KimTerm.objects.filter(membership=bendahara).exists()
    services.kim_member_update(
        actor=a.owner, membership=bendahara, position=Position.BENDAHARA, is_active=False
    )
    term = KimTerm.objects.get(membership=bendahara)
    assert term.started_on == datetime.date(2024, 3, 1)
    assert term.ended_on == timezone.localdate() and term.position == Position.BENDAHARA
    html = client.get(reverse("sites:kim_profile", kwargs={"kim": a.kim.slug})).content.decode()
    history = html.split("Riwayat pengurus", 1)[1]
    assert "Markus Halim" in history and "1 Maret 2024" in history
