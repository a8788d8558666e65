"""Two tenants served by one process: nothing of tenant B on tenant A's host.

Tenant A is Kabupaten Bengkayang (61.07) on testserver, tenant B Kabupaten Mempawah
(61.04) on mempawah.test, each with one object of every kind (security/world.py). For
every URL pattern of the project:

- B's object asked for on A's host is not found (404), or refused (a sign-in, 403, 405),
  or answered with a page that carries none of B's distinctive strings;
- every page of A's host (lists, feeds, sitemaps, calendars, open data, API, Open311,
  search), for every role of A, carries none of B's distinctive strings;
- A's own public objects are found on A's host (so that the test can fail), and not on B's.

The national directory of regions (/wilayah/) is reference data, the same on every host:
it names every kabupaten and desa, so it is left out of the string checks.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.utils.html import escape

from jembatan.core.tests.security.matrix import patterns, status_code
from jembatan.core.tests.security.matrix_table import EXPECTED
from jembatan.core.tests.security.urlmap import url_for
from jembatan.core.tests.security.world import ROLES
from jembatan.dashboard.opendata import DATASETS
from jembatan.literacy.models import Certificate, Module
from jembatan.testing.factories import serve_tenant

pytestmark = [pytest.mark.django_db]

HOST_A = "testserver"
HOST_B = "mempawah.test"
NATIONAL = ("regions:",)
REFUSED = {"302L", "403", "404", "405"}
ROLES_OF_A = ("anonymous", "ketua", "kab_admin")


def markers(world, tenant: str) -> list[str]:
    """Strings that only tenant ``tenant``'s objects put on a page."""
    label = f"kim-{tenant}"
    args = world.args[tenant]
    return [
        f"Berita {label}",
        f"Vaksinasi {label}",
        f"Pelatihan {label}",
        f"Modul {label}",
        f"Rancangan {label}",
        f"Jajak {label}",
        f"Diskusi {label}",
        f"Dinas Kesehatan {label}",
        f"maria-{label}",
        f"/kim/{label}/",
        f"-{label}",  # in the slugs of B's posts, items, consultations, polls, threads
        args["code:aspiration"],
        args["code:certificate"],
        args["number"],
        world.kims[tenant].name,
    ]


@pytest.fixture
def mempawah(world, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST_B]
    return serve_tenant("61.04", "Kabupaten Mempawah", hosts=(HOST_B,))


def _leaks(response, strings: list[str], url: str = "") -> list[str]:
    """The strings found in the response's body, or in where it redirects to, once the
    requested address itself is taken out (a 404 page and a sign-in link repeat it)."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", "replace") + "\n" + response.get("Location", "")
    if url:
        for echo in (url, quote(url), quote(url, safe=""), escape(url)):
            text = text.replace(echo, "")
        for part in re.split(r"[/?&=]", url):  # (a "not found" page names the code asked)
            if len(part) > 5:
                text = text.replace(part, "")
    return [s for s in strings if s in text]


def _object_patterns(world) -> list[tuple[str, str, str]]:
    """(name, A's URL, B's URL) of every pattern whose URL names a tenant's object."""
    found = []
    for name, route in sorted(patterns().items()):
        if name.startswith(NATIONAL):
            continue
        url_a, url_b = (url_for(name, route, world.args[t]) for t in ("a", "b"))
        if url_a != url_b:
            found.append((name, url_a, url_b))
    return found


def _public(name: str) -> bool:
    """Anonymous visitors get A's object on A's host (the authorization table says)."""
    return EXPECTED[name][0].split()[0] == "200"


def test_no_page_of_a_host_shows_b_and_b_objects_are_not_found_there(world, role_clients, mempawah):
    """Every pattern, with A's parameters and with B's, as every role of A, on A's host:
    no page carries B's strings; and B's object (a pattern whose URL names a tenant's
    object, with B's parameters) is not found there: refused (404, 403, 405, a sign-in),
    or a 200 or a redirect that shows nothing of B.

    One crawl for what were two tests (this one and test_b_objects_are_not_found_on_a_host),
    which fetched B's object URLs as the same roles on the same host each: every request
    is made once and both of their assertions are made on it (no B string on any page;
    on B's object URLs a status among the refused ones, 200 or 302; more than 300 of
    those asked)."""
    b_strings = markers(world, "b")
    failures, tried = [], 0
    for name, route in sorted(patterns().items()):
        if name.startswith(NATIONAL):
            continue
        url_a, url_b = (url_for(name, route, world.args[t]) for t in ("a", "b"))
        for url in sorted({url_a, url_b}):
            b_object = url == url_b != url_a  # (the pattern names a tenant's object)
            for role in ROLES_OF_A:
                cache.clear()
                response = role_clients[role].get(url, HTTP_HOST=HOST_A)
                tried += b_object
                code = status_code(response)
                if leaks := _leaks(response, b_strings, url):
                    failures.append(f"{name} {role} {url}: {code} {leaks}")
                elif b_object and code not in REFUSED | {"200", "302"}:
                    failures.append(f"{name} {role} {url}: {code}")
    assert tried > 300
    assert not failures, "\n".join(failures)


