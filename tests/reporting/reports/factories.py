"""Builders of the report tests: runs, the files a run wrote read back, and the recap's
February of applications placed by hand."""

import csv
import io
import shutil
import subprocess
import time
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.utils import timezone

from openpyxl import load_workbook

from forms_builder.models import Application, ApplicationEvent
from reporting.models import (
    ReportFormat,
    ReportKind,
    ReportRun,
    ReportStatus,
)
from tests.services import need

FEBRUARY = {"start": "2025-02-01", "end": "2025-02-28"}


def at(day: int, hour: int = 10, minute: int = 0, *, month: int = 2) -> datetime:
    """An instant of 2025 in the installation's time zone (Asia/Jakarta)."""
    return timezone.make_aware(datetime(2025, month, day, hour, minute))


def place(application, *, submitted, verified=None, due=None, finished=None, events=None):
    """Move an application (and some of its events) to fixed dates in the past."""
    Application.objects.filter(pk=application.pk).update(
        submitted_at=submitted, verified_at=verified, due_at=due, finished_at=finished
    )
    for state, when in (events or {}).items():
        ApplicationEvent.objects.filter(application=application, to_state=state).update(at=when)
    return Application.objects.get(pk=application.pk)


class Progress:
    """A progress stub that records what the builder reports."""

    def __init__(self):
        self.calls: list[tuple[int, str]] = []

    def __call__(self, percent: int, note: str = "") -> None:
        self.calls.append((percent, note))

    @property
    def percents(self) -> list[int]:
        return [percent for percent, _note in self.calls]


def make_run(kind, parameters, *, kecamatan=None, formats=(ReportFormat.XLSX,), **options):
    return ReportRun.objects.create(
        kind=kind,
        parameters={**parameters, **options},
        formats=list(formats),
        kecamatan=kecamatan,
    )


def sheet_rows(data, title) -> list[list]:
    sheet = next(s for s in data.sheets if s.title == title)
    return [list(row) for row in sheet.rows()]


def as_dicts(data, title) -> list[dict]:
    sheet = next(s for s in data.sheets if s.title == title)
    return [dict(zip(sheet.header, row, strict=False)) for row in sheet.rows()]


def period_of(quarter) -> dict:
    return {"start": quarter.start_date.isoformat(), "end": quarter.end_date.isoformat()}


def xlsx_sheets(run) -> dict[str, list[tuple]]:
    output = run.outputs.get(format=ReportFormat.XLSX)
    workbook = load_workbook(output.file.path, read_only=True)
    try:
        return {
            sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def xlsx_text(run) -> str:
    return "\n".join(
        " | ".join("" if value is None else str(value) for value in row)
        for rows in xlsx_sheets(run).values()
        for row in rows
    )


def csv_rows(run) -> list[list[str]]:
    output = run.outputs.get(format=ReportFormat.CSV)
    with output.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def pdf_text(run) -> str:
    if not shutil.which("pdftotext"):
        need("pdftotext (poppler-utils) is not installed: the PDF's text cannot be checked")
    output = run.outputs.get(format=ReportFormat.PDF)
    text = subprocess.run(
        ["pdftotext", "-layout", output.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def pdf_html(data) -> str:
    """The HTML the PDF writer renders (checked without needing poppler)."""
    return render_to_string(
        data.pdf_template, {"data": data, "generated_at": timezone.now(), **data.context}
    )


def with_report_permission(user):
    """Camat do not request reports by default: grant it, and drop the cached perms."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="reporting", codename="add_reportrun")
    )
    return get_user_model().objects.get(pk=user.pk)


SECRET_SUGGESTION = "Petugas Budi 081299998888 kurang ramah"


def make_queued_run(*, kecamatan=None, formats=("xlsx", "csv"), **fields) -> ReportRun:
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


RECAP = ReportKind.MONTHLY_RECAP


def failed_run(kecamatan=None) -> ReportRun:
    return ReportRun.objects.create(
        kind=ReportKind.MONTHLY_RECAP,
        parameters={"start": "2026-01-01", "end": "2026-01-31"},
        formats=["xlsx"],
        kecamatan=kecamatan,
        status=ReportStatus.FAILED,
        error="boom",
    )


def slow_down_recap(step_seconds: float) -> None:
    """In the worker: the monthly recap reports five progress steps of ``step_seconds``
    each before it builds, so that a test can watch it and kill its worker mid-run."""
    from reporting import reports

    definition = reports.definition_for(RECAP)

    def build(*, run, progress):
        for percent in (5, 10, 15, 20, 25):
            progress(percent, f"test step {percent} %")
            time.sleep(step_seconds)
        return definition.build(run=run, progress=progress)

    reports.register(RECAP, formats=definition.formats)(build)


RECAP = ReportKind.MONTHLY_RECAP
