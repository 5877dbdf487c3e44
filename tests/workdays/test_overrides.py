from datetime import date

import pytest

from paten.workdays import calendar
from paten.workdays.calendar import WorkingCalendar
from paten.workdays.models import CalendarOverride, CalendarSettings

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


@pytest.mark.usefixtures("kutai_timur")
class TestOverrides:
    def test_without_overrides(self, bontang):
        assert calendar.add_working_days(date(2026, 11, 20), 1, region="64.74") == MONDAY

    def test_local_holiday(self, bontang):
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=MONDAY, is_working_day=False, name="Hari jadi kota"
        )
        assert calendar.add_working_days(date(2026, 11, 20), 1, region="64.74") == date(
            2026, 11, 24
        )
        assert not calendar.is_working_day(MONDAY, region=bontang)
        # A kecamatan code means its kabupaten/kota; another kabupaten is unaffected.
        assert not calendar.is_working_day(MONDAY, region="64.74.01")
        assert calendar.is_working_day(MONDAY, region="64.72")

    def test_installation_wide_override(self, bontang):
        CalendarOverride.objects.create(date=MONDAY, is_working_day=False, name="Pilkada")
        assert not calendar.is_working_day(MONDAY, region="64.72")
        assert not calendar.is_working_day(MONDAY, region="64.74")

    def test_kabupaten_row_wins_over_installation_row(self, bontang):
        CalendarOverride.objects.create(date=MONDAY, is_working_day=False, name="Libur")
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=MONDAY, is_working_day=True, name="Tetap masuk"
        )
        assert calendar.is_working_day(MONDAY, region="64.74")
        assert not calendar.is_working_day(MONDAY, region="64.72")

    def test_worked_cuti_bersama(self, bontang):
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=date(2026, 3, 18), is_working_day=True, name="Masuk"
        )
        assert calendar.add_working_days(date(2026, 3, 17), 1, region="64.74") == date(2026, 3, 18)
        assert (
            calendar.working_days_between(date(2026, 3, 17), date(2026, 3, 25), region="64.74") == 2
        )

    def test_cuti_bersama_setting(self, bontang):
        CalendarSettings.objects.create(kabupaten_kota=bontang, cuti_bersama_is_working_day=True)
        cal = WorkingCalendar.for_region("64.74")
        assert cal.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 18)
        assert cal.add_working_days(date(2026, 3, 18), 1) == date(2026, 3, 20)  # 19 = Nyepi
        assert not WorkingCalendar.for_region("64.72").is_working_day(date(2026, 3, 18))

    def test_for_region_loads_once(self, bontang, django_assert_num_queries):
        with django_assert_num_queries(2):
            cal = WorkingCalendar.for_region("64.74")
        with django_assert_num_queries(0):
            cal.add_working_days(date(2026, 1, 1), 200)

    def test_default_region_is_the_installation(self, bontang, settings):
        settings.PATEN_KABUPATEN_KOTA = "64.74"
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=MONDAY, is_working_day=False, name="Hari jadi kota"
        )
        assert not calendar.is_working_day(MONDAY)

    def test_one_installation_wide_row_per_date(self, bontang):
        from django.db import IntegrityError

        CalendarOverride.objects.create(date=MONDAY, name="A")
        with pytest.raises(IntegrityError):
            CalendarOverride.objects.create(date=MONDAY, name="B")
