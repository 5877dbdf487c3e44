"""Report runs in process (eager Celery): claims and leases, idempotent generation,
retries, recovery, purge, request scope and schedules."""

import dataclasses
import threading
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

import pytest

from forms_builder.models.application import private_storage
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import (
    ReportOutput,
    ReportRun,
    ReportSettings,
    ReportStatus,
)
from reporting.reports import writers
from reporting.reports.services import (
    LeaseLost,
    ReportRequestError,
    report_run_claim,
    report_run_execute,
    report_run_progress,
    report_run_request,
    report_run_retry,
    report_runs_purge,
    report_runs_recover,
)
from reporting.tasks import report_run_generate
from tests.reporting.factories import SELATAN, UTARA
from tests.reporting.reports.factories import (
    RECAP,
    expire_lease,
    failed_run,
    make_queued_run,
    with_report_permission,
)

# -- helpers ----------------------------------------------------------------------------


def files_of(run: ReportRun) -> list[Path]:
    folder = Path(settings.PATEN_PRIVATE_ROOT) / "reports" / str(run.pk)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def leftover_temp_files() -> list[Path]:
    folder = Path(settings.PATEN_PRIVATE_ROOT) / "reports" / "tmp"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def utara_reporter(camat):
    """A camat of Bontang Utara who may request reports."""
    return with_report_permission(camat)


# -- claims and leases --------------------------------------------------------------------


class TestClaim:
    def test_a_queued_run_is_claimed_once(self, utara):
        run = make_queued_run(kecamatan=utara)

        first = report_run_claim(run_id=run.pk, worker="w1")
        second = report_run_claim(run_id=run.pk, worker="w2")

        assert first is not None
        assert first.status == ReportStatus.RUNNING
        assert first.lease_until > timezone.now()
        assert second is None
        run.refresh_from_db()
        assert (run.worker, run.attempts) == ("w1", 1)

    def test_an_expired_lease_is_taken_over_and_the_first_worker_loses_it(self, utara):
        run = make_queued_run(kecamatan=utara)
        first = report_run_claim(run_id=run.pk, worker="w1")
        report_run_progress(run=first, percent=40, note="w1 halfway")
        expire_lease(run)

        second = report_run_claim(run_id=run.pk, worker="w2")

        assert second is not None
        assert (second.worker, second.attempts, second.progress) == ("w2", 2, 0)
        with pytest.raises(LeaseLost):
            report_run_progress(run=first, percent=80, note="w1 still going")
        run.refresh_from_db()
        assert (run.worker, run.progress, run.progress_note) == ("w2", 0, "")

    def test_progress_renews_the_lease(self, utara):
        run = make_queued_run(kecamatan=utara)
        claimed = report_run_claim(run_id=run.pk, worker="w1")
        expire_lease(run)

        report_run_progress(run=claimed, percent=10, note="step")

        run.refresh_from_db()
        assert run.lease_until > timezone.now()
        assert report_run_claim(run_id=run.pk, worker="w2") is None

    def test_done_and_failed_runs_are_not_claimed(self, utara):
        done = make_queued_run(kecamatan=utara, status=ReportStatus.DONE)
        failed = make_queued_run(kecamatan=utara, status=ReportStatus.FAILED)

        assert report_run_claim(run_id=done.pk, worker="w1") is None
        assert report_run_claim(run_id=failed.pk, worker="w1") is None

    def test_a_worker_that_lost_its_lease_while_writing_does_not_complete_the_run(
        self, utara, finished, recap_builder
    ):
        """w1's lease runs out while it writes the file (no progress call in between):
        its output is kept (one per format), but the run stays w2's."""

        def build(*, run, progress):
            data = recap_builder.original(run=run, progress=progress)
            sheet = data.sheets[0]

            def rows():
                expire_lease(run)
                assert report_run_claim(run_id=run.pk, worker="w2") is not None
                return sheet.rows()

            data.sheets[0] = dataclasses.replace(sheet, rows=rows, row_count=None)
            return data

        recap_builder(build)
        run = make_queued_run(kecamatan=utara, formats=["xlsx"])

        with pytest.raises(LeaseLost):
            report_run_execute(run_id=run.pk, worker="w1")

        run.refresh_from_db()
        assert (run.status, run.worker, run.finished_at) == (ReportStatus.RUNNING, "w2", None)
        assert run.progress < 100
        assert run.outputs.count() == 1


# -- generation is idempotent ------------------------------------------------------------


