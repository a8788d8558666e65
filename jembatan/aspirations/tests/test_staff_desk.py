"""The staff desk's safe defaults: no office chosen for the officer, notes internal unless
made public, the close form apart from the refer form, no first-person labels for staff,
and a public form that says who sees what for each visibility choice."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.forms import VISIBILITY_CHOICES, AspirationForm, CommentForm
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.communities.models import Position
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

QUEUE = "/kelola/aspirasi/"


@pytest.fixture
def desk():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    # Alphabetically first: what a browser picks in a <select> with nothing selected.
    OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    other = Category.objects.create(kabupaten=kabupaten, name="Lainnya")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    client = Client()
    client.force_login(admin)

    def case(category, **extra):
        made, _ = services.aspiration_submit(
            data={
                "region": desa,
                "category": category,
                "description": "Lampu jalan di simpang tiga mati.",
                "visibility": "anonim",
                "reporter_phone": "081234567890",
            }
            | extra
        )
        services.aspiration_transition(actor=admin, case=made, action="verify")
        return made

    return {
        "client": client,
        "admin": admin,
        "roads": roads,
        "other": other,
        "pupr": pupr,
        "case": case,
        "desa": desa,
    }


def _office_select(html: str) -> str:
    return re.search(r'<select id="office-\d+" name="office"[^>]*>(.*?)</select>', html, re.S)[1]


def _selected(select: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\sselected', select)


def test_no_office_is_preselected_when_the_category_has_none(desk):
    case = desk["case"](desk["other"])
    html = desk["client"].get(f"{QUEUE}{case.code}/").content.decode()
    select = _office_select(html)
    assert _selected(select) == [""]  # "— pilih instansi —", which `required` refuses
    assert select.index('value=""') < select.index("Dinas Kesehatan")


def test_the_categorys_office_is_still_suggested(desk):
    case = desk["case"](desk["roads"])
    html = desk["client"].get(f"{QUEUE}{case.code}/").content.decode()
    assert _selected(_office_select(html)) == [str(desk["pupr"].pk)]


def test_referring_without_an_office_is_refused_and_changes_nothing(desk):
    case = desk["case"](desk["other"])
    response = desk["client"].post(
        f"{QUEUE}{case.code}/tindakan/", {"action": "dispose", "office": ""}, follow=True
    )
    assert response.status_code == 200
    assert "Pilih instansi di kabupaten ini." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.VERIFIED and case.office_id is None


def test_a_note_is_internal_by_default(desk):
    assert CommentForm().fields["public"].initial is False
    case = desk["case"](desk["roads"])
    html = desk["client"].get(f"{QUEUE}{case.code}/").content.decode()
    checkbox = re.search(r'<input type="checkbox" name="public"[^>]*>', html)[0]
    assert "checked" not in checkbox
    # A form sent as shown (box left alone) makes an internal note, never a public answer.
    desk["client"].post(f"{QUEUE}{case.code}/tulis/", {"body": "Sudah ditelepon kades."})
    event = CaseEvent.objects.get(aspiration=case, body="Sudah ditelepon kades.")
    assert event.kind == CaseEvent.Kind.NOTE and event.is_public is False
    page = Client().get(f"/aspirasi/{case.code}/").content.decode()
    assert "Sudah ditelepon kades." not in page
    # Making it public is an explicit choice.
    desk["client"].post(
        f"{QUEUE}{case.code}/tulis/", {"body": "Segera diperbaiki.", "public": "on"}
    )
    assert CaseEvent.objects.get(aspiration=case, body="Segera diperbaiki.").is_public


def test_the_close_form_is_apart_from_the_refer_form(desk):
    case = desk["case"](desk["roads"])
    html = desk["client"].get(f"{QUEUE}{case.code}/").content.decode()
    actions, _sep, rest = html.partition('aria-labelledby="close-title"')
    assert 'name="reason"' not in actions  # no close reason inside the workflow steps
    assert 'value="close"' not in actions
    assert 'name="reason"' in rest and 'value="close"' in rest and 'name="office"' not in rest
    closing = desk["client"].post(
        f"{QUEUE}{case.code}/tindakan/", {"action": "close", "reason": "duplikat"}
    )
    assert closing.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_staff_never_read_first_person_labels(desk):
    secret = desk["case"](desk["roads"], visibility="rahasia")
    plain = desk["case"](desk["roads"])
    for url in (QUEUE, f"{QUEUE}{secret.code}/", f"{QUEUE}{plain.code}/"):
        html = desk["client"].get(url).content.decode()
        assert "nama saya" not in html
    html = desk["client"].get(QUEUE).content.decode()
    assert "tanpa nama pelapor" in html and "anggota KIM yang mencatatnya" in html


def test_the_kim_record_form_speaks_of_the_reporter(desk):
    kim = KimFactory(slug="kim-sungai-jaga", region=desk["desa"])
    member = UserFactory()
    KimMembershipFactory(kim=kim, user=member, position=Position.ANGGOTA)
    client = Client()
    client.force_login(member)
    html = client.get(f"/kelola/kim/{kim.slug}/aspirasi/baru/").content.decode()
    assert "nama saya" not in html
    assert "tanpa nama pelapor" in html


def test_each_public_choice_says_who_sees_what():
    labels = dict(VISIBILITY_CHOICES)
    assert set(labels) == set(Aspiration.Visibility.values)
    for value, label in labels.items():
        text = str(label)
        assert "Diskominfo" in text, value  # who sees the name and contact
        assert "situs" in text, value  # whether the public site shows it
    assert "instansi" in str(labels["rahasia"])
    form = AspirationForm(kabupaten_code="61.07")
    assert [v for v, _l in form.fields["visibility"].choices] == list(labels)
    html = Client().get("/aspirasi/kirim/").content.decode()
    assert "Camat dan anggota KIM tidak melihat aspirasi rahasia." in html
    assert str(labels["rahasia"]) in html
