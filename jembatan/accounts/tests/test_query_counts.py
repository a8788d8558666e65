"""Every workspace home answers in a bounded number of queries, whatever the number of KIMs.

The acting user's roles and KIM memberships are read once per request (accounts.access
actor, communities.access), not once per permission check or per KIM. Pages are asked for
by URL so the test outlives a rewrite of the views (the /kelola/ home is to become a
registry).
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jembatan.accounts.models import User
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.demo.loader import DEMO_DOMAIN
from jembatan.regions.importer import region_import
from jembatan.regions.models import Region
from jembatan.testing.db import shared_fixture

MAX_QUERIES = 15

STAFF_HOMES = [
    "/kelola/",
    "/kelola/kim/sebalo/",
    "/kelola/informasi/",
    "/kelola/aspirasi/",
    "/kelola/literasi/",
    "/kelola/ppid/",
    "/kelola/dialog/",
    "/kelola/dasbor/",
]
MEMBER_HOMES = [
    "/kelola/",
    "/kelola/kim/sebalo/",
    "/kelola/kim/sebalo/informasi/",
    "/kelola/aspirasi/",
    "/kelola/literasi/saya/",
    "/kelola/dialog/",
]
OPD_HOMES = ["/kelola/", "/kelola/informasi/", "/kelola/aspirasi/", "/kelola/ppid/"]
OPD_HOMES += ["/kelola/dialog/"]
CAMAT_HOMES = [url for url in STAFF_HOMES if url != "/kelola/ppid/"]

# (demo account, its position in the extra KIMs, the workspace homes it opens)
ROLES = [
    ("operator", Position.SEKRETARIS, STAFF_HOMES),
    ("diskominfo", Position.SEKRETARIS, STAFF_HOMES),
    ("dinkes", Position.BENDAHARA, OPD_HOMES),
    ("camat.bengkayang", Position.SEKRETARIS, CAMAT_HOMES),
    ("ketua.sebalo", Position.KETUA, MEMBER_HOMES),
    ("anggota.sebalo.3", Position.ANGGOTA, MEMBER_HOMES),
]


@shared_fixture
def demo():
    """Built once for the tests of this file (rows only; each test's writes roll back)."""
    region_import(province="61")
    call_command("load_demo", stdout=None)
    # Demo accounts sign in only with DEBUG on; here they are ordinary accounts.
    User.objects.filter(is_demo=True).update(is_demo=False)


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _counts() -> dict[tuple[str, str], int]:
    """Queries of the second request of each page (the first warms per-process caches)."""
    counts = {}
    for local, _position, urls in ROLES:
        client = Client()
        client.force_login(_user(local))
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (local, url, response.status_code)
            counts[(local, url)] = len(queries)
    return counts


def _add_kims(n: int) -> None:
    """n more desa KIMs in Bengkayang, every demo role a member of each of them."""
    taken = Kim.objects.values("region_id")
    desa = Region.objects.filter(code__startswith="61.07.", level=Region.Level.DESA)
    regions = list(desa.exclude(code__in=taken).order_by("code")[:n])
    assert len(regions) == n
    for region in regions:
        slug = "tambahan-" + region.code.replace(".", "-")
        kim = Kim.objects.create(name=f"KIM Tambahan {region.name}", slug=slug, region=region)
        for local, position, _urls in ROLES:
            KimMembership.objects.create(kim=kim, user=_user(local), position=position)


def test_every_workspace_home_within_the_query_budget(demo, django_assert_max_num_queries):
    for local, _position, urls in ROLES:
        client = Client()
        client.force_login(_user(local))
        for url in urls:
            client.get(url)
            with django_assert_max_num_queries(MAX_QUERIES):
                response = client.get(url)
            assert response.status_code == 200, (local, url)


def test_query_counts_do_not_grow_with_the_number_of_kims(demo):
    _add_kims(1)  # every role a member of some KIM: from here on only the number changes
    before = _counts()
    _add_kims(20)
    after = _counts()
    assert {key: (before[key], after[key]) for key in before if after[key] != before[key]} == {}
    assert max(after.values()) <= MAX_QUERIES
