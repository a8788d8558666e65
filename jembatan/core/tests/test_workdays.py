"""Working days: weekends, holidays, cuti bersama, regional holidays, the cache, the loader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jembatan.core import workdays
from jembatan.core.models import Holiday
from jembatan.core.workdays import add_working_days, is_working_day, working_days_between
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db

BENGKAYANG = "61.07"
MEMPAWAH = "61.04"


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def national(day: date, name: str = "Libur", kind: str = Holiday.Kind.NATIONAL) -> Holiday:
    return Holiday.objects.create(date=day, name=name, kind=kind)


def load(path=None) -> str:
    out = StringIO()
    if path is None:
        call_command("load_holidays", stdout=out)
    else:
        call_command("load_holidays", "--file", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(Holiday.objects.order_by("date").values_list("date", "name", "kind", "kabupaten"))


# --- the calendar --------------------------------------------------------------------


def test_weekends_are_skipped():
    # 3 October 2025 is a Friday; no holiday in October 2025.
    assert date(2025, 10, 3).weekday() == 4
    assert is_working_day(date(2025, 10, 3))
    assert not is_working_day(date(2025, 10, 4))
    assert not is_working_day(date(2025, 10, 5))
    assert add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 6)
    assert add_working_days(date(2025, 10, 3), 5) == date(2025, 10, 10)
    assert add_working_days(date(2025, 10, 3), 6) == date(2025, 10, 13)


def test_a_national_holiday_is_skipped():
    national(date(2025, 10, 7))  # a Tuesday
    assert not is_working_day(date(2025, 10, 7))
    assert add_working_days(date(2025, 10, 6), 1) == date(2025, 10, 8)


def test_cuti_bersama_is_skipped():
    national(date(2025, 10, 7), "Cuti bersama", Holiday.Kind.JOINT_LEAVE)
    assert not is_working_day(date(2025, 10, 7))
    assert add_working_days(date(2025, 10, 6), 2) == date(2025, 10, 9)


def test_a_regional_holiday_only_affects_its_kabupaten():
    kabupaten = region_chain(BENGKAYANG, "Kabupaten Bengkayang")
    region_chain(MEMPAWAH, "Kabupaten Mempawah")
    Holiday.objects.create(
        date=date(2025, 10, 7),
        name="Hari jadi Kabupaten Bengkayang",
        kind=Holiday.Kind.REGIONAL,
        kabupaten=kabupaten,
    )
    day = date(2025, 10, 7)
    assert not is_working_day(day, kabupaten_code=BENGKAYANG)
    # Any region within the kabupaten names it too (a desa of Bengkayang).
    assert not is_working_day(day, kabupaten_code="61.07.04.2001")
    assert is_working_day(day, kabupaten_code=MEMPAWAH)
    assert is_working_day(day)
    assert add_working_days(date(2025, 10, 6), 1, kabupaten_code=BENGKAYANG) == date(2025, 10, 8)
    assert add_working_days(date(2025, 10, 6), 1, kabupaten_code=MEMPAWAH) == day
    assert add_working_days(date(2025, 10, 6), 1) == day
    assert working_days_between(date(2025, 10, 6), date(2025, 10, 10), kabupaten_code="61.07") == 3
    assert working_days_between(date(2025, 10, 6), date(2025, 10, 10)) == 4


def test_a_start_on_a_saturday_counts_from_monday():
    saturday = date(2025, 10, 4)
    assert add_working_days(saturday, 0) == date(2025, 10, 6)  # Monday
    assert add_working_days(saturday, 1) == date(2025, 10, 7)
    assert add_working_days(saturday, 5) == date(2025, 10, 13)
    # A working day plus nothing is itself.
    assert add_working_days(date(2025, 10, 8), 0) == date(2025, 10, 8)


def test_across_the_year_boundary(django_assert_max_num_queries):
    national(date(2025, 12, 25), "Natal")
    national(date(2025, 12, 26), "Cuti bersama Natal", Holiday.Kind.JOINT_LEAVE)
    national(date(2026, 1, 1), "Tahun Baru")
    # From Wednesday 24 December 2025: 25 (Natal), 26 (cuti bersama), 27-28 weekend;
    # 29, 30, 31 December are 1-3, 1 January is a holiday, Friday 2 January is 4,
    # Monday 5 January 2026 is 5.
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2025, 12, 24), 5) == date(2026, 1, 5)
    assert working_days_between(date(2025, 12, 24), date(2026, 1, 5)) == 5
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_ten_working_days_around_idul_fitri_2026():
    load()
    # An information request (UU 14/2008: 10 working days) received on Monday
    # 16 March 2026. Tuesday 17 March is day 1. Then nothing counts until Wednesday
    # 25 March: 18 (cuti bersama Nyepi), 19 (Nyepi), 20 (cuti bersama Idul Fitri),
    # 21-22 (Idul Fitri, a weekend), 23-24 (cuti bersama Idul Fitri). 25, 26, 27 March
    # are days 2-4, 30 and 31 March days 5-6, 1 and 2 April days 7-8, Friday 3 April is
    # Wafat Yesus Kristus (and 5 April Paskah, a Sunday), so Monday 6 April is day 9 and
    # Tuesday 7 April 2026 day 10: the deadline. (Without holidays: 30 March.)
    received = date(2026, 3, 16)
    assert add_working_days(received, 10) == date(2026, 4, 7)
    assert working_days_between(received, date(2026, 4, 7)) == 10
    for day in range(18, 25):
        assert not is_working_day(date(2026, 3, day)), day
    assert is_working_day(date(2026, 3, 25))
    # The extension by 7 working days (Pasal 22 ayat 8): 8, 9, 10, 13, 14, 15, 16 April.
    assert add_working_days(date(2026, 4, 7), 7) == date(2026, 4, 16)


def test_an_aware_datetime_counts_as_its_local_date(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    load()
    # 17 March 2026 20:00 UTC is 18 March 03:00 WIB: cuti bersama Nyepi, so the first
    # working day is Wednesday 25 March.
    received = datetime(2026, 3, 17, 20, 0, tzinfo=UTC)
    assert add_working_days(received, 0) == date(2026, 3, 25)
    assert add_working_days(received, 1) == date(2026, 3, 26)
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 3, 17, 20, 0), 1)  # naive


def test_negative_days_and_bad_codes_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 6), -1)
    with pytest.raises(ValueError):
        is_working_day(date(2025, 10, 6), kabupaten_code="61")


def test_working_days_between():
    friday, monday = date(2025, 10, 3), date(2025, 10, 6)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, date(2025, 10, 4)) == 0  # Saturday
    assert working_days_between(friday, friday) == 0
    assert working_days_between(monday, friday) == 0
    assert working_days_between(friday, date(2025, 10, 17)) == 10
    national(date(2025, 10, 8))
    assert working_days_between(friday, date(2025, 10, 17)) == 9
    for n in range(12):
        assert working_days_between(friday, add_working_days(friday, n)) == n


# --- the cache -----------------------------------------------------------------------


def test_the_cache_is_cleared_when_a_holiday_changes(django_assert_num_queries):
    day = date(2025, 10, 7)
    assert is_working_day(day)
    with django_assert_num_queries(0):
        assert is_working_day(day)  # cached
    holiday = national(day)
    assert not is_working_day(day)
    holiday.kind = Holiday.Kind.JOINT_LEAVE
    holiday.save(update_fields=["kind"])
    assert not is_working_day(day)
    holiday.delete()
    assert is_working_day(day)


def test_the_cache_expires(monkeypatch):
    day = date(2025, 10, 7)
    assert is_working_day(day)
    # A change made by another process sends no signal here.
    Holiday.objects.bulk_create([Holiday(date=day, name="Libur")])
    assert is_working_day(day)
    monkeypatch.setattr(workdays, "CACHE_SECONDS", 0)
    workdays.clear_cache()
    assert not is_working_day(day)


def test_a_hundred_deadlines_cost_one_query(django_assert_max_num_queries):
    load()
    start = date(2026, 1, 5)
    with django_assert_max_num_queries(1):
        deadlines = [add_working_days(start + timedelta(days=i), 10) for i in range(100)]
    assert deadlines[0] == date(2026, 1, 20)  # 16 January (Isra Mikraj) skipped
    with django_assert_max_num_queries(1):
        for i in range(100):
            is_working_day(start + timedelta(days=i), kabupaten_code=BENGKAYANG)


# --- load_holidays -------------------------------------------------------------------


def test_the_shipped_file_loads_and_a_second_run_changes_nothing():
    first = load()
    assert "created 58, updated 0, unchanged 0" in first
    assert Holiday.objects.filter(date__year=2025, kind=Holiday.Kind.NATIONAL).count() == 17
    assert Holiday.objects.filter(date__year=2025, kind=Holiday.Kind.JOINT_LEAVE).count() == 11
    assert Holiday.objects.filter(date__year=2026, kind=Holiday.Kind.NATIONAL).count() == 17
    assert Holiday.objects.filter(date__year=2026, kind=Holiday.Kind.JOINT_LEAVE).count() == 8
    # 2027: the fixed-date holidays only, until the SKB for 2027 is out.
    assert [
        d.isoformat()[5:] for d in Holiday.objects.filter(date__year=2027).dates("date", "day")
    ] == ["01-01", "05-01", "06-01", "08-17", "12-25"]
    assert not Holiday.objects.filter(kabupaten__isnull=False).exists()
    before = snapshot()
    second = load()
    assert "created 0, updated 0, unchanged 58" in second
    assert "no changes" in second
    assert snapshot() == before


def test_a_changed_name_is_updated_and_regional_holidays_are_left_alone(tmp_path):
    kabupaten = region_chain(BENGKAYANG, "Kabupaten Bengkayang")
    regional = Holiday.objects.create(
        date=date(2026, 1, 1), name="Daerah", kind=Holiday.Kind.REGIONAL, kabupaten=kabupaten
    )
    national(date(2026, 1, 1), "Tahun baru")
    national(date(2026, 2, 2), "Dipindah")
    path = tmp_path / "holidays.csv"
    path.write_text(
        "# test\ndate,name,kind\n"
        "2026-01-01,Tahun Baru 2026 Masehi,libur_nasional\n"
        '2026-01-16,"Isra Mikraj Nabi Muhammad SAW",libur_nasional\n'
    )
    out = load(path)
    assert "created 1, updated 1, unchanged 0" in out
    assert "Kept 1 nationwide holidays" in out
    assert Holiday.objects.get(date=date(2026, 1, 1), kabupaten=None).name == (
        "Tahun Baru 2026 Masehi"
    )
    regional.refresh_from_db()
    assert regional.name == "Daerah"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("2026-02-30,Tanggal salah,libur_nasional", "line 5: '2026-02-30' is not a date"),
        ("17/08/2026,Proklamasi,libur_nasional", "line 5: '17/08/2026' is not a date"),
        ("2026-08-17,Proklamasi,libur", "line 5: kind 'libur' is not one of"),
        ("2026-08-17,Hari jadi,libur_daerah", "line 5: kind 'libur_daerah'"),
        ("2026-08-17,Proklamasi", "line 5: expected 3 columns"),
        ("2026-08-17,,libur_nasional", "line 5: the name must be"),
        ("2026-01-01,Lagi,libur_nasional", "line 5: 2026-01-01 is already on line 3"),
    ],
)
def test_a_bad_row_changes_nothing(tmp_path, bad_line, message):
    load()
    before = snapshot()
    path = tmp_path / "holidays.csv"
    path.write_text(
        "# a good row first, then a bad one\n"
        "date,name,kind\n"
        "2026-01-01,Nama baru,libur_nasional\n"
        "2027-01-01,Tahun Baru 2027 Masehi,libur_nasional\n"
        f"{bad_line}\n"
    )
    with pytest.raises(CommandError) as error:
        load(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert snapshot() == before


def test_a_bad_header_or_missing_file_is_refused(tmp_path):
    path = tmp_path / "holidays.csv"
    path.write_text("tanggal,nama,jenis\n2026-01-01,Tahun Baru,libur_nasional\n")
    with pytest.raises(CommandError, match="line 1: expected the header date,name,kind"):
        load(path)
    path.write_text("# nothing\ndate,name,kind\n")
    with pytest.raises(CommandError, match="no holidays"):
        load(path)
    with pytest.raises(CommandError, match="cannot read"):
        load(tmp_path / "missing.csv")
    assert not Holiday.objects.exists()