def test_a_public_objects_are_found_on_a_host_and_not_on_b_host(world, mempawah):
    a_strings = markers(world, "a")
    failures, found = [], 0
    for name, url_a, _url_b in _object_patterns(world):
        if not _public(name):
            continue
        cache.clear()
        home = Client().get(url_a, HTTP_HOST=HOST_A)
        if home.status_code != 200:
            failures.append(f"{name} {url_a} on A's host: {home.status_code}")
        found += 1
        cache.clear()
        away = Client().get(url_a, HTTP_HOST=HOST_B)
        if status_code(away) not in REFUSED and (
            away.status_code != 200 or _leaks(away, a_strings, url_a)
        ):
            failures.append(f"{name} {url_a} on B's host: {away.status_code}")
    assert found > 30
    assert not failures, "\n".join(failures)


SEARCHES = [
    "/cari/?q=Berita",
    "/cari/?q=kim-b",
    "/cari/?q=Vaksinasi",
    "/api/v1/kim/",
    "/api/v1/berita/",
    "/api/v1/informasi/",
    "/api/v1/aspirasi/",
    "/open311/v2/requests.json",
    "/open311/v2/services.json",
    "/feed/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", SEARCHES)
def test_lists_and_searches_of_a_host_show_only_a(world, mempawah, url):
    """Lists, search, feeds, sitemaps, API lists and Open311: A's rows, none of B's."""
    cache.clear()
    response = Client().get(url, HTTP_HOST=HOST_A)
    assert response.status_code == 200, url
    assert not _leaks(response, markers(world, "b"))
    cache.clear()
    response = Client().get(url, HTTP_HOST=HOST_B)
    assert response.status_code == 200, url
    assert not _leaks(response, markers(world, "a"))


def _identifier_urls(world, tenant: str) -> dict[str, str]:
    """The routes keyed by a public identifier of ``tenant``: tracking code, PPID number,
    Open311 request and service, API v1 case, KIM, post and information item, calendars."""
    args = world.args[tenant]
    code, number = args["code:aspiration"], args["number"]
    return {
        "tracking code": f"/aspirasi/{code}/",
        "tracking code form": f"/aspirasi/lacak/?code={code}",
        "PPID number": f"/ppid/permohonan/{number}/{args['token']}/",
        "Open311 request": f"/open311/v2/requests/{code}.json",
        "Open311 service": f"/open311/v2/services/{args['code:case_category']}.json",
        "API v1 case": f"/api/v1/aspirasi/{code}/",
        "API v1 KIM": f"/api/v1/kim/{args['kim']}/",
        "API v1 KIM posts": f"/api/v1/kim/{args['kim']}/berita/",
        "API v1 information": f"/api/v1/informasi/{args['slug:info']}/",
        "API v1 statistics": f"/api/v1/statistik/{args['kabupaten']}/",
        "KIM feed": f"/kim/{args['kim']}/feed/",
        "KIM calendar": f"/kim/{args['kim']}/agenda.ics",
        "training calendar": f"/literasi/pelatihan/{args['pk:training']}/kalender.ics",
        "KIM ranking": f"/literasi/peringkat/{args['kabupaten']}/2026/",
    }


def test_public_identifiers_are_found_only_on_their_tenant_host(world, mempawah):
    """Each identifier of B: found on B's host (so that the test can fail), a 404 on A's;
    and the other way round for A's."""
    failures = []
    for tenant, home, away in (("a", HOST_A, HOST_B), ("b", HOST_B, HOST_A)):
        for label, url in _identifier_urls(world, tenant).items():
            cache.clear()
            found = Client().get(url, HTTP_HOST=home)
            if found.status_code not in (200, 302):
                failures.append(f"{tenant} {label} {url} on its own host: {found.status_code}")
            elif found.status_code == 302 and "/akun/masuk/" in found["Location"]:
                failures.append(f"{tenant} {label} {url} on its own host: sign-in")
            cache.clear()
            other = Client().get(url, HTTP_HOST=away)
            if other.status_code not in (404, 429) or _leaks(other, markers(world, tenant), url):
                failures.append(f"{tenant} {label} {url} on the other host: {other.status_code}")
    assert not failures, "\n".join(failures)


