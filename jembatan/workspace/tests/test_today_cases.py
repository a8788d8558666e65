"""The today queues of aspirations on /kelola/, per role, counted from real cases."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration
from jembatan.workspace.tests.conftest import HOST_B, client_for, today_counts

pytestmark = pytest.mark.django_db

ASPIRATION_KEYS = {
    "aspirations.verify",
    "aspirations.due_today",
    "aspirations.overdue",
    "aspirations.returned",
    "aspirations.first_response",
}


def _submit(region, category) -> Aspiration:
    case, _ = services.aspiration_submit(
        data={
            "region": region,
            "category": category,
            "description": "Jalan berlubang di RT 03 dekat sekolah.",
            "visibility": "anonim",
            "reporter_phone": "081234567890",
        }
    )
    return case


def _step(case, actor, action, **kwargs) -> Aspiration:
    return services.aspiration_transition(actor=actor, case=case, action=action, **kwargs)


@pytest.fixture
def cases(staff):
    """Five cases in Sebalo (tenant A) at every step, and one in Mempawah (tenant B)."""
    today = timezone.localdate()
    later = today + datetime.timedelta(days=5)
    earlier = today - datetime.timedelta(days=2)
    desa = staff.tenants.a.kim.region
    admin, officer = staff.admin, staff.officer

    waiting = _submit(desa, staff.category)
    due_now = _submit(desa, staff.category)
    Aspiration.objects.filter(pk=waiting.pk).update(verify_due=later)
    Aspiration.objects.filter(pk=due_now.pk).update(verify_due=today)

    late = _submit(desa, staff.category)
    _step(late, admin, "verify")
    _step(late, admin, "dispose", office=staff.pupr)
    Aspiration.objects.filter(pk=late.pk).update(answer_due=earlier)

    returned = _submit(desa, staff.category)
    _step(returned, admin, "verify")
    _step(returned, admin, "dispose", office=staff.pupr)
    _step(returned, officer, "return", body="Ini urusan dinas kesehatan.")

    working = _submit(desa, staff.category)
    _step(working, admin, "verify")
    _step(working, admin, "dispose", office=staff.pupr)
    _step(working, officer, "start")
    Aspiration.objects.filter(pk=working.pk).update(answer_due=today)

    elsewhere = _submit(staff.tenants.b.kim.region, staff.category_b)
    Aspiration.objects.filter(pk=elsewhere.pk).update(verify_due=today)
    return staff


def test_diskominfo_sees_every_queue_of_its_kabupaten_only(cases):
    counts = today_counts(cases.admin)
    assert {k: v for k, v in counts.items() if k in ASPIRATION_KEYS} == {
        "aspirations.verify": 2,
        "aspirations.due_today": 2,
        "aspirations.overdue": 1,
        "aspirations.returned": 1,
        "aspirations.first_response": 1,
    }
    # Mempawah's Diskominfo counts its one case, none of Bengkayang's.
    counts_b = today_counts(cases.admin_b, HOST_B)
    assert counts_b["aspirations.verify"] == 1
    assert counts_b["aspirations.due_today"] == 1
    assert "aspirations.overdue" not in counts_b


def test_the_office_sees_its_own_cases_and_not_diskominfo_steps(cases):
    counts = today_counts(cases.officer)
    assert {k: v for k, v in counts.items() if k in ASPIRATION_KEYS} == {
        "aspirations.due_today": 1,
        "aspirations.overdue": 1,
        "aspirations.first_response": 1,
    }


def test_the_camat_watches_what_is_late(cases):
    counts = today_counts(cases.camat)
    assert {k: v for k, v in counts.items() if k in ASPIRATION_KEYS} == {"aspirations.overdue": 1}


def test_the_kim_ketua_watches_what_is_late_and_a_member_has_nothing_to_do(cases):
    # A ketua does not verify (pengurus flag a likely duplicate or spam; Diskominfo
    # verifies): no verification queue, only the overdue cases of the desa.
    counts = today_counts(cases.tenants.a.owner)
    assert counts == {"aspirations.overdue": 1}
    member = client_for(cases.tenants.a.member).get("/kelola/")
    assert member.context["today"] == []
    assert 'id="today-title"' not in member.content.decode()
    # KIM B's ketua sees nothing of Sebalo's cases (Mempawah's case is in its village).
    assert today_counts(cases.tenants.b.owner) == {}


def test_each_queue_links_to_the_filtered_case_list(cases):
    html = client_for(cases.admin).get("/kelola/").content.decode()
    queue = reverse("aspirations:manage_queue")
    for query in (
        "status=terbuka&amp;instansi=tanpa",
        "tenggat=hari-ini",
        "terlambat=1",
        "status=diverifikasi&amp;dikembalikan=1",
        "status=didisposisikan",
    ):
        assert f'href="{queue}?{query}"' in html, query
    # The links the queue understands today give the counted cases.
    late = client_for(cases.admin).get(queue, {"terlambat": "1"})
    assert late.context["page"].paginator.count == 1
    waiting = client_for(cases.admin).get(queue, {"status": "diterima"})
    assert waiting.context["page"].paginator.count == 2
