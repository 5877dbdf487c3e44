"""Report runs in process (eager Celery): claims and leases, idempotent generation,
retries, recovery, purge, request scope and schedules (issue #6, reliability)."""

import dataclasses
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

import pytest

from forms_builder.models.application import private_storage
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting import reports
from reporting.models import (
    RelativePeriod,
    ReportKind,
    ReportOutput,
    ReportRun,
    ReportSchedule,
    ReportSettings,
    ReportStatus,
)
from reporting.reports import registry, writers
from reporting.reports.schedules import (
    relative_period,
    report_schedule_fire,
    report_schedule_save,
)
from reporting.reports.services import (
    LeaseLost,
    ReportRequestError,
    report_run_claim,
    report_run_execute,
    report_run_fail,
    report_run_progress,
    report_run_request,
    report_runs_purge,
    report_runs_recover,
)
from reporting.tasks import MAX_RETRIES, report_run_generate
from tests.reporting.conftest import SELATAN, UTARA

RECAP = ReportKind.MONTHLY_RECAP


# -- helpers ----------------------------------------------------------------------------


def make_run(*, kecamatan=None, formats=("xlsx", "csv"), **fields) -> ReportRun:
    today = timezone.localdate()
    return ReportRun.objects.create(
        kind=RECAP,
        parameters={"start": today.replace(day=1).isoformat(), "end": today.isoformat()},
        formats=list(formats),
        kecamatan=kecamatan,
        **fields,
    )


def expire_lease(run: ReportRun) -> None:
    """What a dead worker leaves behind: a running claim whose lease has run out."""
    ReportRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


def files_of(run: ReportRun) -> list[Path]:
    folder = Path(settings.PATEN_PRIVATE_ROOT) / "reports" / str(run.pk)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def leftover_temp_files() -> list[Path]:
    folder = Path(settings.PATEN_PRIVATE_ROOT) / "reports" / "tmp"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def recap_builder(monkeypatch):
    """Swap the monthly recap's ``build`` for the test; ``.original`` is the real one."""
    reports.registered_kinds()  # import every kind first, so nothing re-registers later
    original = reports.definition_for(RECAP)

    def use(build):
        monkeypatch.setitem(registry._REGISTRY, RECAP, dataclasses.replace(original, build=build))

    use.original = original.build
    return use


@pytest.fixture
def sent(monkeypatch):
    """Run ids queued with ``report_run_generate.delay`` (nothing runs)."""
    queued: list[str] = []

    class FakeTask:
        @staticmethod
        def delay(run_id):
            queued.append(run_id)

    monkeypatch.setattr("reporting.reports.services.report_run_generate", FakeTask)
    return queued


@pytest.fixture
def pemda_user(bontang):
    return staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA])


def _with_report_permission(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="reporting", codename="add_reportrun")
    )
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def utara_reporter(camat):
    """A camat of Bontang Utara who may request reports."""
    return _with_report_permission(camat)


# -- claims and leases --------------------------------------------------------------------


class TestClaim:
    def test_a_queued_run_is_claimed_once(self, utara):
        run = make_run(kecamatan=utara)

        first = report_run_claim(run_id=run.pk, worker="w1")
        second = report_run_claim(run_id=run.pk, worker="w2")

        assert first is not None
        assert first.status == ReportStatus.RUNNING
        assert first.lease_until > timezone.now()
        assert second is None
        run.refresh_from_db()
        assert (run.worker, run.attempts) == ("w1", 1)

    def test_an_expired_lease_is_taken_over_and_the_first_worker_loses_it(self, utara):
        run = make_run(kecamatan=utara)
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
        run = make_run(kecamatan=utara)
        claimed = report_run_claim(run_id=run.pk, worker="w1")
        expire_lease(run)

        report_run_progress(run=claimed, percent=10, note="step")

        run.refresh_from_db()
        assert run.lease_until > timezone.now()
        assert report_run_claim(run_id=run.pk, worker="w2") is None

    def test_done_and_failed_runs_are_not_claimed(self, utara):
        done = make_run(kecamatan=utara, status=ReportStatus.DONE)
        failed = make_run(kecamatan=utara, status=ReportStatus.FAILED)

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
        run = make_run(kecamatan=utara, formats=["xlsx"])

        with pytest.raises(LeaseLost):
            report_run_execute(run_id=run.pk, worker="w1")

        run.refresh_from_db()
        assert (run.status, run.worker, run.finished_at) == (ReportStatus.RUNNING, "w2", None)
        assert run.progress < 100
        assert run.outputs.count() == 1


