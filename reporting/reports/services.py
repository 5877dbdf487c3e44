"""Report runs: request (web), claim/progress/complete (worker), retry, recovery, purge.

Generation happens only in Celery workers (``reporting.tasks``, which import this
module lazily: only the task side of the pair does). Everything a worker
does is safe to repeat: a run is claimed with a lease that progress updates renew, a
finished run is never generated again, and every output format is one
``ReportOutput`` row (unique per run and format) whose file name is fixed by the run.
"""

import hashlib
import logging
import os
import socket
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from paten.accounts.selectors import kecamatan_scope_for
from paten.audit.services import audit_record
from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from reporting.models import (
    ReportFormat,
    ReportKind,
    ReportOutput,
    ReportRun,
    ReportSettings,
    ReportStatus,
)
from reporting.reports.registry import ProgressFn, definition_for
from reporting.reports.writers import write_outputs
from reporting.tasks import report_run_generate

logger = logging.getLogger(__name__)

#: Seconds a worker's claim on a run stays valid without a progress update.
LEASE_SECONDS = getattr(settings, "REPORTING_LEASE_SECONDS", 120)
#: Longest period one report may cover.
MAX_PERIOD_DAYS = 366 * 2


class ReportRequestError(ValidationError):
    """A report request that cannot be accepted; the message is Indonesian."""


# -- request (web) --------------------------------------------------------------------


def _report_scope(*, user, kecamatan: Region | str | None) -> Region | None:
    """The run's kecamatan: never wider than what ``user`` may see."""
    scope = kecamatan_scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("You have no kecamatan to report on."))
    if isinstance(kecamatan, str) and kecamatan:
        kecamatan = Region.objects.filter(code=kecamatan).first()
        if kecamatan is None:
            raise ReportRequestError(_("Unknown kecamatan."))
    if kecamatan is None:
        if scope.is_pemda_wide:
            return None
        if len(scope.codes) == 1:
            return Region.objects.get(code=next(iter(scope.codes)))
        raise ReportRequestError(_("Choose one of your kecamatan."))
    if kecamatan.level != RegionLevel.KECAMATAN:
        raise ReportRequestError(_("Choose a kecamatan."))
    if not scope.allows(kecamatan.code):
        raise PermissionDenied(_("This kecamatan is outside your area."))
    return kecamatan