class TestExecute:
    def test_generates_one_output_per_format(self, utara, finished):
        run = make_queued_run(kecamatan=utara, formats=["xlsx", "csv"])

        report_run_execute(run_id=run.pk, worker="w1")

        run.refresh_from_db()
        assert (run.status, run.progress, run.lease_until) == (ReportStatus.DONE, 100, None)
        assert run.finished_at is not None
        assert sorted(run.outputs.values_list("format", flat=True)) == ["csv", "xlsx"]
        assert len(files_of(run)) == 2
        assert not leftover_temp_files()
        csv_output = run.outputs.get(format="csv")
        text = Path(csv_output.file.path).read_text(encoding="utf-8-sig")
        assert "Bontang Utara" in text
        assert csv_output.rows == 2  # one (kecamatan, service) row and the total

    def test_executing_twice_keeps_one_output_per_format_and_one_file(self, utara, finished):
        run = make_queued_run(kecamatan=utara, formats=["xlsx", "csv"])
        report_run_execute(run_id=run.pk, worker="w1")
        before = {o.format: (o.pk, o.sha256, o.file.name) for o in run.outputs.all()}

        again = report_run_execute(run_id=run.pk, worker="w2")

        assert again is None
        after = {o.format: (o.pk, o.sha256, o.file.name) for o in run.outputs.all()}
        assert after == before
        assert len(files_of(run)) == 2

    def test_a_run_taken_over_after_a_crash_writes_only_the_missing_format(
        self, utara, finished, monkeypatch
    ):
        def crash(data, path, progress, span):
            raise RuntimeError("worker died while writing the CSV")

        run = make_queued_run(kecamatan=utara, formats=["xlsx", "csv"])
        with monkeypatch.context() as patch:
            patch.setitem(writers.WRITERS, "csv", crash)
            with pytest.raises(RuntimeError):
                report_run_execute(run_id=run.pk, worker="w1")
        xlsx = run.outputs.get()
        expire_lease(run)

        report_run_execute(run_id=run.pk, worker="w2")

        run.refresh_from_db()
        assert (run.status, run.worker, run.attempts) == (ReportStatus.DONE, "w2", 2)
        assert run.outputs.get(format="xlsx") == xlsx
        assert sorted(run.outputs.values_list("format", flat=True)) == ["csv", "xlsx"]
        assert len(files_of(run)) == 2

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_two_workers_storing_the_same_format_at_once_keep_one_output_and_one_file(
        self, utara, finished, monkeypatch
    ):
        """A worker that lost its lease stores its XLSX (in its own transaction) between
        this worker's check for an existing output and its insert: the unique constraint
        decides, and this worker keeps the other's file."""
        run = make_queued_run(kecamatan=utara, formats=["xlsx"])
        original_save = private_storage.save

        def other_worker():
            try:
                other = ReportOutput(run=run, format="xlsx", filename="other.xlsx", sha256="0" * 64)
                other.file.save("other.xlsx", ContentFile(b"the other worker's file"))
            finally:
                connection.close()

        def save_after_the_other_worker(name, content, max_length=None):
            monkeypatch.setattr(private_storage, "save", original_save)
            thread = threading.Thread(target=other_worker)
            thread.start()
            thread.join()
            return original_save(name, content, max_length=max_length)

        monkeypatch.setattr(private_storage, "save", save_after_the_other_worker)

        report_run_execute(run_id=run.pk, worker="w1")

        run.refresh_from_db()
        assert run.status == ReportStatus.DONE
        assert run.outputs.get().filename == "other.xlsx"
        assert [p.name for p in files_of(run)] == ["other.xlsx"]

    def test_a_writer_that_fails_leaves_no_temporary_file(self, utara, monkeypatch):
        def crash(data, path, progress, span):
            with open(path, "w") as handle:
                handle.write("half a file")
            raise RuntimeError("worker died while writing the CSV")

        monkeypatch.setitem(writers.WRITERS, "csv", crash)
        run = make_queued_run(kecamatan=utara, formats=["csv"])

        with pytest.raises(RuntimeError):
            report_run_execute(run_id=run.pk, worker="w1")

        assert not leftover_temp_files()

    def test_a_done_run_is_never_generated_again(self, utara, finished, recap_builder):
        calls = []

        def counting(*, run, progress):
            calls.append(run.pk)
            return recap_builder.original(run=run, progress=progress)

        recap_builder(counting)
        run = make_queued_run(kecamatan=utara, formats=["xlsx"])
        report_run_generate.apply(args=[str(run.pk)])
        run.refresh_from_db()
        finished_at = run.finished_at

        report_run_generate.apply(args=[str(run.pk)])  # a re-delivered message

        run.refresh_from_db()
        assert len(calls) == 1
        assert (run.status, run.attempts, run.finished_at) == (ReportStatus.DONE, 1, finished_at)
        assert len(files_of(run)) == 1


