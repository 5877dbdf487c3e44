"""Working-day arithmetic of reports, exports and evaluation metrics: pure, no ORM."""

from datetime import date, timedelta
from statistics import median

from paten.workdays.calendar import WorkingCalendar


class WorkingDayIndex:
    """Working days between two dates in O(1): a cumulative count over a date range.

    ``between(a, b)`` equals ``WorkingCalendar.working_days_between(a, b)`` (working
    days in ``(a, b]``), precomputed once per report instead of per application.
    """

    def __init__(self, calendar: WorkingCalendar, first: date, last: date):
        self.first = first
        self.cumulative: list[int] = []
        count, day = 0, first
        while day <= last:
            count += calendar.is_working_day(day)
            self.cumulative.append(count)
            day += timedelta(days=1)
        self.calendar = calendar

    def _at(self, day: date) -> int:
        index = (day - self.first).days
        if 0 <= index < len(self.cumulative):
            return self.cumulative[index]
        return self.calendar.working_days_between(self.first, day) + self.cumulative[0]

    def between(self, a: date, b: date) -> int:
        return self._at(b) - self._at(a)


def summary(values: list[int]) -> tuple[float | None, float | None]:
    """(mean, median) rounded to one decimal, or (None, None) for no values."""
    if not values:
        return None, None
    return round(sum(values) / len(values), 1), round(float(median(values)), 1)