# -- generation is idempotent ------------------------------------------------------------


class TestExecute:
    def test_generates_one_output_per_format(self, utara, finished):
        run = make_run(kecamatan=utara, formats=["xlsx", "csv"])

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
        run = make_run(kecamatan=utara, formats=["xlsx", "csv"])
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

        run = make_run(kecamatan=utara, formats=["xlsx", "csv"])
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
        run = make_run(kecamatan=utara, formats=["xlsx"])
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
        run = make_run(kecamatan=utara, formats=["csv"])

        with pytest.raises(RuntimeError):
            report_run_execute(run_id=run.pk, worker="w1")

        assert not leftover_temp_files()

    def test_a_done_run_is_never_generated_again(self, utara, finished, recap_builder):
        calls = []

        def counting(*, run, progress):
            calls.append(run.pk)
            return recap_builder.original(run=run, progress=progress)

        recap_builder(counting)
        run = make_run(kecamatan=utara, formats=["xlsx"])
        report_run_generate.apply(args=[str(run.pk)])
        run.refresh_from_db()
        finished_at = run.finished_at

        report_run_generate.apply(args=[str(run.pk)])  # a re-delivered message

        run.refresh_from_db()
        assert len(calls) == 1
        assert (run.status, run.attempts, run.finished_at) == (ReportStatus.DONE, 1, finished_at)
        assert len(files_of(run)) == 1


# -- task: retries, failures ---------------------------------------------------------------


@pytest.fixture
def eager_retries():
    """Let ``apply()`` run a task's retries in process (countdowns are skipped) instead
    of raising ``Retry`` to the test, as eager propagation otherwise does."""
    conf = report_run_generate.app.conf
    propagates = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = propagates


