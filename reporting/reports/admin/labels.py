"""How the report admin pages name a run's scope, its duration and a schedule's timing."""

from datetime import timedelta

from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from paten.regions.models import Region
from reporting.models import ReportSchedule, ScheduleFrequency


def region_label(region: Region) -> str:
    return region.name


def scope_label_for(kecamatan) -> str:
    return kecamatan.name if kecamatan is not None else _("Whole kabupaten/kota")


def duration_label(duration: timedelta | None) -> str:
    if duration is None:
        return "—"
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def schedule_when(schedule: ReportSchedule) -> str:
    time = f"{schedule.hour:02d}.{schedule.minute:02d}"
    if schedule.frequency == ScheduleFrequency.MONTHLY:
        return _("Monthly on day %(day)s at %(time)s") % {
            "day": schedule.day_of_month,
            "time": time,
        }
    if schedule.frequency == ScheduleFrequency.WEEKLY:
        weekday = WEEKDAYS[(schedule.day_of_week - 1) % 7]
        return _("Weekly on %(weekday)s at %(time)s") % {"weekday": weekday, "time": time}
    return _("Daily at %(time)s") % {"time": time}


def schedule_next_run(schedule: ReportSchedule) -> str:
    """When beat fires the schedule next (from its crontab, in the installation's zone)."""
    task = schedule.periodic_task
    if not schedule.is_active or task is None or not task.enabled or task.crontab is None:
        return "—"
    crontab = task.crontab.schedule
    now = crontab.now()
    upcoming = now + crontab.remaining_estimate(now) + timedelta(seconds=30)
    return date_format(upcoming.replace(second=0, microsecond=0), "j F Y H.i")
