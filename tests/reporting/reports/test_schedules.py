"""Report schedules: firing requests one run per period, and the dates a relative
period covers."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import translation

import pytest

from reporting.models import (
    RelativePeriod,
    ReportKind,
    ReportRun,
    ReportSchedule,
)
from reporting.reports.schedules import (
    relative_period,
    report_schedule_fire,
    report_schedule_save,
)
from reporting.reports.services import ReportRequestError
from tests.reporting.factories import UTARA
from tests.reporting.reports.factories import RECAP


@pytest.fixture
def monthly_schedule(utara):
    return report_schedule_save(
        schedule=ReportSchedule(
            name="Rekap bulanan Bontang Utara",
            kind=RECAP,
            kecamatan=utara,
            period=RelativePeriod.LAST_MONTH,
            formats=["xlsx"],
        )
    )


class TestScheduleFire:
    def test_fires_one_run_for_the_period(
        self, monthly_schedule, sent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 1, 5))

        assert run.parameters == {"start": "2025-12-01", "end": "2025-12-31"}
        assert (run.schedule, run.kecamatan_id, run.formats) == (monthly_schedule, UTARA, ["xlsx"])
        assert run.requested_by is None
        assert sent == [str(run.pk)]
        monthly_schedule.refresh_from_db()
        assert monthly_schedule.last_run_at is not None

    def test_firing_again_in_the_same_period_requests_nothing(
        self, monthly_schedule, sent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 1, 5))
            same_day = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 1, 5))
            later = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 1, 28))

        assert same_day == first
        assert later == first
        assert ReportRun.objects.count() == 1
        assert sent == [str(first.pk)]

    def test_the_next_period_requests_a_new_run(self, monthly_schedule):
        january = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 1, 5))
        february = report_schedule_fire(schedule_id=monthly_schedule.pk, today=date(2026, 2, 5))

        assert february != january
        assert february.parameters == {"start": "2026-01-01", "end": "2026-01-31"}

    def test_an_inactive_or_deleted_schedule_requests_nothing(self, monthly_schedule):
        monthly_schedule.is_active = False
        report_schedule_save(schedule=monthly_schedule)

        assert report_schedule_fire(schedule_id=monthly_schedule.pk) is None
        assert report_schedule_fire(schedule_id=monthly_schedule.pk + 1000) is None
        assert not ReportRun.objects.exists()

    def test_the_task_fires_the_schedule(self, monthly_schedule):
        from reporting.tasks import report_schedule_fire as report_schedule_fire_task

        run_id = report_schedule_fire_task.run(monthly_schedule.pk)

        assert ReportRun.objects.get().pk == uuid.UUID(run_id)


P = RelativePeriod


@pytest.mark.parametrize(
    ("period", "today", "start", "end"),
    [
        (P.LAST_MONTH, date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        (P.LAST_MONTH, date(2026, 3, 1), date(2026, 2, 1), date(2026, 2, 28)),
        (P.LAST_MONTH, date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29)),
        (P.THIS_MONTH, date(2026, 1, 15), date(2026, 1, 1), date(2026, 1, 15)),
        (P.THIS_MONTH, date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1)),
        (P.LAST_7_DAYS, date(2026, 1, 3), date(2025, 12, 27), date(2026, 1, 2)),
        (P.LAST_QUARTER, date(2026, 1, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (P.LAST_QUARTER, date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (P.LAST_QUARTER, date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (P.LAST_QUARTER, date(2026, 8, 20), date(2026, 4, 1), date(2026, 6, 30)),
        (P.LAST_QUARTER, date(2026, 12, 31), date(2026, 7, 1), date(2026, 9, 30)),
        (P.LAST_SEMESTER, date(2026, 6, 30), date(2025, 7, 1), date(2025, 12, 31)),
        (P.LAST_SEMESTER, date(2026, 7, 1), date(2026, 1, 1), date(2026, 6, 30)),
        (P.LAST_YEAR, date(2026, 1, 1), date(2025, 1, 1), date(2025, 12, 31)),
        (P.LAST_YEAR, date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_relative_period(period, today, start, end):
    assert relative_period(period, today=today) == (start, end)


def test_relative_period_refuses_an_unknown_period():
    with pytest.raises(ReportRequestError):
        relative_period("minggu_depan", today=date(2026, 1, 1))


class TestScheduleScope:
    def test_a_camat_cannot_schedule_for_the_whole_kabupaten(self, camat):
        schedule = ReportSchedule(name="Rekap", kind=ReportKind.MONTHLY_RECAP, formats=["xlsx"])
        with pytest.raises(PermissionDenied):
            report_schedule_save(schedule=schedule, user=camat)
        assert not ReportSchedule.objects.exists()

    def test_a_camat_cannot_schedule_for_another_kecamatan(self, camat, selatan):
        schedule = ReportSchedule(
            name="Rekap", kind=ReportKind.MONTHLY_RECAP, kecamatan=selatan, formats=["xlsx"]
        )
        with pytest.raises(PermissionDenied):
            report_schedule_save(schedule=schedule, user=camat)

    def test_a_pemda_admin_schedules_for_the_whole_kabupaten(self, admin_pemda):
        schedule = ReportSchedule(name="Rekap", kind=ReportKind.MONTHLY_RECAP, formats=["xlsx"])
        saved = report_schedule_save(schedule=schedule, user=admin_pemda)
        assert saved.periodic_task is not None and saved.periodic_task.enabled

    def test_exports_cannot_be_scheduled(self, admin_pemda):
        schedule = ReportSchedule(
            name="Ekspor", kind=ReportKind.APPLICATIONS_EXPORT, formats=["xlsx"]
        )
        with (
            translation.override("en"),
            pytest.raises(ReportRequestError, match="cannot be scheduled"),
        ):
            report_schedule_save(schedule=schedule, user=admin_pemda)
        assert not ReportSchedule.objects.exists()
