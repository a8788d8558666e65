"""/kelola/ for every demo role: at most MAX_QUERIES queries, and no more with more KIMs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import Membership, Role, User
from jembatan.communities.models import Kim, Position
from jembatan.demo.loader import DEMO_DOMAIN
from jembatan.regions.importer import region_import
from jembatan.regions.models import Region
from jembatan.testing.factories import KimFactory, KimMembershipFactory, UserFactory

MAX_QUERIES = 12
# A Diskominfo's repeat visit: the counts and KIMs the kabupaten's Diskominfo share are
# kept (workspace.shared); what is left is the request's own (session, user, roles, KIM
# posts) and the user's unread notifications.
SHARED_MAX_QUERIES = 6
ROLES = [
    "operator",
    "diskominfo",
    "pupr",
    "dinkes",
    "camat.bengkayang",
    "ketua.sebalo",
    "anggota.sebalo.3",
]


def _queries(email_local: str) -> tuple[int, str]:
    client = Client()
    client.force_login(User.objects.get(email=f"{email_local}@{DEMO_DOMAIN}"))
    assert client.get("/kelola/").status_code == 200  # (the session's first write)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/kelola/")
    assert response.status_code == 200
    return len(queries), "\n".join(q["sql"][:160] for q in queries.captured_queries)


@pytest.mark.django_db
def test_the_workspace_home_runs_few_queries_for_every_demo_role_however_many_kims(settings):
    settings.DEBUG = True  # demo accounts sign in only with DEBUG on
    region_import(province="61")
    call_command("load_demo", stdout=None)
    before = {}
    for role in ROLES:
        before[role], sql = _queries(role)
        assert before[role] <= MAX_QUERIES, f"{role}: {before[role]} queries\n{sql}"
    assert before["diskominfo"] <= SHARED_MAX_QUERIES

    # Twenty more KIMs in the kabupaten, each with a ketua, and the demo's ketua and
    # anggota members of all of them (more rows for every role, the same queries).
    villages = list(
        Region.objects.filter(code__startswith="61.07.", level=Region.Level.DESA)
        .exclude(code__in=Kim.objects.values("region_id"))
        .order_by("code")[:20]
    )
    assert len(villages) == 20
    ketua = User.objects.get(email=f"ketua.sebalo@{DEMO_DOMAIN}")
    anggota = User.objects.get(email=f"anggota.sebalo.3@{DEMO_DOMAIN}")
    for village in villages:
        kim = KimFactory(region=village)
        KimMembershipFactory(kim=kim, user=UserFactory(), position=Position.KETUA)
        KimMembershipFactory(kim=kim, user=ketua, position=Position.SEKRETARIS)
        KimMembershipFactory(kim=kim, user=anggota, position=Position.ANGGOTA)
    assert Membership.objects.filter(role=Role.KABUPATEN_ADMIN).exists()

    after = {role: _queries(role)[0] for role in ROLES}
    assert after == before
