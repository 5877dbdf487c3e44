"""Working days and service-time deadlines (hari kerja, waktu pelayanan).

Counting rules, in the order they are applied:

1. **Working week.** Monday to Friday (Perpres 21/2023, Pasal 3; docs/domain/working-days.md).
2. **Non-working days.** National holidays (libur nasional) and cuti bersama, both
   fixed yearly by the SKB 3 Menteri and read from the ``holidays`` package
   (categories ``public`` and ``government``). Cuti bersama are deducted from ASN
   annual leave while offices may keep minimal service, so counting them as
   non-working is a *design decision* (unconfirmed as a legal rule;
   docs/domain/working-days.md#holidays-and-cuti-bersama):
   the default is non-working, switchable per kabupaten/kota (``CalendarSettings``).
   ``CalendarOverride`` rows win over everything: a local holiday (not working) or a
   day worked despite the national calendar. A kabupaten/kota row wins over an
   installation-wide row for the same date.
3. **Office hours.** Perpres 21/2023 (Pasal 6–7): work starts 07.30 local time,
   37.5 hours a week excluding breaks, break 60 minutes (Friday 90 minutes). Five days
   of 7.5 hours plus the break give Monday–Thursday 07.30–16.00 and Friday
   07.30–16.30. Durations in minutes or hours run only inside these windows on working
   days (the break is inside the window: the counter keeps serving, so we do not stop
   the clock for it). Local time is the default time zone (``TIME_ZONE``).
4. **Counter cut-off (effective start).** Service times start when the application
   is received complete (observed practice in published standards;
   docs/domain/working-days.md#when-the-clock-starts). One received after
   ``PATEN_COUNTER_CLOSES_AT`` (default 16.00), or on a non-working day, counts as
   received at 07.30 on the next working day; one received on a working day before
   07.30 counts from 07.30 that day. Reason: the clerk cannot process an application
   after the counter closes, and a day on which the office is shut cannot use up any
   of the service time.
5. **Working days.** The effective start day is day 0; "n working days" ends at the
   close of office hours on the n-th working day *after* day 0. So n = 0 means "the
   same working day", and Friday 16.30 + 1 working day = Tuesday 16.00 (start Monday,
   day 1 is Tuesday).
6. **Calendar days.** Day 0 is again the effective start day; the deadline is the
   close of office hours on day n, moved to the close of the next working day if day
   n is not one (the office is shut, so nothing can be handed over; design decision).

At date level, :meth:`WorkingCalendar.add_working_days` counts working days strictly
after ``start`` (``start`` itself is day 0, working or not) and
:meth:`WorkingCalendar.working_days_between` counts working days in ``(a, b]``, and is
negative when ``a > b`` (``between(a, b) == -between(b, a)``), so that for every
start ``working_days_between(start, add_working_days(start, n)) == n``.
"""

import functools
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import holidays

from .constants import HOLIDAY_CATEGORY_CUTI_BERSAMA, HOLIDAY_CATEGORY_PUBLIC, DurationUnit

OFFICE_START = time(7, 30)
OFFICE_END = time(16, 0)
OFFICE_END_FRIDAY = time(16, 30)
FRIDAY = 4
SATURDAY = 5

# Longest durations accepted: ten years. 2610 = 10 years x 52.2 weeks x 5 days; an
# hour or minute duration may not exceed those days at the longest (Friday) window.
MAX_WORKING_DAYS = 2610
MAX_CALENDAR_DAYS = 3653
MAX_HOURS = MAX_WORKING_DAYS * 9
MAX_MINUTES = MAX_HOURS * 60
_MAXIMA = {
    DurationUnit.MINUTES: MAX_MINUTES,
    DurationUnit.HOURS: MAX_HOURS,
    DurationUnit.WORKING_DAYS: MAX_WORKING_DAYS,
    DurationUnit.CALENDAR_DAYS: MAX_CALENDAR_DAYS,
}


class InvalidDuration(ValueError):
    """A duration, unit or start that the calendar refuses to compute with."""


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> Mapping[date, tuple[str, str]]:
    """``{date: (name, category)}`` for one year; category is ``public`` or ``government``.

    A date that is both a holiday and a cuti bersama counts as a holiday.
    """
    days: dict[date, tuple[str, str]] = {}
    for category in (HOLIDAY_CATEGORY_CUTI_BERSAMA, HOLIDAY_CATEGORY_PUBLIC):
        calendar = holidays.country_holidays(
            "ID", years=year, categories=(category,), language="id"
        )
        days.update({day: (name, category) for day, name in calendar.items()})
    return MappingProxyType(days)


def _kabupaten_kota_code(region) -> str:
    code = getattr(region, "code", region) or settings.PATEN_KABUPATEN_KOTA
    return ".".join(str(code).split(".")[:2])


def _check_date(value) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidDuration(
            _("Expected a date, got %(value)r.") % {"value": value},
        )
    return value


def _check_count(value, maximum: int, unit) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidDuration(
            _("The duration must be a whole number, got %(value)r.") % {"value": value}
        )
    if value < 0:
        raise InvalidDuration(_("The duration cannot be negative (%(value)s).") % {"value": value})
    if value > maximum:
        raise InvalidDuration(
            _("A duration of %(value)s %(unit)s is too long: at most %(maximum)s.")
            % {"value": value, "unit": DurationUnit(unit).label, "maximum": maximum}
        )
    return value


