"""A confidential ("rahasia") case is seen only by Diskominfo of its kabupaten, the office
it is referred to, the KIM member who recorded it and operators: nowhere else, not in a
list, a page, a count, an export, the API or a notification."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from jembatan.accounts.models import Notification, Office, Role, User
from jembatan.api.services import api_token_create
from jembatan.aspirations import services
from jembatan.aspirations.access import can_see_reporter, get_cases_for_user
from jembatan.aspirations.models import Aspiration
from jembatan.communities.models import Kim, Position
from jembatan.dashboard import rollup as R
from jembatan.dashboard.access import get_scope_for_user, sees_confidential_counts
from jembatan.testing.db import built_once, fresh_copy
from jembatan.testing.factories import (
    AspirationFactory,
    CategoryFactory,
    KimFactory,
    KimMembershipFactory,
    OfficeFactory,
    StaffFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db

QUEUE = "/kelola/aspirasi/"
SECRET_TEXT = "Pungutan liar oleh oknum di kantor desa"


@dataclass
class World:
    kim: Kim
    office: Office  # the office the confidential case is referred to
    other_office: Office
    secret: Aspiration  # confidential, recorded by users["recorder"], referred to office
    plain: Aspiration  # anonymous, same desa, same office
    users: dict[str, User]


def _build_world() -> World:
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Raya")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    office = OfficeFactory(kabupaten=kabupaten, name="Inspektorat")
    other_office = OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    category = CategoryFactory(kabupaten=kabupaten, name="Pelayanan", office=office)
    kim = KimFactory(name="KIM Sungai Jaga", slug="kim-sungai-jaga", region=desa)

    def kim_member(position):
        return KimMembershipFactory(kim=kim, position=position).user

    users = {
        "admin": StaffFactory(role=Role.KABUPATEN_ADMIN, region=kabupaten),
        "officer": StaffFactory(role=Role.OPD_OFFICER, region=kabupaten, office=office),
        "other_officer": StaffFactory(role=Role.OPD_OFFICER, region=kabupaten, office=other_office),
        "camat": StaffFactory(role=Role.CAMAT, region=region_chain("61.07.04")),
        "operator": StaffFactory(role=Role.OPERATOR, region=None),
        "recorder": kim_member(Position.ANGGOTA),
        "member": kim_member(Position.ANGGOTA),
        "ketua": kim_member(Position.KETUA),
    }

    def submit(visibility, description):
        """Recorded by the KIM's member for a neighbour, verified, referred to the office."""
        case = AspirationFactory(
            region=desa,
            category=category,
            description=description,
            visibility=visibility,
            reporter_name="Zubaidah Rahasiawati",
            reporter_phone="081234567890",
            reporter_email="",
            channel=Aspiration.Channel.KIM,
            kim=kim,
            actor=users["recorder"],
        )
        for action in ("verify", "dispose"):
            services.aspiration_transition(
                actor=users["admin"], case=case, action=action, office=office
            )
        return Aspiration.objects.get(pk=case.pk)

    return World(
        kim=kim,
        office=office,
        other_office=other_office,
        secret=submit(Aspiration.Visibility.CONFIDENTIAL, SECRET_TEXT),
        plain=submit(Aspiration.Visibility.ANONYMOUS, "Jalan berlubang di RT 03"),
        users=users,
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Built once per file (rolled back after it); each test's writes are rolled back."""
    yield from built_once(django_db_blocker, _build_world)


@pytest.fixture
def world(db, _module_world) -> World:
    return fresh_copy(_module_world)


ALLOWED = ["admin", "officer", "recorder", "operator"]
# The KIM member of the same desa, its ketua, the camat, another OPD's officer.
REFUSED = ["member", "ketua", "camat", "other_officer"]


@pytest.mark.parametrize("who", ALLOWED)
def test_those_allowed_open_the_confidential_case(client, world, who):
    client.force_login(world.users[who])
    assert world.secret.code in client.get(QUEUE).content.decode()
    page = client.get(f"{QUEUE}{world.secret.code}/")
    assert page.status_code == 200 and SECRET_TEXT in page.content.decode()
    assert get_cases_for_user(world.users[who]).filter(pk=world.secret.pk).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_others_see_nothing_of_it_in_the_workspace(client, world, who):
    client.force_login(world.users[who])
    queue = client.get(QUEUE)
    html = queue.content.decode()
    assert world.secret.code not in html and SECRET_TEXT not in html
    # Counted nowhere: the queue holds exactly the cases they may open.
    visible = get_cases_for_user(world.users[who])
    assert queue.context["page"].paginator.count == visible.count()
    assert not visible.filter(visibility=Aspiration.Visibility.CONFIDENTIAL).exists()
    code = world.secret.code
    for url in (f"{QUEUE}{code}/", f"{QUEUE}{code}/lapor.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_TEXT not in response.content.decode()
    before = Aspiration.objects.get(pk=world.secret.pk).status
    response = client.post(f"{QUEUE}{code}/tindakan/", {"action": "start"})
    assert response.status_code == 404
    response = client.post(f"{QUEUE}{code}/tulis/", {"body": "Catatan", "public": "on"})
    assert response.status_code == 404
    assert Aspiration.objects.get(pk=world.secret.pk).status == before
    assert not world.secret.events.filter(body="Catatan").exists()


def test_the_area_still_sees_the_ordinary_case(client, world):
    for who in ("member", "ketua", "camat"):
        client.force_login(world.users[who])
        assert world.plain.code in client.get(QUEUE).content.decode()


def test_a_kim_pengurus_may_not_act_on_a_confidential_case_of_the_area(world):
    with pytest.raises(PermissionDenied):
        services.aspiration_comment(
            actor=world.users["ketua"], case=world.secret, body="Catatan", public=False
        )
    assert services.actions_for_user(world.users["ketua"], world.secret) == []


def test_only_the_recorder_of_the_kim_sees_the_reporter(world):
    assert can_see_reporter(world.users["recorder"], world.secret)
    assert not can_see_reporter(world.users["member"], world.secret)
    assert not can_see_reporter(world.users["ketua"], world.secret)
    # The ordinary case keeps the old rule: the KIM that recorded it.
    assert can_see_reporter(world.users["member"], world.plain)


def _dashboard_list(client, slug, params):
    return client.get(f"/kelola/dasbor/daftar/{slug}/", params)


@pytest.mark.parametrize("slug", ["aspirasi", "aspirasi-terbuka"])
def test_dashboard_lists_and_exports_leave_it_out_for_the_camat(client, world, slug):
    client.force_login(world.users["camat"])
    params = {"wilayah": "61.07.04"}
    page = _dashboard_list(client, slug, params)
    assert page.status_code == 200
    assert world.plain.code in page.content.decode()
    assert world.secret.code not in page.content.decode()
    assert page.context["page"].paginator.count == 1
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    _dashboard_list(client, slug, params | {"format": "csv"}).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    codes = [row[0] for row in rows[1:]]
    assert codes == [world.plain.code]
    book = load_workbook(
        io.BytesIO(_dashboard_list(client, slug, params | {"format": "xlsx"}).content)
    )
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert world.plain.code in cells and world.secret.code not in cells


def test_diskominfo_lists_and_counts_it(client, world):
    client.force_login(world.users["admin"])
    page = _dashboard_list(client, "aspirasi-terbuka", {"wilayah": "61.07"})
    html = page.content.decode()
    assert world.plain.code in html and world.secret.code in html
    assert page.context["page"].paginator.count == 2
    R.refresh()
    response = client.get("/kelola/dasbor/", {"wilayah": "61.07.04"})
    assert response.context["data"].get(R.OPEN) == 2
    assert response.context["data"].all_time[R.ASPIRATIONS] == 2


def test_dashboard_counts_leave_it_out_for_the_camat_and_the_kim(client, world):
    R.refresh()
    client.force_login(world.users["camat"])
    data = client.get("/kelola/dasbor/").context["data"]
    assert data.code == "61.07.04"
    assert data.get(R.OPEN) == 1
    assert data.all_time[R.ASPIRATIONS] == 1
    assert data.totals.get(R.ASPIRATIONS, 0) == 1
    client.force_login(world.users["ketua"])
    data = client.get(f"/kelola/dasbor/kim/{world.kim.slug}/").context["data"]
    assert data.get(R.OPEN) == 1 and data.totals[R.ASPIRATIONS] == 1
    # Region lists of the kabupaten a level up: one kecamatan row, one case.
    client.force_login(world.users["admin"])
    children = client.get("/kelola/dasbor/").context["children"]
    assert [c[R.OPEN] for c in children if c["code"] == "61.07.04"] == [2]


def test_who_gets_counts_with_confidential_cases(world):
    def scope(who, code):
        return get_scope_for_user(world.users[who], code)

    assert sees_confidential_counts(world.users["admin"], scope("admin", "61.07.04"))
    assert sees_confidential_counts(world.users["operator"], scope("operator", ""))
    assert not sees_confidential_counts(world.users["camat"], scope("camat", "61.07.04"))


def test_the_monthly_report_of_the_camat_leaves_it_out(client, world, monkeypatch):
    seen = {}

    def fake(*, scope, month, confidential):
        seen["confidential"] = confidential
        return b"%PDF-1.4"

    # The view calls the report through its module, so the stand-in is what it calls.
    monkeypatch.setattr("jembatan.dashboard.report.monthly_report", fake)
    client.force_login(world.users["camat"])
    response = client.get("/kelola/dasbor/laporan/2026-01.pdf")
    assert response.status_code == 200 and seen == {"confidential": False}
    client.force_login(world.users["admin"])
    client.get("/kelola/dasbor/laporan/2026-01.pdf", {"wilayah": "61.07"})
    assert seen == {"confidential": True}


@pytest.mark.parametrize("who", REFUSED)
def test_the_api_never_gives_it_even_with_a_token(world, who):
    from rest_framework.test import APIClient

    _token, secret = api_token_create(actor=world.users[who], name="Uji", days=30)
    api = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = api.get("/api/v1/aspirasi/", **headers)
    assert listed.status_code == 200
    assert world.secret.code not in listed.content.decode()
    assert SECRET_TEXT not in listed.content.decode()
    one = api.get(f"/api/v1/aspirasi/{services.display_code(world.secret.code)}/", **headers)
    assert one.status_code == 404


def test_notifications_reach_only_those_who_may_open_it(world):
    services.citizen_follow_up(case=world.secret, body="Ada bukti foto kuitansi.")
    Aspiration.objects.filter(pk=world.secret.pk).update(answer_due="2020-01-01")
    services.escalate_overdue()
    recipients = set(
        Notification.objects.filter(
            params__code=services.display_code(world.secret.code)
        ).values_list("recipient_id", flat=True)
    )
    assert recipients
    allowed = {world.users[w].pk for w in ALLOWED}
    assert recipients <= allowed
    assert not recipients & {world.users[w].pk for w in REFUSED}


def test_public_figures_leave_it_out_and_never_publish_its_share(client, world):
    R.refresh()
    stats = client.get("/api/v1/statistik/61.07/").json()
    assert stats["aspirations"]["received"] == 1 and stats["aspirations"]["open"] == 1
    page = client.get("/statistik/")
    assert page.context["data"].get(R.OPEN) == 1
    monthly = json.loads(b"".join(client.get("/data/statistik-bulanan.json").streaming_content))
    assert not any(r["ukuran"].startswith(R.CONFIDENTIAL) for r in monthly)
    received = [r["nilai"] for r in monthly if r["ukuran"] == R.ASPIRATIONS]
    assert sum(received) == 1
