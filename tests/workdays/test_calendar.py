"""The working-day rules of paten.workdays.calendar (its module docstring states them)."""

from datetime import date, datetime, timedelta

from django.utils import translation

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paten.workdays.calendar import (
    MAX_WORKING_DAYS,
    InvalidDuration,
    WorkingCalendar,
    national_holidays,
)
from paten.workdays.constants import DurationUnit

from .data import WIB

# SKB 3 Menteri for 2026: 17 libur nasional + 8 cuti bersama (docs/domain/working-days.md).
HOLIDAYS_2026 = {
    date(2026, m, d)
    for m, d in [
        (1, 1), (1, 16), (2, 17), (3, 19), (3, 21), (3, 22), (4, 3), (4, 5), (5, 1),
        (5, 14), (5, 27), (5, 31), (6, 1), (6, 16), (8, 17), (8, 25), (12, 25),
    ]
}  # fmt: skip
CUTI_BERSAMA_2026 = {
    date(2026, m, d)
    for m, d in [(2, 16), (3, 18), (3, 20), (3, 23), (3, 24), (5, 15), (5, 28), (12, 24)]
}

WD = DurationUnit.WORKING_DAYS


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


class TestNationalCalendar2026:
    def test_17_holidays_and_8_cuti_bersama_match_the_skb(self):
        days = national_holidays(2026)
        public = {d for d, (_name, category) in days.items() if category == "public"}
        cuti = {d for d, (_name, category) in days.items() if category == "government"}
        assert len(public) == 17
        assert len(cuti) == 8
        assert public == HOLIDAYS_2026
        assert cuti == CUTI_BERSAMA_2026

    def test_number_of_working_days(self, cal):
        # From first principles: every Monday–Friday, minus the SKB days on weekdays.
        weekdays = [d for d in days_of(2026) if d.weekday() < 5]
        off = {d for d in HOLIDAYS_2026 | CUTI_BERSAMA_2026 if d.weekday() < 5}
        expected = len(weekdays) - len(off)
        # 2026 starts on a Thursday: 52 weeks + 1 day = 261 weekdays; 4 holidays fall on
        # a weekend (21, 22 Mar, 5 Apr, 31 May), so 13 holidays + 8 cuti bersama are off.
        assert (len(weekdays), len(off)) == (261, 21)
        assert sum(cal.is_working_day(d) for d in days_of(2026)) == expected == 240
        assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == expected

    def test_cuti_bersama_as_working_days(self):
        cal = WorkingCalendar(tz=WIB, cuti_bersama_is_working_day=True)
        assert sum(cal.is_working_day(d) for d in days_of(2026)) == 240 + 8
        assert not cal.is_working_day(date(2026, 3, 19))  # a holiday stays a holiday


class TestIsWorkingDay:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 11, 20), True),  # Friday
            (date(2026, 11, 21), False),  # Saturday
            (date(2026, 11, 22), False),  # Sunday
            (date(2026, 8, 17), False),  # Hari Kemerdekaan (Monday)
            (date(2026, 3, 18), False),  # cuti bersama Nyepi
        ],
    )
    def test_days(self, cal, day, working):
        assert cal.is_working_day(day) is working


class TestAddWorkingDays:
    def test_zero_is_the_start_day(self, cal):
        assert cal.add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
        assert cal.add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)

    def test_start_on_weekend_counts_from_monday(self, cal):
        # Saturday is day 0; Monday is the first working day after it.
        assert cal.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)

    def test_across_idul_fitri_2026(self, cal):
        # Tue 17 Mar; 18 cuti, 19 Nyepi, 20 cuti, 21–22 Idul Fitri (weekend), 23–24 cuti.
        assert cal.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
        assert cal.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)
        assert cal.working_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 1

    def test_across_the_year_boundary(self, cal):
        # 24 Dec cuti, 25 Natal, 26–27 weekend, 28–31 working, 1 Jan 2027 holiday.
        assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
        assert cal.add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
        assert cal.working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5

    def test_between_is_negative_when_reversed(self, cal):
        a, b = date(2026, 11, 16), date(2026, 11, 23)
        assert cal.working_days_between(a, b) == 5
        assert cal.working_days_between(b, a) == -5
        assert cal.working_days_between(a, a) == 0