class WorkingCalendar:
    """The working-day calendar of one kabupaten/kota; cheap to build, pure to use.

    Build it with :meth:`for_region` (loads the overrides and the cuti bersama
    setting with two queries) or directly with explicit overrides for tests.
    """

    def __init__(
        self,
        *,
        overrides: Mapping[date, bool] | None = None,
        cuti_bersama_is_working_day: bool = False,
        counter_closes_at: time | str | None = None,
        tz=None,
    ):
        self.overrides = dict(overrides or {})
        self.cuti_bersama_is_working_day = cuti_bersama_is_working_day
        if counter_closes_at is None:
            counter_closes_at = getattr(settings, "PATEN_COUNTER_CLOSES_AT", "16:00")
        if isinstance(counter_closes_at, str):
            counter_closes_at = time.fromisoformat(counter_closes_at)
        self.counter_closes_at = counter_closes_at
        self.tz = tz or timezone.get_default_timezone()

    @classmethod
    def for_region(cls, region=None, **kwargs) -> "WorkingCalendar":
        """The calendar of a kabupaten/kota (a ``Region`` or a code; a kecamatan or desa
        code means its kabupaten/kota; None means ``PATEN_KABUPATEN_KOTA``)."""
        from .models import CalendarOverride, CalendarSettings

        code = _kabupaten_kota_code(region)
        rows = CalendarOverride.objects.filter(
            Q(kabupaten_kota_id=code) | Q(kabupaten_kota__isnull=True)
        )
        overrides: dict[date, bool] = {}
        # Installation-wide rows first, so that the kabupaten/kota's own rows win.
        for day, is_working, _region in sorted(
            rows.values_list("date", "is_working_day", "kabupaten_kota_id"),
            key=lambda row: row[2] is not None,
        ):
            overrides[day] = is_working
        cuti_bersama_working = (
            CalendarSettings.objects.filter(kabupaten_kota_id=code)
            .values_list("cuti_bersama_is_working_day", flat=True)
            .first()
        )
        return cls(
            overrides=overrides, cuti_bersama_is_working_day=bool(cuti_bersama_working), **kwargs
        )

    # -- days ---------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        _check_date(day)
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() >= SATURDAY:
            return False
        holiday = national_holidays(day.year).get(day)
        if holiday is None:
            return True
        return holiday[1] == HOLIDAY_CATEGORY_CUTI_BERSAMA and self.cuti_bersama_is_working_day

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` is day 0; n = 0 gives ``start``)."""
        _check_date(start)
        _check_count(n, MAX_WORKING_DAYS, DurationUnit.WORKING_DAYS)
        day = start
        for _i in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative when ``a > b``."""
        _check_date(a)
        _check_date(b)
        if a > b:
            return -self.working_days_between(b, a)
        count = 0
        day = a + timedelta(days=1)
        while day <= b:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    # -- times --------------------------------------------------------------------

    def office_hours(self, day: date) -> tuple[datetime, datetime]:
        """Opening and closing time of ``day`` (whether or not it is a working day)."""
        end = OFFICE_END_FRIDAY if day.weekday() == FRIDAY else OFFICE_END
        return (
            datetime.combine(day, OFFICE_START, tzinfo=self.tz),
            datetime.combine(day, end, tzinfo=self.tz),
        )

    def _check_datetime(self, value) -> datetime:
        if not isinstance(value, datetime):
            raise InvalidDuration(_("Expected a date and time, got %(value)r.") % {"value": value})
        if timezone.is_naive(value):
            raise InvalidDuration(
                _("The time %(value)s has no time zone.") % {"value": value.isoformat()}
            )
        return value.astimezone(self.tz)

    def effective_start(self, received_at: datetime) -> datetime:
        """When the service time starts for an application received at ``received_at``."""
        local = self._check_datetime(received_at)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.counter_closes_at:
            opening, _closing = self.office_hours(day)
            return max(local, opening)
        return self.office_hours(self.next_working_day(day))[0]

    def add_duration(self, start: datetime, value: int, unit: DurationUnit | str) -> datetime:
        """The deadline of a service time of ``value`` ``unit`` for an application
        received at ``start`` (an aware datetime); returned in local time."""
        try:
            unit = DurationUnit(unit)
        except ValueError:
            raise InvalidDuration(_("Unknown duration unit %(unit)r.") % {"unit": unit}) from None
        _check_count(value, _MAXIMA[unit], unit)
        begin = self.effective_start(start)
        if unit == DurationUnit.WORKING_DAYS:
            return self.office_hours(self.add_working_days(begin.date(), value))[1]
        if unit == DurationUnit.CALENDAR_DAYS:
            day = begin.date() + timedelta(days=value)
            if not self.is_working_day(day):
                day = self.next_working_day(day)
            return self.office_hours(day)[1]
        minutes = value * 60 if unit == DurationUnit.HOURS else value
        return self._add_office_minutes(begin, timedelta(minutes=minutes))

    def _add_office_minutes(self, current: datetime, remaining: timedelta) -> datetime:
        while True:
            day = current.date()
            if self.is_working_day(day):
                opening, closing = self.office_hours(day)
                current = max(current, opening)
                available = closing - current
                if remaining <= available:
                    return current + remaining
                remaining -= max(available, timedelta(0))
            current = self.office_hours(day + timedelta(days=1))[0]


# -- module-level shortcuts (one calendar per call; build a WorkingCalendar to reuse) --


def is_working_day(day: date, *, region=None) -> bool:
    return WorkingCalendar.for_region(region).is_working_day(day)


def add_working_days(start: date, n: int, *, region=None) -> date:
    return WorkingCalendar.for_region(region).add_working_days(start, n)


def working_days_between(a: date, b: date, *, region=None) -> int:
    return WorkingCalendar.for_region(region).working_days_between(a, b)


def add_duration(start: datetime, value: int, unit: DurationUnit | str, *, region=None) -> datetime:
    return WorkingCalendar.for_region(region).add_duration(start, value, unit)
