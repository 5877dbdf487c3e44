"""Every beat entry names a task a worker knows, with arguments its signature accepts.

Like open-forms' ``tests/test_celery_beat.py``: a misspelt task name or a changed task
signature would otherwise surface only in production, at the scheduled hour, as a
``NotRegistered`` or ``TypeError`` in the worker log. Checked for the fixed entries of
``CELERY_BEAT_SCHEDULE`` and for every ``django_celery_beat.PeriodicTask`` row: the
rows beat writes from those entries and the rows ``report_schedule_save`` keeps.
"""

import importlib
import inspect
import json

from django.conf import settings

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from paten.celery import app
from paten.regions.models import Region
from reporting.models import RelativePeriod, ReportKind, ReportRun, ReportSchedule
from reporting.reports.schedules import report_schedule_save

BEAT_SCHEDULE = settings.CELERY_BEAT_SCHEDULE


def registered_task(name: str):
    """The task a worker of this project runs for ``name`` (after autodiscovery)."""
    app.loader.import_default_modules()
    assert name in app.tasks, f"beat names {name!r}, which no installed app registers"
    task = app.tasks[name]
    module = importlib.import_module(task.__module__)
    assert getattr(module, task.run.__name__).name == name, f"{name!r} is not importable"
    return task


def bind(task, args, kwargs) -> inspect.BoundArguments:
    return inspect.signature(task.run).bind(*args, **kwargs)


def test_the_maintenance_tasks_are_scheduled():
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}

    assert {"reporting.report_runs_recover", "reporting.report_runs_purge"} <= tasks


@pytest.mark.parametrize("name", sorted(BEAT_SCHEDULE))
def test_settings_entry_imports_and_binds(name):
    entry = BEAT_SCHEDULE[name]
    task = registered_task(entry["task"])

    bind(task, entry.get("args", ()), entry.get("kwargs", {}))


@pytest.fixture
def utara(db):
    parent = None
    for code, name in [("64", "Kalimantan Timur"), ("64.74", "Kota Bontang")]:
        parent = Region.objects.create(code=code, name=name, parent=parent)
    return Region.objects.create(code="64.74.01", name="Bontang Utara", parent=parent)


@pytest.fixture
def beat_rows(utara):
    """What the database holds once beat has started and two report schedules exist."""
    for name, fields in BEAT_SCHEDULE.items():  # DatabaseScheduler.setup_schedule does this
        DatabaseScheduler.Entry.from_entry(name, app=app, **fields)
    report_schedule_save(
        schedule=ReportSchedule(
            name="Rekap bulanan Bontang Utara",
            kind=ReportKind.MONTHLY_RECAP,
            kecamatan=utara,
            period=RelativePeriod.LAST_MONTH,
            formats=["xlsx"],
        )
    )
    report_schedule_save(
        schedule=ReportSchedule(
            name="Rekap mingguan kota",
            kind=ReportKind.MONTHLY_RECAP,
            period=RelativePeriod.LAST_7_DAYS,
            frequency="mingguan",
            day_of_week=7,
        )
    )
    return list(PeriodicTask.objects.order_by("name"))


def test_every_periodic_task_row_imports_and_binds(beat_rows):
    assert {row.name for row in beat_rows} >= set(BEAT_SCHEDULE)
    assert [row.task for row in beat_rows].count("reporting.report_schedule_fire") == 2
    for row in beat_rows:
        task = registered_task(row.task)

        bind(task, json.loads(row.args or "[]"), json.loads(row.kwargs or "{}"))


def test_every_periodic_task_runs_with_its_arguments(beat_rows):
    """One step further than binding: each row's task, called as beat would call it."""
    for row in beat_rows:
        task = registered_task(row.task)

        result = task.apply(args=json.loads(row.args or "[]"), kwargs=json.loads(row.kwargs))

        assert result.successful(), f"{row.name}: {result.traceback}"
    assert ReportRun.objects.filter(schedule__isnull=False).count() == 2


def test_binding_catches_a_changed_signature():
    task = registered_task("reporting.report_schedule_fire")

    with pytest.raises(TypeError):
        bind(task, [], {"schedule": 1})
    with pytest.raises(TypeError):
        bind(task, [1, 2], {})