def report_run_request(
    *,
    user,
    kind: str,
    start: date,
    end: date,
    kecamatan: Region | str | None = None,
    formats: Iterable[str] | None = None,
    options: dict | None = None,
    schedule=None,
) -> ReportRun:
    """Record a report request and queue it for a worker once the transaction commits."""
    if kind not in ReportKind.values:
        raise ReportRequestError(_("Unknown report kind."))
    if user is not None and not user.has_perm("reporting.add_reportrun"):
        raise PermissionDenied(_("You may not request reports."))
    definition = definition_for(kind)
    if user is not None and not definition.permits(user):
        raise PermissionDenied(_("You may not request this report."))
    if not isinstance(start, date) or not isinstance(end, date):
        raise ReportRequestError(_("Enter the first and the last day of the period."))
    if start > end:
        raise ReportRequestError(_("The first day must not be after the last day."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportRequestError(_("A report covers at most two years."))
    formats = list(dict.fromkeys(formats or definition.formats))
    unsupported = [f for f in formats if f not in definition.formats]
    if unsupported or not formats:
        raise ReportRequestError(
            _("This report is available as %(formats)s.")
            % {"formats": ", ".join(f.upper() for f in definition.formats)}
        )
    region = (
        _report_scope(user=user, kecamatan=kecamatan)
        if user is not None
        else (Region.objects.get(code=kecamatan) if isinstance(kecamatan, str) else kecamatan)
    )
    run = ReportRun.objects.create(
        kind=kind,
        parameters={"start": start.isoformat(), "end": end.isoformat(), **(options or {})},
        formats=formats,
        kecamatan=region,
        requested_by=user,
        schedule=schedule,
    )
    audit_record(
        actor=user,
        action="report.requested",
        target=run,
        kecamatan=region,
        payload={"kind": kind, "parameters": run.parameters, "formats": formats},
    )
    report_run_enqueue(run=run)
    return run


def report_run_enqueue(*, run: ReportRun) -> None:
    run_id = str(run.id)
    transaction.on_commit(lambda: report_run_generate.delay(run_id))


def report_run_retry(*, run: ReportRun, user) -> ReportRun:
    """Queue a failed run again (same parameters, same scope)."""
    if run.status != ReportStatus.FAILED:
        raise ReportRequestError(_("Only a failed report can be retried."))
    # A run without a kecamatan is pemda-wide: ``allows(None)`` only for pemda-wide users.
    if not kecamatan_scope_for(user).allows(run.kecamatan_id):
        raise PermissionDenied(_("This report is outside your area."))
    updated = ReportRun.objects.filter(pk=run.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.QUEUED,
        error="",
        progress=0,
        progress_note="",
        lease_until=None,
        worker="",
        finished_at=None,
    )
    if updated:
        audit_record(actor=user, action="report.retried", target=run, kecamatan=run.kecamatan_id)
        report_run_enqueue(run=run)
    run.refresh_from_db()
    return run


# -- worker side ----------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def report_run_claim(*, run_id, worker: str) -> ReportRun | None:
    """Take the run for this worker, or None if it is done or another live worker has it.

    One UPDATE decides: queued runs, and running runs whose lease expired (their
    worker died), can be claimed; everything else is left alone.
    """
    now = timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING, lease_until__lt=now)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not ReportRun.objects.filter(claimable, pk=run_id).exists():
            return None
        run.status = ReportStatus.RUNNING
        run.worker = worker
        run.lease_until = now + timedelta(seconds=LEASE_SECONDS)
        run.attempts += 1
        run.started_at = now
        run.progress = 0
        run.progress_note = ""
        run.save(
            update_fields=[
                "status",
                "worker",
                "lease_until",
                "attempts",
                "started_at",
                "progress",
                "progress_note",
            ]
        )
    return run


class LeaseLost(Exception):
    """Another worker took the run over (ours was presumed dead): stop quietly."""


def report_run_progress(*, run: ReportRun, percent: int, note: str = "") -> None:
    """Store progress and renew the lease; raises LeaseLost if the run is no longer ours."""
    percent = max(0, min(100, int(percent)))
    updated = ReportRun.objects.filter(
        pk=run.pk, status=ReportStatus.RUNNING, worker=run.worker
    ).update(
        progress=percent,
        progress_note=note[:200],
        lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS),
    )
    if not updated:
        raise LeaseLost(str(run.pk))
    run.progress, run.progress_note = percent, note[:200]


def _store_output(*, run: ReportRun, fmt: str, path: str, filename: str, rows: int) -> ReportOutput:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    output = ReportOutput(
        run=run,
        format=fmt,
        filename=filename,
        size=os.path.getsize(path),
        sha256=digest.hexdigest(),
        rows=rows,
    )
    try:
        with transaction.atomic():
            existing = ReportOutput.objects.select_for_update().filter(run=run, format=fmt).first()
            if existing is not None:  # idempotency: a repeated generation keeps the first file
                return existing
            with open(path, "rb") as handle:
                output.file.save(filename, File(handle), save=False)
            output.save()
    except IntegrityError:
        # A worker that had lost its lease stored this format meanwhile (the unique
        # constraint decided): keep its file, remove ours.
        output.file.delete(save=False)
        return ReportOutput.objects.get(run=run, format=fmt)
    return output