class TestAddDuration:
    def test_same_day_when_zero_working_days(self, cal):
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 0, WD) == at(2026, 11, 23, 16, 0)

    def test_one_working_day_ends_at_close_of_next_day(self, cal):
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 1, WD) == at(2026, 11, 24, 16, 0)
        # Friday's office hours end at 16.30 (90-minute break, Perpres 21/2023).
        assert cal.add_duration(at(2026, 11, 26, 10, 0), 1, WD) == at(2026, 11, 27, 16, 30)

    def test_received_on_a_holiday(self, cal):
        # 17 Aug 2026 (Monday) → effective start Tuesday 07.30.
        assert cal.effective_start(at(2026, 8, 17, 10, 0)) == at(2026, 8, 18, 7, 30)
        assert cal.add_duration(at(2026, 8, 17, 10, 0), 1, WD) == at(2026, 8, 19, 16, 0)

    def test_received_on_a_weekend(self, cal):
        assert cal.effective_start(at(2026, 11, 21, 10, 0)) == at(2026, 11, 23, 7, 30)
        assert cal.add_duration(at(2026, 11, 21, 10, 0), 0, WD) == at(2026, 11, 23, 16, 0)
        assert cal.add_duration(at(2026, 11, 21, 10, 0), 1, WD) == at(2026, 11, 24, 16, 0)

    def test_friday_after_the_counter_closes(self, cal):
        assert cal.effective_start(at(2026, 11, 20, 16, 30)) == at(2026, 11, 23, 7, 30)
        assert cal.effective_start(at(2026, 11, 20, 16, 0)) == at(2026, 11, 23, 7, 30)
        assert cal.add_duration(at(2026, 11, 20, 16, 30), 1, WD) == at(2026, 11, 24, 16, 0)
        # One minute before the cut-off still counts on Friday.
        assert cal.effective_start(at(2026, 11, 20, 15, 59)) == at(2026, 11, 20, 15, 59)
        assert cal.add_duration(at(2026, 11, 20, 15, 59), 1, WD) == at(2026, 11, 23, 16, 0)

    def test_before_opening_counts_from_opening(self, cal):
        assert cal.effective_start(at(2026, 11, 23, 6, 0)) == at(2026, 11, 23, 7, 30)

    def test_other_time_zones_are_converted_to_local_time(self, cal):
        from datetime import UTC

        # 09.10 UTC = 16.10 WIB on a Friday: after the counter closed.
        received = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)
        assert cal.effective_start(received) == at(2026, 11, 23, 7, 30)

    def test_counter_closing_time_comes_from_settings(self, settings):
        settings.PATEN_COUNTER_CLOSES_AT = "15:00"
        cal = WorkingCalendar(tz=WIB)
        assert cal.effective_start(at(2026, 11, 23, 15, 30)) == at(2026, 11, 24, 7, 30)

    def test_across_idul_fitri(self, cal):
        assert cal.add_duration(at(2026, 3, 17, 10, 0), 1, WD) == at(2026, 3, 25, 16, 0)
        assert cal.add_duration(at(2026, 3, 17, 10, 0), 2, "working_days") == at(2026, 3, 26, 16)

    def test_across_the_year_boundary(self, cal):
        assert cal.add_duration(at(2026, 12, 23, 10, 0), 3, WD) == at(2026, 12, 30, 16, 0)
        assert cal.add_duration(at(2026, 12, 31, 10, 0), 1, WD) == at(2027, 1, 4, 16, 0)

    def test_minutes_run_only_in_office_hours(self, cal):
        m = DurationUnit.MINUTES
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 30, m) == at(2026, 11, 23, 10, 30)
        # Ending exactly at closing time stays on the same day.
        assert cal.add_duration(at(2026, 11, 23, 15, 0), 60, m) == at(2026, 11, 23, 16, 0)
        # 60 minutes on Monday, 30 on Tuesday.
        assert cal.add_duration(at(2026, 11, 23, 15, 0), 90, m) == at(2026, 11, 24, 8, 0)
        # Friday's window is 30 minutes longer.
        assert cal.add_duration(at(2026, 11, 20, 15, 30), 60, m) == at(2026, 11, 20, 16, 30)
        # Friday 15.30 + 90 minutes: 60 on Friday, the weekend skipped, 30 on Monday.
        assert cal.add_duration(at(2026, 11, 20, 15, 30), 90, m) == at(2026, 11, 23, 8, 0)
        assert cal.add_duration(at(2026, 11, 21, 10, 0), 0, m) == at(2026, 11, 23, 7, 30)

    def test_hours_run_only_in_office_hours(self, cal):
        h = DurationUnit.HOURS
        # Monday 10.00: 6 hours left that day, 2 more on Tuesday.
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 8, h) == at(2026, 11, 24, 9, 30)
        # Across Idul Fitri: Tue 17 Mar 15.00 + 2 h → Wed 25 Mar 08.30.
        assert cal.add_duration(at(2026, 3, 17, 15, 0), 2, h) == at(2026, 3, 25, 8, 30)
        # A full week of office time is 37.5 hours + the breaks inside the windows.
        assert cal.add_duration(at(2026, 11, 23, 7, 30), 43, h) == at(2026, 11, 27, 16, 30)

    def test_calendar_days(self, cal):
        c = DurationUnit.CALENDAR_DAYS
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 4, c) == at(2026, 11, 27, 16, 30)
        # Day 5 is a Saturday: the deadline moves to Monday's closing time.
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 5, c) == at(2026, 11, 30, 16, 0)
        assert cal.add_duration(at(2026, 11, 23, 10, 0), 0, c) == at(2026, 11, 23, 16, 0)


