"""The Celery task of a report run: it generates once, retries transient errors with
back-off, and records a permanent error on the run."""

from django.db import OperationalError, connection
from django.utils.translation import gettext as _

import pytest

from reporting.models import ReportStatus
from reporting.reports.services import (
    report_run_claim,
    report_run_fail,
)
from reporting.tasks import MAX_RETRIES, report_run_generate
from tests.reporting.reports.factories import expire_lease, make_queued_run


@pytest.fixture
def eager_retries():
    """Let ``apply()`` run a task's retries in process (countdowns are skipped) instead
    of raising ``Retry`` to the test, as eager propagation otherwise does."""
    conf = report_run_generate.app.conf
    propagates = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = propagates


@pytest.fixture
def generated(utara, recap_builder):
    """Generate a queued recap run of Bontang Utara with ``build`` as its builder: the run
    as stored afterwards, and the task's result."""

    def generate(build):
        recap_builder(build)
        run = make_queued_run(kecamatan=utara, formats=["xlsx"])
        result = report_run_generate.apply(args=[str(run.pk)])
        run.refresh_from_db()
        return run, result

    return generate


@pytest.mark.usefixtures("eager_retries")
class TestGenerateTask:
    def test_a_transient_error_is_retried_and_the_run_completes(self, recap_builder, generated):
        calls = []

        def flaky(*, run, progress):
            calls.append(run.attempts)
            if len(calls) == 1:
                raise OperationalError("server closed the connection unexpectedly")
            return recap_builder.original(run=run, progress=progress)

        run, _result = generated(flaky)

        assert calls == [1, 2]
        assert (run.status, run.attempts, run.error) == (ReportStatus.DONE, 2, "")
        assert run.outputs.count() == 1

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_dropped_database_connection_is_retried_on_a_new_one(self, recap_builder, generated):
        """The database server closed the worker's connection (restart, failover): the
        retry must not reuse the dead connection."""
        calls = []

        def dropped(*, run, progress):
            calls.append(run.attempts)
            if len(calls) == 1:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            return recap_builder.original(run=run, progress=progress)

        run, result = generated(dropped)

        assert result.successful(), result.traceback
        assert calls == [1, 2]
        assert (run.status, run.attempts) == (ReportStatus.DONE, 2)

    def test_a_transient_error_after_a_takeover_leaves_the_other_workers_claim(self, generated):
        """This attempt stalled past its lease, another worker took the run, then the
        database hiccuped here: the retry must neither requeue nor re-run the run."""

        def stalled(*, run, progress):
            expire_lease(run)
            report_run_claim(run_id=run.pk, worker="another-worker")
            raise OperationalError("server closed the connection unexpectedly")

        run, _result = generated(stalled)

        assert (run.status, run.worker, run.attempts) == (
            ReportStatus.RUNNING,
            "another-worker",
            2,
        )

    def test_a_transient_error_that_persists_fails_the_run_after_the_last_retry(self, generated):
        calls = []

        def down(*, run, progress):
            calls.append(run.attempts)
            raise OperationalError("could not connect to server")

        run, result = generated(down)

        assert result.failed()
        assert isinstance(result.result, OperationalError)
        assert len(calls) == MAX_RETRIES + 1
        assert run.status == ReportStatus.FAILED
        assert run.error == _("Temporary error: %(error)s") % {
            "error": "could not connect to server"
        }
        assert run.lease_until is None

    def test_a_permanent_error_fails_the_run_without_retrying(self, generated):
        calls = []

        def broken(*, run, progress):
            calls.append(run.attempts)
            raise ValueError("service 12 has no form version")

        run, _result = generated(broken)

        assert calls == [1]
        assert run.status == ReportStatus.FAILED
        assert run.error == "ValueError: service 12 has no form version"
        assert run.finished_at is not None
        assert run.outputs.count() == 0

    def test_a_lost_lease_stops_quietly_without_failing_the_run(self, generated):
        def taken_over(*, run, progress):
            expire_lease(run)
            report_run_claim(run_id=run.pk, worker="another-worker")
            progress(20, "still mine?")
            raise AssertionError("progress must raise LeaseLost")

        run, _result = generated(taken_over)

        assert (run.status, run.worker, run.error) == (
            ReportStatus.RUNNING,
            "another-worker",
            "",
        )

    def test_fail_stores_the_message(self, utara):
        run = make_queued_run(kecamatan=utara)
        report_run_claim(run_id=run.pk, worker="w1")

        report_run_fail(run_id=run.pk, error="Laporan gagal: " + "x" * 5000)

        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED
        assert run.error.startswith("Laporan gagal: xxx")
        assert len(run.error) == 4000
        assert run.lease_until is None
        assert run.finished_at is not None

    def test_fail_leaves_a_done_run_alone(self, utara):
        run = make_queued_run(kecamatan=utara, status=ReportStatus.DONE)

        report_run_fail(run_id=run.pk, error="late failure")

        run.refresh_from_db()
        assert (run.status, run.error) == (ReportStatus.DONE, "")

    def test_fail_leaves_a_run_taken_over_by_another_worker_alone(self, utara):
        run = make_queued_run(kecamatan=utara)
        report_run_claim(run_id=run.pk, worker="w1")
        expire_lease(run)
        report_run_claim(run_id=run.pk, worker="w2")

        report_run_fail(run_id=run.pk, error="w1 crashed late", worker="w1")

        run.refresh_from_db()
        assert (run.status, run.worker, run.error) == (ReportStatus.RUNNING, "w2", "")
