import datetime
import json

from django.utils import timezone

from jembatan.dashboard import rollup as R
from jembatan.dashboard.models import CurrentStat, MonthlyStat
from jembatan.dashboard.stats import figures, median_from_histogram, public_statistics


def test_public_statistics_of_a_kabupaten(world):
    R.refresh()
    data = public_statistics(kabupaten_code="61.07")
    json.dumps(data)  # JSON-ready
    assert data["kabupaten"] == {"code": "61.07", "name": "Kabupaten Bengkayang"}
    assert data["kims"] == 3
    assert data["desa"] == 4
    assert data["desa_with_kim"] == 3
    assert data["coverage_percent"] == 75.0
    assert data["posts_published"] == 4  # the other kabupaten's and the scheduled one excluded
    asp = data["aspirations"]
    # The public figures leave the confidential case out, as the public list does.
    assert asp["received"] == 4
    assert asp["open"] == 3
    assert asp["overdue"] == 1
    assert asp["median_days_to_answer"] == 0.0
    assert asp["satisfaction"] == 4.0
    assert data["members_trained"] == 0
    this_month = timezone.localdate().strftime("%Y-%m")
    assert data["months"][-1] == {"month": this_month, "posts": 4, "aspirations": 4}
    assert len(data["months"]) == 12
    kec = {k["code"]: k for k in data["kecamatan"]}
    assert kec["61.07.04"] == {
        "code": "61.07.04",
        "name": "Sungai Raya",
        "desa": 3,
        "desa_with_kim": 2,
        "kims": 2,
    }
    assert kec["61.07.05"]["kims"] == 1
    assert "Rahasiawati" not in json.dumps(data)
    assert data["updated_at"] is not None


def test_public_statistics_before_any_refresh_is_empty_not_an_error(world):
    data = public_statistics(kabupaten_code="61.07")
    assert data["kims"] == 0
    assert data["updated_at"] is None
    assert data["aspirations"]["median_days_to_answer"] is None


def test_reach_and_republications(world):
    R.refresh()
    data = figures(code="61.07")
    assert data.totals[R.REACH] == 10  # 7 views + 3 clicks
    assert data.totals[R.REPUBLICATIONS] == 1
    assert data.totals[R.DELIVERIES] == 2
    national = figures(code="")
    assert national.totals[R.POSTS] == 5
    assert [c["code"] for c in national.children] == ["61"]


def test_refresh_since_keeps_older_months(world):
    old = world.now - datetime.timedelta(days=400)
    from jembatan.dashboard.tests.conftest import make_post

    make_post(world.kim_a, old)
    R.refresh()
    old_month = R.month_start(timezone.localtime(old).date())
    assert MonthlyStat.objects.filter(month=old_month, metric=R.POSTS, region_code="61.07").exists()
    R.refresh_recent()
    # Still there: only the last two months were recomputed.
    row = MonthlyStat.objects.get(month=old_month, metric=R.POSTS, region_code="61.07")
    assert row.value == 1
    assert CurrentStat.objects.get(region_code="61.07", metric=R.KIMS).value == 3


def test_median_from_histogram():
    assert median_from_histogram({}) is None
    assert median_from_histogram({1: 1, 3: 1, 10: 1}) == 3.0
    assert median_from_histogram({2: 2, 4: 2}) == 3.0


def test_public_statistics_of_an_unknown_kabupaten_raises(db):
    import pytest

    from jembatan.regions.models import Region

    with pytest.raises(Region.DoesNotExist):
        public_statistics(kabupaten_code="99.99")


def test_charts_escape_names():
    from jembatan.dashboard.charts import Point, bar_chart, tile_map

    svg = tile_map(
        [
            {
                "code": "1",
                "name": "<script>x</script>",
                "coverage_percent": 50.0,
                "url": "/a?c=2&d",
            }
        ],
        title="Peta",
        desc="d",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'href="/a?c=2&amp;d"' in svg
    chart = bar_chart([Point("01/26", 3, None)], title="<b>", desc="d", line=[1])
    assert "<b>" not in chart and "<polyline" in chart
