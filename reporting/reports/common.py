"""Helpers shared by the report kinds: period, scope, working-day arithmetic."""

from datetime import date, timedelta
from statistics import median

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from forms_builder.models import Application
from paten.workdays.calendar import WorkingCalendar
from reporting.models import ReportRun
from reporting.survey.selectors import local_day_bounds as period_bounds  # noqa: F401 (the reports' name)


def run_period(run: ReportRun) -> tuple[date, date]:
    return date.fromisoformat(run.parameters["start"]), date.fromisoformat(run.parameters["end"])


def scope_label(run: ReportRun) -> str:
    if run.kecamatan_id:
        return f"Kecamatan {run.kecamatan.name}"
    from paten.site.models import SiteSettings

    name = (
        SiteSettings.objects.filter(site__is_default_site=True)
        .values_list("pemda_name", flat=True)
        .first()
    )
    return name or _("Whole kabupaten/kota")


def scoped_applications(run: ReportRun) -> QuerySet:
    """Applications inside the run's scope (the scope was checked when it was requested)."""
    applications = Application.objects.all()
    if run.kecamatan_id:
        applications = applications.filter(kecamatan_id=run.kecamatan_id)
    return applications


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
