"""Scope rules that the report services enforce themselves (not only their admin views)."""

from django.core.exceptions import PermissionDenied
from django.utils import translation

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import ReportKind, ReportRun, ReportSchedule, ReportStatus
from reporting.reports.schedules import report_schedule_save
from reporting.reports.services import ReportRequestError, report_run_retry

pytestmark = pytest.mark.django_db


@pytest.fixture
def pemda_admin(bontang):
    return staff_create(username="adminpemda", password="x", roles=[Role.ADMIN_PEMDA], kecamatan=[])


def _failed_run(kecamatan=None) -> ReportRun:
    return ReportRun.objects.create(
        kind=ReportKind.MONTHLY_RECAP,
        parameters={"start": "2026-01-01", "end": "2026-01-31"},
        formats=["xlsx"],
        kecamatan=kecamatan,
        status=ReportStatus.FAILED,
        error="boom",
    )


class TestRetryScope:
    def test_a_camat_cannot_retry_a_pemda_wide_run(self, camat):
        run = _failed_run()
        with pytest.raises(PermissionDenied):
            report_run_retry(run=run, user=camat)
        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED

    def test_a_camat_cannot_retry_another_kecamatans_run(self, camat, selatan):
        run = _failed_run(selatan)
        with pytest.raises(PermissionDenied):
            report_run_retry(run=run, user=camat)

    def test_a_camat_retries_their_own_run(self, camat, utara, django_capture_on_commit_callbacks):
        run = _failed_run(utara)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report_run_retry(run=run, user=camat)
        run.refresh_from_db()
        assert run.status == ReportStatus.QUEUED and run.error == ""
        assert len(callbacks) == 1


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

    def test_a_pemda_admin_schedules_for_the_whole_kabupaten(self, pemda_admin):
        schedule = ReportSchedule(name="Rekap", kind=ReportKind.MONTHLY_RECAP, formats=["xlsx"])
        saved = report_schedule_save(schedule=schedule, user=pemda_admin)
        assert saved.periodic_task is not None and saved.periodic_task.enabled

    def test_exports_cannot_be_scheduled(self, pemda_admin):
        schedule = ReportSchedule(
            name="Ekspor", kind=ReportKind.APPLICATIONS_EXPORT, formats=["xlsx"]
        )
        with (
            translation.override("en"),
            pytest.raises(ReportRequestError, match="cannot be scheduled"),
        ):
            report_schedule_save(schedule=schedule, user=pemda_admin)
        assert not ReportSchedule.objects.exists()
