"""Report schedules: kept in step with django-celery-beat, fired by beat.

Each ``ReportSchedule`` owns one ``PeriodicTask`` (crontab in the installation's time
zone) that calls ``reporting.report_schedule_fire`` with the schedule's id. Beat reads
the database (``DatabaseScheduler``), so a schedule set in the admin needs no deploy.
"""

import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paten.accounts.selectors import kecamatan_scope_for
from reporting.models import RelativePeriod, ReportRun, ReportSchedule, ScheduleFrequency
from reporting.reports.registry import definition_for
from reporting.reports.services import ReportRequestError, report_run_request

TASK_NAME = "reporting.report_schedule_fire"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def relative_period(period: str, *, today: date) -> tuple[date, date]:
    """The dates a schedule's run covers, relative to the day it runs."""
    if period == RelativePeriod.LAST_MONTH:
        end = _month_start(today) - timedelta(days=1)
        return _month_start(end), end
    if period == RelativePeriod.THIS_MONTH:
        return _month_start(today), today
    if period == RelativePeriod.LAST_7_DAYS:
        return today - timedelta(days=7), today - timedelta(days=1)
    if period == RelativePeriod.LAST_QUARTER:
        first_of_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        end = first_of_quarter - timedelta(days=1)
        return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end
    if period == RelativePeriod.LAST_SEMESTER:
        first_of_semester = date(today.year, 1 if today.month <= 6 else 7, 1)
        end = first_of_semester - timedelta(days=1)
        return date(end.year, 1 if end.month <= 6 else 7, 1), end
    if period == RelativePeriod.LAST_YEAR:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ReportRequestError(_("Unknown period."))


def _crontab(schedule: ReportSchedule):
    from django_celery_beat.models import CrontabSchedule

    fields = {
        "minute": str(schedule.minute),
        "hour": str(schedule.hour),
        "day_of_month": "*",
        "month_of_year": "*",
        "day_of_week": "*",
        "timezone": settings.TIME_ZONE,
    }
    if schedule.frequency == ScheduleFrequency.MONTHLY:
        fields["day_of_month"] = str(schedule.day_of_month)
    elif schedule.frequency == ScheduleFrequency.WEEKLY:
        fields["day_of_week"] = str(schedule.day_of_week % 7)  # crontab: 0 = Sunday
    crontab, _created = CrontabSchedule.objects.get_or_create(**fields)
    return crontab


@transaction.atomic
def report_schedule_save(*, schedule: ReportSchedule, user=None) -> ReportSchedule:
    """Save a schedule and create or update its beat entry."""
    from django_celery_beat.models import PeriodicTask

    definition = definition_for(schedule.kind)
    if not definition.schedulable:
        raise ReportRequestError(
            _("This report cannot be scheduled: it needs the person who asks.")
        )
    # A schedule without a kecamatan is pemda-wide: ``allows(None)`` only for pemda-wide.
    if user is not None and not kecamatan_scope_for(user).allows(schedule.kecamatan_id):
        raise PermissionDenied(_("This kecamatan is outside your area."))
    formats = [f for f in (schedule.formats or definition.formats) if f in definition.formats]
    if not formats:
        raise ReportRequestError(
            _("This report is available as %(formats)s.")
            % {"formats": ", ".join(f.upper() for f in definition.formats)}
        )
    schedule.formats = formats
    if user is not None and schedule.created_by_id is None:
        schedule.created_by = user
    schedule.full_clean(exclude=["periodic_task"])
    schedule.save()
    task = schedule.periodic_task or PeriodicTask(name=f"report-schedule-{schedule.pk}")
    task.task = TASK_NAME
    task.crontab = _crontab(schedule)
    task.interval = None
    task.args = json.dumps([schedule.pk])
    task.kwargs = "{}"
    task.enabled = schedule.is_active
    task.description = schedule.name
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    return schedule


@transaction.atomic
def report_schedule_delete(*, schedule: ReportSchedule) -> None:
    task = schedule.periodic_task
    schedule.delete()
    if task is not None:
        task.delete()


def report_schedule_fire(*, schedule_id: int, today: date | None = None) -> ReportRun | None:
    """Request the schedule's run for today; firing twice for one period requests it once."""
    schedule = ReportSchedule.objects.select_related("kecamatan").filter(pk=schedule_id).first()
    if schedule is None or not schedule.is_active:
        return None
    today = today or timezone.localdate()
    start, end = relative_period(schedule.period, today=today)
    with transaction.atomic():
        locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        existing = (
            ReportRun.objects.filter(
                schedule=locked,
                parameters__start=start.isoformat(),
                parameters__end=end.isoformat(),
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            return existing
        run = report_run_request(
            user=None,
            kind=locked.kind,
            start=start,
            end=end,
            kecamatan=locked.kecamatan,
            formats=locked.formats,
            schedule=locked,
        )
        locked.last_run_at = timezone.now()
        locked.save(update_fields=["last_run_at"])
    return run
