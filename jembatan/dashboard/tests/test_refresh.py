import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jembatan.core.workdays import working_days_between
from jembatan.dashboard import rollup as R
from jembatan.dashboard.models import CurrentStat, MonthlyStat, StatsRun
from jembatan.dashboard.tasks import refresh_recent_stats
from jembatan.dashboard.tests.conftest import answer, make_case


def test_refresh_stats_command(world, capsys):
    call_command("refresh_stats")
    assert "baris statistik" in capsys.readouterr().out
    run = StatsRun.objects.get()
    assert run.finished_at is not None and run.since is None
    call_command("refresh_stats", "--since", "2026-01")
    assert StatsRun.objects.latest("started_at").since == datetime.date(2026, 1, 1)
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("refresh_stats", "--since", "januari")


def test_periodic_task_refreshes_recent_months(world):
    rows = refresh_recent_stats.call_local()
    assert rows > 0
    assert CurrentStat.objects.filter(level=0, metric=R.KIMS).get().value == 4


def test_rollups_add_up_across_levels(world):
    R.refresh()
    month = R.month_start(timezone.localdate())

    def value(level, code, metric):
        row = MonthlyStat.objects.filter(level=level, region_code=code, month=month, metric=metric)
        return row.get().value if row.exists() else 0

    kecamatan = value(3, "61.07.04", R.POSTS) + value(3, "61.07.05", R.POSTS)
    assert kecamatan == value(2, "61.07", R.POSTS) == 4
    assert value(1, "61", R.POSTS) == value(0, "", R.POSTS) == 5
    parents = set(
        MonthlyStat.objects.filter(level=3, region_code="61.07.04").values_list(
            "parent_code", flat=True
        )
    )
    assert parents == {"61.07"}


def test_median_days_to_answer_counts_each_case_once(world):
    category = world.cases[0].category
    region = world.cases[0].region
    now = timezone.now()
    working = []
    for days in (2, 4, 30):
        created = now - datetime.timedelta(days=days, hours=1)
        case = make_case(region, category, created)
        answer(case, now)
        working.append(working_days_between(created, now, kabupaten_code="61.07"))
    # Reopened and answered again later: the first answer counts.
    answer(world.cases[2], now)
    answer(world.cases[2], now + datetime.timedelta(days=9))
    R.refresh()
    from jembatan.dashboard.stats import figures

    data = figures(code="61.07")
    # Working days, as the deadlines count them: 0 (fixture), 0 (case 2, same day) and
    # the three cases above; the middle one of the five is the median.
    assert data.median_days_to_answer == float(sorted([0, 0, *working])[2])
    assert working[2] < 30  # weekends left out
    assert data.totals[R.ANSWERED] == 5


def test_workspace_links_the_dashboard(client, world):
    client.force_login(world.admin)
    assert b"/kelola/dasbor/" in client.get("/kelola/").content
    client.force_login(world.outsider)
    assert b"/kelola/dasbor/" not in client.get("/kelola/").content


def test_footer_or_nav_links_statistics(client, world):
    assert b'href="/statistik/"' in client.get("/data/").content