@pytest.mark.usefixtures("eager_retries")
class TestGenerateTask:
    def test_a_transient_error_is_retried_and_the_run_completes(self, utara, recap_builder):
        calls = []

        def flaky(*, run, progress):
            calls.append(run.attempts)
            if len(calls) == 1:
                raise OperationalError("server closed the connection unexpectedly")
            return recap_builder.original(run=run, progress=progress)

        recap_builder(flaky)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        report_run_generate.apply(args=[str(run.pk)])

        run.refresh_from_db()
        assert calls == [1, 2]
        assert (run.status, run.attempts, run.error) == (ReportStatus.DONE, 2, "")
        assert run.outputs.count() == 1

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_dropped_database_connection_is_retried_on_a_new_one(self, utara, recap_builder):
        """The database server closed the worker's connection (restart, failover): the
        retry must not reuse the dead connection."""
        calls = []

        def dropped(*, run, progress):
            calls.append(run.attempts)
            if len(calls) == 1:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            return recap_builder.original(run=run, progress=progress)

        recap_builder(dropped)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        result = report_run_generate.apply(args=[str(run.pk)])

        assert result.successful(), result.traceback
        run.refresh_from_db()
        assert calls == [1, 2]
        assert (run.status, run.attempts) == (ReportStatus.DONE, 2)

    def test_a_transient_error_after_a_takeover_leaves_the_other_workers_claim(
        self, utara, recap_builder
    ):
        """This attempt stalled past its lease, another worker took the run, then the
        database hiccuped here: the retry must neither requeue nor re-run the run."""

        def stalled(*, run, progress):
            expire_lease(run)
            report_run_claim(run_id=run.pk, worker="another-worker")
            raise OperationalError("server closed the connection unexpectedly")

        recap_builder(stalled)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        report_run_generate.apply(args=[str(run.pk)])

        run.refresh_from_db()
        assert (run.status, run.worker, run.attempts) == (
            ReportStatus.RUNNING,
            "another-worker",
            2,
        )

    def test_a_transient_error_that_persists_fails_the_run_after_the_last_retry(
        self, utara, recap_builder
    ):
        calls = []

        def down(*, run, progress):
            calls.append(run.attempts)
            raise OperationalError("could not connect to server")

        recap_builder(down)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        result = report_run_generate.apply(args=[str(run.pk)])

        assert result.failed()
        assert isinstance(result.result, OperationalError)
        run.refresh_from_db()
        assert len(calls) == MAX_RETRIES + 1
        assert run.status == ReportStatus.FAILED
        assert run.error == _("Temporary error: %(error)s") % {
            "error": "could not connect to server"
        }
        assert run.lease_until is None

    def test_a_permanent_error_fails_the_run_without_retrying(self, utara, recap_builder):
        calls = []

        def broken(*, run, progress):
            calls.append(run.attempts)
            raise ValueError("service 12 has no form version")

        recap_builder(broken)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        report_run_generate.apply(args=[str(run.pk)])

        run.refresh_from_db()
        assert calls == [1]
        assert run.status == ReportStatus.FAILED
        assert run.error == "ValueError: service 12 has no form version"
        assert run.finished_at is not None
        assert run.outputs.count() == 0

    def test_a_lost_lease_stops_quietly_without_failing_the_run(self, utara, recap_builder):
        def taken_over(*, run, progress):
            expire_lease(run)
            report_run_claim(run_id=run.pk, worker="another-worker")
            progress(20, "still mine?")
            raise AssertionError("progress must raise LeaseLost")

        recap_builder(taken_over)
        run = make_run(kecamatan=utara, formats=["xlsx"])

        report_run_generate.apply(args=[str(run.pk)])

        run.refresh_from_db()
        assert (run.status, run.worker, run.error) == (
            ReportStatus.RUNNING,
            "another-worker",
            "",
        )

    def test_fail_stores_the_message(self, utara):
        run = make_run(kecamatan=utara)
        report_run_claim(run_id=run.pk, worker="w1")

        report_run_fail(run_id=run.pk, error="Laporan gagal: " + "x" * 5000)

        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED
        assert run.error.startswith("Laporan gagal: xxx")
        assert len(run.error) == 4000
        assert run.lease_until is None
        assert run.finished_at is not None

    def test_fail_leaves_a_done_run_alone(self, utara):
        run = make_run(kecamatan=utara, status=ReportStatus.DONE)

        report_run_fail(run_id=run.pk, error="late failure")

        run.refresh_from_db()
        assert (run.status, run.error) == (ReportStatus.DONE, "")

    def test_fail_leaves_a_run_taken_over_by_another_worker_alone(self, utara):
        run = make_run(kecamatan=utara)
        report_run_claim(run_id=run.pk, worker="w1")
        expire_lease(run)
        report_run_claim(run_id=run.pk, worker="w2")

        report_run_fail(run_id=run.pk, error="w1 crashed late", worker="w1")

        run.refresh_from_db()
        assert (run.status, run.worker, run.error) == (ReportStatus.RUNNING, "w2", "")


# -- maintenance: recover and purge ----------------------------------------------------------


