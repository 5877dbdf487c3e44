"""Thin Celery wrappers around reporting services (queued from on_commit or by beat).

Generation runs only here, never in a web request. ``acks_late`` plus the run's lease
make a worker crash harmless: the message comes back (or ``report_runs_recover`` sends
it again) and the next worker takes over; a run that is already done is skipped.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)

#: Errors worth retrying: the database or the network hiccuped. Anything else is a bug
#: or bad data, and retrying would fail the same way.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="reporting.report_run_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=getattr(settings, "REPORTING_SOFT_TIME_LIMIT", 900),
    time_limit=getattr(settings, "REPORTING_TIME_LIMIT", 960),
    ignore_result=True,
)
def report_run_generate(self, run_id: str) -> None:
    from django.utils.translation import gettext as _

    from reporting.reports.services import (
        LeaseLost,
        report_run_execute,
        report_run_fail,
        report_run_release,
        worker_name,
    )

    # Release and fail only this worker's own claim: if the run was taken over while
    # this attempt stalled, the other worker's claim must stand.
    worker = worker_name()
    try:
        report_run_execute(run_id=run_id, worker=worker)
    except LeaseLost:
        logger.warning("report run %s was taken over by another worker", run_id)
    except SoftTimeLimitExceeded:
        report_run_fail(
            run_id=run_id, error=_("The report took too long and was stopped."), worker=worker
        )
    except TRANSIENT_ERRORS as exc:
        # A connection the server dropped stays broken until closed: without this,
        # the release below fails on it and the task is never retried. (Not inside a
        # caller's transaction: an eager call must not close that.)
        if not connection.in_atomic_block:
            close_old_connections()
        if self.request.retries >= MAX_RETRIES:
            report_run_fail(
                run_id=run_id,
                error=_("Temporary error: %(error)s") % {"error": exc},
                worker=worker,
            )
            raise
        report_run_release(run_id=run_id, worker=worker)
        # Back off 10 s, 40 s, 160 s.
        raise self.retry(exc=exc, countdown=10 * 4**self.request.retries) from exc
    except Exception as exc:  # a permanent error: show it on the run, don't retry
        logger.exception("report run %s failed", run_id)
        report_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}", worker=worker)


@shared_task(name="reporting.report_runs_recover", ignore_result=True)
def report_runs_recover() -> int:
    from reporting.reports.services import report_runs_recover as recover

    return recover()


@shared_task(name="reporting.report_runs_purge", ignore_result=True)
def report_runs_purge() -> int:
    from reporting.reports.services import report_runs_purge as purge

    return purge()


@shared_task(name="reporting.report_schedule_fire", ignore_result=True)
def report_schedule_fire(schedule_id: int) -> str | None:
    """Beat calls this for each active schedule; it requests one run (idempotent per period)."""
    from reporting.reports.schedules import report_schedule_fire as fire

    run = fire(schedule_id=schedule_id)
    return str(run.id) if run else None
