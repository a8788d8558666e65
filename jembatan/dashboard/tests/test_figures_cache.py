"""The dashboards' figures are cached per region (settings.DASHBOARD_CACHE_SECONDS): the
same figures as computed, never stale past a refresh of the rollups nor past the bound."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jembatan.dashboard import rollup as R
from jembatan.dashboard.stats import figures, figures_with, keep_companion
from jembatan.dashboard.tests.conftest import make_post, shown_figures

URL = "/kelola/dasbor/"


@pytest.fixture
def refreshed(world):
    R.refresh()
    return world


def _plain(data) -> tuple:
    return (
        data.name,
        data.months,
        data.current,
        data.monthly,
        data.totals,
        data.all_time,
        data.histogram,
        data.children,
        data.updated_at,
    )


@pytest.mark.parametrize("code", ["61.07", "61", ""])
@pytest.mark.parametrize("confidential", [True, False])
def test_cached_figures_are_the_computed_ones(refreshed, settings, code, confidential):
    settings.DASHBOARD_CACHE_SECONDS = 0
    computed = figures(code=code, confidential=confidential)
    settings.DASHBOARD_CACHE_SECONDS = 60
    stored = figures(code=code, confidential=confidential)
    with CaptureQueriesContext(connection) as queries:
        cached = figures(code=code, confidential=confidential)
    assert len(queries) == 0  # from the cache alone
    assert _plain(stored) == _plain(computed)
    assert _plain(cached) == _plain(computed)


def test_confidential_counts_are_cached_apart(refreshed):
    with_confidential = figures(code="61.07", confidential=True)
    without = figures(code="61.07", confidential=False)
    # The world holds one confidential case in 61.07 (conftest).
    assert with_confidential.totals[R.ASPIRATIONS] == without.totals[R.ASPIRATIONS] + 1
    assert (
        figures(code="61.07", confidential=True).totals[R.ASPIRATIONS]
        == (with_confidential.totals[R.ASPIRATIONS])
    )


def test_a_refresh_replaces_the_cached_figures_at_once(refreshed):
    before = figures(code="61.07").totals[R.POSTS]
    make_post(refreshed.kim_a, timezone.now() - datetime.timedelta(hours=1))
    # The rollups have not seen the post yet: neither has the cache.
    assert figures(code="61.07").totals[R.POSTS] == before
    R.refresh()
    assert figures(code="61.07").totals[R.POSTS] == before + 1


def test_cached_figures_expire_within_the_bound(refreshed, settings, monkeypatch):
    settings.DASHBOARD_CACHE_SECONDS = 60
    figures(code="61.07")
    # The rollups changed behind the cache's back (e.g. a refresh in a process whose
    # cache is not this one): at most DASHBOARD_CACHE_SECONDS later, the new figures.
    R.CurrentStat.objects.filter(level=2, region_code="61.07", metric=R.KIMS).update(value=99)
    assert figures(code="61.07").get(R.KIMS) == 3
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert figures(code="61.07").get(R.KIMS) == 99


def test_the_dashboard_reads_the_rollups_once_per_bound(client, refreshed):
    client.force_login(refreshed.admin)
    first = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL)
    assert again.status_code == 200
    assert shown_figures(again.content.decode()) == shown_figures(first.content.decode())
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "dashboard_monthlystat" not in tables and "dashboard_currentstat" not in tables
    # Their own kabupaten came with their roles: no region is read (scope, breadcrumbs).
    assert 'FROM "regions_region"' not in tables  # (the roles' query joins it)
    assert len(queries) <= 8, [q["sql"][:80] for q in queries.captured_queries]
    # Below it, the region and the breadcrumbs' names are read.
    html = client.get(URL, {"wilayah": "61.07.04"}).content.decode()
    assert '<a href="/kelola/dasbor/?wilayah=61.07">Kabupaten Bengkayang</a>' in html
    assert '<span aria-current="page">Sungai Raya</span>' in html


def test_a_reader_without_confidential_access_never_gets_the_cached_confidential_figures(
    client, refreshed
):
    # Diskominfo reads (and caches) the figures with the confidential case first; the camat
    # of a kecamatan reads without it (dashboard.access.sees_confidential_counts).
    client.force_login(refreshed.admin)
    client.get(URL + "?wilayah=61.07.04")
    client.force_login(refreshed.camat)
    response = client.get(URL + "?wilayah=61.07.04")
    assert response.status_code == 200
    without = figures(code="61.07.04", confidential=False).totals[R.ASPIRATIONS]
    assert response.context["data"].totals[R.ASPIRATIONS] == without
    # Nor the HTML of them, which Diskominfo's request cached.
    assert shown_figures(response.content.decode())["Aspirasi diterima"] == str(without)
    client.force_login(refreshed.admin)
    response = client.get(URL + "?wilayah=61.07.04")
    assert shown_figures(response.content.decode())["Aspirasi diterima"] == str(without + 1)


# The figures' HTML (cards, charts, tables, map) is cached with the figures
# (dashboard.views._figures_html): rendered by the first reader of a reading of the
# figures, then the same for every reader, and never staler than the figures.

FIGURES_TEMPLATE = "dashboard/_overview_figures.html"


def _rendered(response) -> set[str]:
    return {t.name for t in response.templates}


def test_the_figures_html_is_rendered_once_and_served_the_same(client, refreshed):
    client.force_login(refreshed.admin)
    first = client.get(URL)
    assert FIGURES_TEMPLATE in _rendered(first)
    client.force_login(refreshed.operator)  # another reader of the same figures
    again = client.get(URL, {"wilayah": "61.07"})
    assert again.status_code == 200
    assert FIGURES_TEMPLATE not in _rendered(again)
    html, cached_html = first.content.decode(), again.content.decode()

    def figures_part(page: str) -> str:
        return page[page.index('<p class="muted small">') : page.index("</main>")]

    assert figures_part(cached_html) == figures_part(html)
    assert shown_figures(cached_html) == shown_figures(html)
    assert "/kelola/dasbor/?wilayah=61.07.04" in cached_html  # a kecamatan's link


def test_a_refresh_shows_on_the_dashboard_at_once(client, refreshed):
    client.force_login(refreshed.admin)
    before = int(shown_figures(client.get(URL).content.decode())["Berita terbit"])
    make_post(refreshed.kim_a, timezone.now() - datetime.timedelta(hours=1))
    assert shown_figures(client.get(URL).content.decode())["Berita terbit"] == str(before)
    R.refresh()
    assert shown_figures(client.get(URL).content.decode())["Berita terbit"] == str(before + 1)


def test_the_figures_html_expires_with_the_figures(client, refreshed, settings, monkeypatch):
    settings.DASHBOARD_CACHE_SECONDS = 60
    client.force_login(refreshed.admin)
    assert shown_figures(client.get(URL).content.decode())["KIM aktif"] == "3"
    R.CurrentStat.objects.filter(level=2, region_code="61.07", metric=R.KIMS).update(value=99)
    assert shown_figures(client.get(URL).content.decode())["KIM aktif"] == "3"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert shown_figures(client.get(URL).content.decode())["KIM aktif"] == "99"


def test_the_figures_html_is_cached_per_language(client, refreshed, settings):
    client.force_login(refreshed.admin)
    assert "Berita terbit" in shown_figures(client.get(URL).content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL)
    assert "Posts published" in shown_figures(english.content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Berita terbit" in shown_figures(client.get(URL).content.decode())


def test_without_a_figures_cache_the_html_is_rendered_each_time(client, refreshed, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(refreshed.admin)
    client.get(URL)
    assert FIGURES_TEMPLATE in _rendered(client.get(URL))


def test_a_companion_is_given_back_only_with_the_reading_it_was_made_of(refreshed):
    data, kept = figures_with(code="61.07", companion="note")
    assert kept is None
    keep_companion(data, "note", "made of the first reading")
    again, kept = figures_with(code="61.07", companion="note")
    assert again.reading == data.reading and kept == "made of the first reading"
    assert figures_with(code="61.07", companion="other")[1] is None
    # The figures alone leave the cache (evicted, or expired a moment before their
    # companion): read afresh, they are a new reading, and the old companion is not theirs.
    cache.delete(data.cache_key)
    fresh, kept = figures_with(code="61.07", companion="note")
    assert fresh.reading != data.reading and kept is None
    # A refresh of the rollups: a new generation of keys, nothing kept.
    keep_companion(fresh, "note", "made of the second reading")
    R.refresh()
    assert figures_with(code="61.07", companion="note")[1] is None


def test_nothing_is_kept_beside_figures_that_are_not_cached(refreshed, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    data, kept = figures_with(code="61.07", companion="note")
    assert kept is None and data.reading == ""
    keep_companion(data, "note", "never kept")
    assert figures_with(code="61.07", companion="note")[1] is None