class TestInvalidInput:
    @pytest.fixture(autouse=True)
    def _english(self):
        with translation.override("en"):
            yield

    @pytest.mark.parametrize("n", [-1, 1.5, "3", None, True, MAX_WORKING_DAYS + 1])
    def test_bad_working_day_counts(self, cal, n):
        with pytest.raises(InvalidDuration):
            cal.add_working_days(date(2026, 11, 23), n)
        with pytest.raises(InvalidDuration):
            cal.add_duration(at(2026, 11, 23, 10), n, WD)

    @pytest.mark.parametrize(
        ("value", "unit"),
        [(3654, "calendar_days"), (23491, "hours"), (10**9, "minutes"), (3651, "working_days")],
    )
    def test_more_than_ten_years(self, cal, value, unit):
        with pytest.raises(InvalidDuration, match="too long"):
            cal.add_duration(at(2026, 11, 23, 10), value, unit)

    def test_naive_datetime(self, cal):
        with pytest.raises(InvalidDuration, match="time zone"):
            cal.add_duration(datetime(2026, 11, 23, 10), 1, WD)

    def test_unknown_unit(self, cal):
        with pytest.raises(InvalidDuration, match="weeks"):
            cal.add_duration(at(2026, 11, 23, 10), 1, "weeks")

    def test_date_and_datetime_are_not_interchangeable(self, cal):
        with pytest.raises(InvalidDuration):
            cal.add_working_days(at(2026, 11, 23, 10), 1)
        with pytest.raises(InvalidDuration):
            cal.add_duration(date(2026, 11, 23), 1, WD)
        with pytest.raises(InvalidDuration):
            cal.working_days_between(date(2026, 11, 23), "2026-11-24")

    def test_is_a_value_error(self, cal):
        with pytest.raises(ValueError):
            cal.add_working_days(date(2026, 11, 23), -1)

    def test_message_is_indonesian(self, cal):
        with translation.override("id"), pytest.raises(InvalidDuration) as excinfo:
            cal.add_working_days(date(2026, 11, 23), -1)
        assert "tidak boleh negatif" in str(excinfo.value)
        with translation.override("id"), pytest.raises(InvalidDuration) as excinfo:
            cal.add_duration(datetime(2026, 11, 23, 10), 1, WD)
        assert "zona waktu" in str(excinfo.value)


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(
        start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
        n=st.integers(min_value=0, max_value=400),
    )
    def test_add_then_count_gives_n(self, start, n):
        cal = WorkingCalendar(tz=WIB)
        result = cal.add_working_days(start, n)
        assert cal.working_days_between(start, result) == n
        if cal.is_working_day(start) or n > 0:
            assert cal.is_working_day(result)
        assert result >= start

    @settings(max_examples=200, deadline=None)
    @given(
        received=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
        n=st.integers(min_value=0, max_value=60),
    )
    def test_deadline_is_a_working_day_close(self, received, n):
        cal = WorkingCalendar(tz=WIB)
        deadline = cal.add_duration(received.replace(tzinfo=WIB), n, WD)
        assert cal.is_working_day(deadline.date())
        assert deadline == cal.office_hours(deadline.date())[1]
        start = cal.effective_start(received.replace(tzinfo=WIB))
        assert cal.working_days_between(start.date(), deadline.date()) == n
