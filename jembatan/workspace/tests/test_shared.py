"""What every Diskominfo of a kabupaten sees alike on /kelola/ (the today counts, the KIM
panel) is worked out once per kabupaten and kept; a change shows on the next visit, and
nobody with any other access gets what was kept for a Diskominfo."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration
from jembatan.communities.models import Position
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)
from jembatan.workspace.shared import shared_scope
from jembatan.workspace.tests.conftest import HOST_B, client_for, today_counts

pytestmark = pytest.mark.django_db


def _submit(staff) -> Aspiration:
    case, _ = services.aspiration_submit(
        data={
            "region": staff.tenants.a.kim.region,
            "category": staff.category,
            "description": "Lampu jalan di dusun padam sejak seminggu.",
            "visibility": "anonim",
            "reporter_phone": "081234567890",
        }
    )
    return case


def _reads(queries, table: str) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)


def _second_admin(staff):
    other = UserFactory(full_name="Sari Diskominfo")
    MembershipFactory(user=other, role=Role.KABUPATEN_ADMIN, region=staff.kabupaten)
    return other


def test_a_second_diskominfo_reads_what_the_first_visit_kept(staff):
    _submit(staff)
    first = today_counts(staff.admin)
    assert first["aspirations.verify"] == 1
    other = _second_admin(staff)
    client = client_for(other)
    client.get("/kelola/")  # the session's first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/kelola/")
    assert _reads(queries, "aspirations_aspiration") == 0
    assert _reads(queries, "communities_kim") == 0
    assert {e.key: e.count for e in response.context["today"]} == first
    assert 'id="kims-title"' in response.content.decode()


def _kim_panel(html: str) -> str:
    start = html.index('<section aria-labelledby="kims-title">')
    return html[start : html.index("</section>", start)]


def test_the_kim_panel_is_drawn_once_for_every_diskominfo_alike(staff):
    first = client_for(staff.admin).get("/kelola/")
    assert "communities/_workspace_kims.html" in [t.name for t in first.templates]
    other = client_for(_second_admin(staff))
    second = other.get("/kelola/")
    # The kept HTML, not the template drawn again, and the same as the first visit's.
    assert "communities/_workspace_kims.html" not in [t.name for t in second.templates]
    assert _kim_panel(second.content.decode()) == _kim_panel(first.content.decode())
    assert staff.tenants.a.kim.name in _kim_panel(second.content.decode())
    # The roles panel is the user's own: drawn for each.
    assert "communities/_workspace_roles.html" in [t.name for t in second.templates]


def test_a_new_case_a_step_and_a_new_kim_show_on_the_next_visit(staff):
    assert "aspirations.verify" not in today_counts(staff.admin)
    case = _submit(staff)
    assert today_counts(staff.admin)["aspirations.verify"] == 1
    services.aspiration_transition(actor=staff.admin, case=case, action="verify")
    services.aspiration_transition(
        actor=staff.admin, case=case, action="dispose", office=staff.pupr
    )
    counts = today_counts(staff.admin)
    assert "aspirations.verify" not in counts and counts["aspirations.first_response"] == 1

    kim = KimFactory(name="KIM Baru Terdaftar", region=region_chain("61.07.04.2003"))
    assert kim.name in client_for(staff.admin).get("/kelola/").content.decode()
    kim.delete()
    assert kim.name not in client_for(staff.admin).get("/kelola/").content.decode()


def test_only_a_diskominfo_and_nothing_else_shares(staff):
    assert shared_scope(staff.admin) == ("61.07",)
    assert shared_scope(staff.admin_b) == ("61.04",)
    assert shared_scope(staff.officer) is None
    assert shared_scope(staff.camat) is None
    assert shared_scope(staff.tenants.a.owner) is None  # a KIM's ketua
    # A Diskominfo who is also the camat of a kecamatan, or a KIM's pengurus, has more
    # than the kabupaten: their own counts, read afresh.
    both = _second_admin(staff)
    MembershipFactory(user=both, role=Role.CAMAT, region=region_chain("61.07.04"))
    assert shared_scope(both) is None
    member = _second_admin(staff)
    KimMembershipFactory(kim=staff.tenants.a.kim, user=member, position=Position.SEKRETARIS)
    assert shared_scope(member) is None


def test_what_was_kept_for_a_kabupaten_goes_to_no_one_else(staff):
    _submit(staff)
    assert today_counts(staff.admin)["aspirations.verify"] == 1
    # Mempawah's Diskominfo, and Bengkayang's office, count their own.
    assert "aspirations.verify" not in today_counts(staff.admin_b, HOST_B)
    assert "aspirations.verify" not in today_counts(staff.officer)
    html = client_for(staff.admin_b, HOST_B).get("/kelola/").content.decode()
    assert staff.tenants.a.kim.name not in html