def report_run_execute(*, run_id, worker: str | None = None) -> ReportRun | None:
    """Generate a run's outputs (called by the Celery task only)."""
    worker = worker or worker_name()
    run = report_run_claim(run_id=run_id, worker=worker)
    if run is None:
        return None

    def progress(percent: int, note: str = "") -> None:
        report_run_progress(run=run, percent=percent, note=note)

    definition = definition_for(run.kind)
    progress(1, _("Collecting data"))
    data = definition.build(run=run, progress=progress)
    done = {o.format for o in run.outputs.all()}
    for fmt, path, filename, rows in write_outputs(
        run=run, data=data, formats=[f for f in run.formats if f not in done], progress=progress
    ):
        try:
            _store_output(run=run, fmt=fmt, path=path, filename=filename, rows=rows)
        finally:
            if os.path.exists(path):
                os.remove(path)
    finished = ReportRun.objects.filter(
        pk=run.pk, status=ReportStatus.RUNNING, worker=worker
    ).update(
        status=ReportStatus.DONE,
        progress=100,
        progress_note=_("Done"),
        finished_at=timezone.now(),
        lease_until=None,
    )
    if not finished:
        raise LeaseLost(str(run.pk))
    run.refresh_from_db()
    if run.schedule_id and run.emailed_at is None:
        report_run_email(run=run)
    return run


def report_run_release(*, run_id, worker: str | None = None) -> None:
    """Give a run back to the queue before a retry (only our own running claim)."""
    runs = ReportRun.objects.filter(pk=run_id, status=ReportStatus.RUNNING)
    if worker is not None:
        runs = runs.filter(worker=worker)
    runs.update(status=ReportStatus.QUEUED, lease_until=None, worker="")


def report_run_fail(*, run_id, error: str, worker: str | None = None) -> None:
    """Mark a run failed with a message staff can read (after the last retry).

    With ``worker``, a run that another worker has taken over meanwhile (ours was
    presumed dead) is left to that worker.
    """
    runs = ReportRun.objects.filter(pk=run_id).exclude(status=ReportStatus.DONE)
    if worker is not None:
        runs = runs.exclude(Q(status=ReportStatus.RUNNING) & ~Q(worker=worker))
    runs.update(
        status=ReportStatus.FAILED,
        error=error[:4000],
        finished_at=timezone.now(),
        lease_until=None,
    )


def report_run_email(*, run: ReportRun) -> None:
    """Send a scheduled run's files to the schedule's recipients (once)."""
    recipients = run.schedule.recipient_list if run.schedule else []
    claimed = ReportRun.objects.filter(pk=run.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not recipients or not claimed:
        return
    message = EmailMessage(
        subject=f"[PATEN] {run}",
        body=_(
            "The scheduled report “%(name)s” is attached. It is also kept in the report "
            "archive of the admin."
        )
        % {"name": run.schedule.name},
        to=recipients,
    )
    for output in run.outputs.all():
        with output.file.open("rb") as handle:
            message.attach(output.filename, handle.read())
    message.send()


# -- maintenance (beat) ---------------------------------------------------------------


def report_runs_recover(*, stale_queue_minutes: int = 10) -> int:
    """Queue again runs whose worker died (expired lease) or whose message was lost."""
    now = timezone.now()
    stale = ReportRun.objects.filter(
        Q(status=ReportStatus.RUNNING, lease_until__lt=now)
        | Q(status=ReportStatus.QUEUED, created_at__lt=now - timedelta(minutes=stale_queue_minutes))
    )
    runs = list(stale.only("id"))
    for run in runs:
        report_run_enqueue(run=run)
    return len(runs)


def report_runs_purge(*, today: date | None = None) -> int:
    """Delete runs (and their files) older than the retention period set in the admin."""
    days = ReportSettings.load().retention_days
    cutoff = timezone.now() - timedelta(days=days)
    old = ReportRun.objects.filter(created_at__lt=cutoff).exclude(status=ReportStatus.RUNNING)
    count = 0
    for run in old.prefetch_related("outputs"):
        for output in run.outputs.all():
            output.file.delete(save=False)
        run.delete()
        count += 1
    return count


__all__ = [
    "LeaseLost",
    "ProgressFn",
    "ReportFormat",
    "ReportRequestError",
    "report_run_claim",
    "report_run_execute",
    "report_run_fail",
    "report_run_progress",
    "report_run_release",
    "report_run_request",
    "report_run_retry",
    "report_runs_purge",
    "report_runs_recover",
]