# -- task: retries, failures ---------------------------------------------------------------


# -- maintenance: recover and purge ----------------------------------------------------------


class TestRecover:
    def test_requeues_expired_leases_and_stale_queued_runs_only(
        self, utara, sent, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        dead = make_queued_run(kecamatan=utara)
        report_run_claim(run_id=dead.pk, worker="dead-worker")
        expire_lease(dead)
        alive = make_queued_run(kecamatan=utara)
        report_run_claim(run_id=alive.pk, worker="live-worker")
        lost_message = make_queued_run(kecamatan=utara, created_at=now - timedelta(minutes=30))
        make_queued_run(kecamatan=utara)  # just queued: its message is on the way
        make_queued_run(
            kecamatan=utara, status=ReportStatus.DONE, created_at=now - timedelta(days=1)
        )
        make_queued_run(
            kecamatan=utara, status=ReportStatus.FAILED, created_at=now - timedelta(days=1)
        )

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            count = report_runs_recover()

        assert count == 2
        assert len(callbacks) == 2
        assert sorted(sent) == sorted([str(dead.pk), str(lost_message.pk)])

    def test_a_recovered_run_is_completed_by_the_next_worker(
        self, utara, finished, django_capture_on_commit_callbacks
    ):
        run = make_queued_run(kecamatan=utara, formats=["xlsx"])
        report_run_claim(run_id=run.pk, worker="dead-worker")
        expire_lease(run)

        with django_capture_on_commit_callbacks(execute=True):  # eager: runs the task here
            report_runs_recover()

        run.refresh_from_db()
        assert run.status == ReportStatus.DONE
        assert run.attempts == 2
        assert run.worker != "dead-worker"
        assert run.outputs.count() == 1


class TestPurge:
    def test_removes_runs_and_files_older_than_the_retention(self, utara, finished):
        report_settings = ReportSettings.load()
        report_settings.retention_days = 30
        report_settings.save()
        old = make_queued_run(kecamatan=utara, formats=["xlsx"])
        report_run_execute(run_id=old.pk, worker="w1")
        old_file = Path(old.outputs.get().file.path)
        old_failed = make_queued_run(kecamatan=utara, status=ReportStatus.FAILED)
        old_running = make_queued_run(kecamatan=utara)
        report_run_claim(run_id=old_running.pk, worker="w1")
        ReportRun.objects.filter(pk__in=[old.pk, old_failed.pk, old_running.pk]).update(
            created_at=timezone.now() - timedelta(days=31)
        )
        recent = make_queued_run(kecamatan=utara, formats=["xlsx"])
        report_run_execute(run_id=recent.pk, worker="w1")
        recent_file = Path(recent.outputs.get().file.path)

        assert report_runs_purge() == 2

        assert set(ReportRun.objects.values_list("pk", flat=True)) == {recent.pk, old_running.pk}
        assert not old_file.exists()
        assert not ReportOutput.objects.filter(run_id=old.pk).exists()
        assert recent_file.exists()

    def test_keeps_everything_inside_the_retention(self, utara):
        ReportSettings.load()  # default retention: 90 days
        make_queued_run(kecamatan=utara, created_at=timezone.now() - timedelta(days=89))

        assert report_runs_purge() == 0
        assert ReportRun.objects.count() == 1


# -- request: scope and validation -----------------------------------------------------------


class TestRequest:
    PERIOD = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}

    def test_queues_the_run_once_committed(
        self, utara, utara_reporter, sent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run = report_run_request(user=utara_reporter, kind=RECAP, **self.PERIOD)

        assert sent == [str(run.pk)]
        assert run.status == ReportStatus.QUEUED
        assert run.formats == ["xlsx", "pdf", "csv"]
        assert run.parameters == {"start": "2026-01-01", "end": "2026-01-31"}
        assert run.requested_by == utara_reporter

    def test_a_kecamatan_user_gets_their_kecamatan_by_default(self, utara, utara_reporter):
        run = report_run_request(user=utara_reporter, kind=RECAP, **self.PERIOD)

        assert run.kecamatan == utara

    def test_a_kecamatan_user_cannot_request_another_kecamatan(self, selatan, utara_reporter):
        with pytest.raises(PermissionDenied):
            report_run_request(user=utara_reporter, kind=RECAP, kecamatan=selatan, **self.PERIOD)
        with pytest.raises(PermissionDenied):
            report_run_request(user=utara_reporter, kind=RECAP, kecamatan=SELATAN, **self.PERIOD)
        assert not ReportRun.objects.exists()

    def test_a_user_of_two_kecamatan_must_choose_one_not_the_whole_pemda(self, bontang):
        user = with_report_permission(
            staff_create(
                username="camat.dua", password="x", roles=[Role.CAMAT], kecamatan=[UTARA, SELATAN]
            )
        )

        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=user, kind=RECAP, kecamatan=None, **self.PERIOD)

        assert error.value.messages == [_("Choose one of your kecamatan.")]
        assert not ReportRun.objects.exists()
        assert report_run_request(user=user, kind=RECAP, kecamatan=SELATAN, **self.PERIOD)

    def test_a_pemda_user_may_request_pemda_wide_or_any_kecamatan(self, selatan, admin_pemda):
        whole = report_run_request(user=admin_pemda, kind=RECAP, **self.PERIOD)
        one = report_run_request(user=admin_pemda, kind=RECAP, kecamatan=SELATAN, **self.PERIOD)

        assert whole.kecamatan is None
        assert one.kecamatan == selatan

    def test_the_scope_must_be_a_kecamatan(self, bontang, admin_pemda):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=admin_pemda, kind=RECAP, kecamatan="64.74", **self.PERIOD)

        assert error.value.messages == [_("Choose a kecamatan.")]

    def test_a_user_without_the_permission_is_refused(self, utara, loket):
        with pytest.raises(PermissionDenied):
            report_run_request(user=loket, kind=RECAP, **self.PERIOD)
        assert not ReportRun.objects.exists()

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (date(2026, 2, 1), date(2026, 1, 31), "The first day must not be after the last day."),
            (date(2023, 1, 1), date(2026, 1, 31), "A report covers at most two years."),
            ("2026-01-01", date(2026, 1, 31), "Enter the first and the last day of the period."),
            (None, None, "Enter the first and the last day of the period."),
        ],
    )
    def test_bad_dates_are_refused_and_nothing_is_saved(
        self, admin_pemda, sent, django_capture_on_commit_callbacks, start, end, message
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(ReportRequestError) as error:
                report_run_request(user=admin_pemda, kind=RECAP, start=start, end=end)

        assert error.value.messages == [_(message)]
        assert not ReportRun.objects.exists()
        assert sent == []

    @pytest.mark.parametrize("formats", [["docx"], ["xlsx", "html"]])
    def test_unsupported_formats_are_refused_and_nothing_is_saved(self, admin_pemda, formats):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=admin_pemda, kind=RECAP, formats=formats, **self.PERIOD)

        assert error.value.messages == [
            _("This report is available as %(formats)s.") % {"formats": "XLSX, PDF, CSV"}
        ]
        assert not ReportRun.objects.exists()

    def test_an_unknown_kind_is_refused(self, admin_pemda):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=admin_pemda, kind="laporan_rahasia", **self.PERIOD)

        assert error.value.messages == [_("Unknown report kind.")]

    def test_repeated_formats_are_requested_once(self, admin_pemda):
        run = report_run_request(
            user=admin_pemda, kind=RECAP, formats=["csv", "xlsx", "csv"], **self.PERIOD
        )

        assert run.formats == ["csv", "xlsx"]


# -- schedules -----------------------------------------------------------------------------


# -- scope rules the services enforce themselves (not only their admin views) ---------


class TestRetryScope:
    def test_a_camat_cannot_retry_a_pemda_wide_run(self, camat):
        run = failed_run()
        with pytest.raises(PermissionDenied):
            report_run_retry(run=run, user=camat)
        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED

    def test_a_camat_cannot_retry_another_kecamatans_run(self, camat, selatan):
        run = failed_run(selatan)
        with pytest.raises(PermissionDenied):
            report_run_retry(run=run, user=camat)

    def test_a_camat_retries_their_own_run(self, camat, utara, django_capture_on_commit_callbacks):
        run = failed_run(utara)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report_run_retry(run=run, user=camat)
        run.refresh_from_db()
        assert run.status == ReportStatus.QUEUED and run.error == ""
        # The run is queued once on commit (the audit log's sealer is queued beside it).
        queued = [c for c in callbacks if c.__qualname__.startswith("report_run_enqueue.")]
        assert len(queued) == 1