def test_the_ppid_lookup_mails_the_link_only_on_its_tenant_host(world, mempawah):
    """The lookup form answers alike on every host and never shows the link; it mails the
    link only when the number is one of the host's own."""
    failures = []
    for tenant, home, away in (("a", HOST_A, HOST_B), ("b", HOST_B, HOST_A)):
        number = world.args[tenant]["number"]
        url = "/ppid/permohonan/lacak/"
        data = {"number": number, "contact": f"maria-kim-{tenant}@example.test"}
        for host, expected in ((home, 1), (away, 0)):
            cache.clear()
            mail.outbox.clear()
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = Client().post(url, data, HTTP_HOST=host, follow=True)
            if response.status_code != 200 or len(mail.outbox) != expected:
                failures.append(f"{tenant} on {host}: {response.status_code}, {mail.outbox}")
            elif world.args[tenant]["token"] in response.content.decode():
                failures.append(f"{tenant} on {host}: the private link is shown")
    assert not failures, "\n".join(failures)


def test_open_data_files_of_a_host_hold_only_its_rows(world, mempawah):
    failures = []
    for slug in DATASETS:
        for fmt in ("csv", "json"):
            url = f"/data/{slug}.{fmt}"
            for host, other in ((HOST_A, "b"), (HOST_B, "a")):
                cache.clear()
                response = Client().get(url, HTTP_HOST=host)
                if response.status_code != 200:
                    failures.append(f"{url} on {host}: {response.status_code}")
                elif leaks := _leaks(response, markers(world, other)):
                    failures.append(f"{url} on {host}: {leaks}")
    kim_file = Client().get("/data/kim.csv", HTTP_HOST=HOST_B)
    assert world.kims["b"].name in b"".join(kim_file.streaming_content).decode()
    assert not failures, "\n".join(failures)


# Workspace pages that list the host's public things: "my learning" offers the published
# modules and open trainings of the kabupaten whose host it is opened on.
HOST_PUBLIC = {"literacy:mine": ("Modul ", "Pelatihan ")}


def test_a_staff_on_b_host_sees_only_what_their_memberships_allow(world, role_clients, mempawah):
    """The workspace is scoped by memberships, not by the host: A's roles opening the
    /kelola/ addresses of B's objects on B's own host are refused as they are on A's
    host, and no workspace page there (with B's parameters or A's) carries B's strings."""
    failures, tried = [], 0
    for name, route in sorted(patterns().items()):
        if not route.startswith("kelola/"):
            continue
        shown = HOST_PUBLIC.get(name, ())
        b_strings = [s for s in markers(world, "b") if not s.startswith(shown)]
        url_a, url_b = (url_for(name, route, world.args[t]) for t in ("a", "b"))
        refused_on_a = dict(zip(ROLES, EXPECTED[name][1].split(), strict=True))
        for role in ("ketua", "kab_admin", "opd", "camat"):
            for url in sorted({url_a, url_b}):
                cache.clear()
                response = role_clients[role].get(url, HTTP_HOST=HOST_B)
                tried += 1
                code = status_code(response)
                if leaks := _leaks(response, b_strings, url):
                    failures.append(f"{name} {role} {url}: {code} {leaks}")
                    continue
                refused_here = code in REFUSED
                if url == url_b != url_a and refused_on_a[role] in REFUSED and not refused_here:
                    failures.append(f"{name} {role} {url}: {code} on B's host")
    assert tried > 200
    assert not failures, "\n".join(failures)


def test_certificates_are_checked_only_on_their_kabupaten_host(world, mempawah):
    """A certificate of a kabupaten's module is verified on that kabupaten's host; on
    another's it is unknown (a platform module's, with no kabupaten, on every host)."""
    codes = {}
    for tenant in ("a", "b"):
        codes[tenant] = f"CERT{tenant.upper()}2345678"
        Certificate.objects.filter(code=world.args[tenant]["code:certificate"]).update(
            code=codes[tenant]
        )
    for tenant, home, away in (("a", HOST_A, HOST_B), ("b", HOST_B, HOST_A)):
        url = f"/literasi/sertifikat/{codes[tenant]}/"
        cache.clear()
        assert Client().get(url, HTTP_HOST=home).status_code == 200, url
        cache.clear()
        assert Client().get(url, HTTP_HOST=away).status_code == 404, url
    Module.objects.filter(certificates__code=codes["b"]).update(kabupaten=None)
    cache.clear()
    assert Client().get(f"/literasi/sertifikat/{codes['b']}/", HTTP_HOST=HOST_A).status_code == 200