class TestRecover:
    def test_requeues_expired_leases_and_stale_queued_runs_only(
        self, utara, sent, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        dead = make_run(kecamatan=utara)
        report_run_claim(run_id=dead.pk, worker="dead-worker")
        expire_lease(dead)
        alive = make_run(kecamatan=utara)
        report_run_claim(run_id=alive.pk, worker="live-worker")
        lost_message = make_run(kecamatan=utara, created_at=now - timedelta(minutes=30))
        make_run(kecamatan=utara)  # just queued: its message is on the way
        make_run(kecamatan=utara, status=ReportStatus.DONE, created_at=now - timedelta(days=1))
        make_run(kecamatan=utara, status=ReportStatus.FAILED, created_at=now - timedelta(days=1))

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            count = report_runs_recover()

        assert count == 2
        assert len(callbacks) == 2
        assert sorted(sent) == sorted([str(dead.pk), str(lost_message.pk)])

    def test_a_recovered_run_is_completed_by_the_next_worker(
        self, utara, finished, django_capture_on_commit_callbacks
    ):
        run = make_run(kecamatan=utara, formats=["xlsx"])
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
        old = make_run(kecamatan=utara, formats=["xlsx"])
        report_run_execute(run_id=old.pk, worker="w1")
        old_file = Path(old.outputs.get().file.path)
        old_failed = make_run(kecamatan=utara, status=ReportStatus.FAILED)
        old_running = make_run(kecamatan=utara)
        report_run_claim(run_id=old_running.pk, worker="w1")
        ReportRun.objects.filter(pk__in=[old.pk, old_failed.pk, old_running.pk]).update(
            created_at=timezone.now() - timedelta(days=31)
        )
        recent = make_run(kecamatan=utara, formats=["xlsx"])
        report_run_execute(run_id=recent.pk, worker="w1")
        recent_file = Path(recent.outputs.get().file.path)

        assert report_runs_purge() == 2

        assert set(ReportRun.objects.values_list("pk", flat=True)) == {recent.pk, old_running.pk}
        assert not old_file.exists()
        assert not ReportOutput.objects.filter(run_id=old.pk).exists()
        assert recent_file.exists()

    def test_keeps_everything_inside_the_retention(self, utara):
        ReportSettings.load()  # default retention: 90 days
        make_run(kecamatan=utara, created_at=timezone.now() - timedelta(days=89))

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
        user = _with_report_permission(
            staff_create(
                username="camat.dua", password="x", roles=[Role.CAMAT], kecamatan=[UTARA, SELATAN]
            )
        )

        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=user, kind=RECAP, kecamatan=None, **self.PERIOD)

        assert error.value.messages == [_("Choose one of your kecamatan.")]
        assert not ReportRun.objects.exists()
        assert report_run_request(user=user, kind=RECAP, kecamatan=SELATAN, **self.PERIOD)

    def test_a_pemda_user_may_request_pemda_wide_or_any_kecamatan(self, selatan, pemda_user):
        whole = report_run_request(user=pemda_user, kind=RECAP, **self.PERIOD)
        one = report_run_request(user=pemda_user, kind=RECAP, kecamatan=SELATAN, **self.PERIOD)

        assert whole.kecamatan is None
        assert one.kecamatan == selatan

    def test_the_scope_must_be_a_kecamatan(self, bontang, pemda_user):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=pemda_user, kind=RECAP, kecamatan="64.74", **self.PERIOD)

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
        self, pemda_user, sent, django_capture_on_commit_callbacks, start, end, message
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(ReportRequestError) as error:
                report_run_request(user=pemda_user, kind=RECAP, start=start, end=end)

        assert error.value.messages == [_(message)]
        assert not ReportRun.objects.exists()
        assert sent == []

    @pytest.mark.parametrize("formats", [["docx"], ["xlsx", "html"]])
    def test_unsupported_formats_are_refused_and_nothing_is_saved(self, pemda_user, formats):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=pemda_user, kind=RECAP, formats=formats, **self.PERIOD)

        assert error.value.messages == [
            _("This report is available as %(formats)s.") % {"formats": "XLSX, PDF, CSV"}
        ]
        assert not ReportRun.objects.exists()

    def test_an_unknown_kind_is_refused(self, pemda_user):
        with pytest.raises(ReportRequestError) as error:
            report_run_request(user=pemda_user, kind="laporan_rahasia", **self.PERIOD)

        assert error.value.messages == [_("Unknown report kind.")]

    def test_repeated_formats_are_requested_once(self, pemda_user):
        run = report_run_request(
            user=pemda_user, kind=RECAP, formats=["csv", "xlsx", "csv"], **self.PERIOD
        )

        assert run.formats == ["csv", "xlsx"]


# -- schedules -----------------------------------------------------------------------------


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
