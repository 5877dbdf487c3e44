"""Kepatuhan SLA: compliance with the service standard time, and the late applications.

Sheet "Kepatuhan SLA", per kecamatan × service: applications completed in the period,
completed by their due date (``finished_at <= due_at``; ``due_at`` is the deadline of
the service standard, docs/domain/working-days.md, when the clock starts), % compliance, the mean and median working days
late of the late ones, and how many were still open and past due at the period's end.

Sheet "Terlambat": every application open at the end of the period and past its due
date, then every application completed late in the period. Tracking code, kecamatan,
service and dates only: never the applicant's name, contact details or NIK.

Rules:

- *Working days late* are the working days after the due day up to the day it was
  finished (for an open one: the last day of the period), and at least 1: a deadline
  is the close of office hours, so a file finished after it, even on the due day or on
  the following weekend, reaches the applicant one working day late at the earliest.
- *End of the period* is never later than now: in a period that ends today, an
  application due this afternoon is not late yet.
- An application counts as open at that moment when it was received before it and was
  neither completed nor closed without result (rejected, cancelled) before it; the
  same rule as the monthly recap.

Counts come from grouped aggregates, the days late from streamed ``values_list``
queries and a precomputed working-day index: no query per application.
"""

from collections import defaultdict
from datetime import date, datetime
from itertools import islice

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from forms_builder.models import ApplicationEvent
from forms_builder.tracking import display as display_code
from paten.workdays.calendar import WorkingCalendar
from paten.workdays.index import WorkingDayIndex, summary
from reporting.common.periods import local_day_bounds
from reporting.models import ReportFormat, ReportKind
from reporting.reports.kinds.common import (
    kecamatan_service_rows,
    kecamatan_service_table,
    percent_of,
    run_period,
    scope_label,
    scoped_applications,
)
from reporting.reports.kinds.recap import CLOSED_WITHOUT_RESULT, COMPLETED, on_time_chart
from reporting.reports.registry import ReportData, Sheet, register

#: Text in the "finished" column of an application still open at the period's end.
NOT_FINISHED = "belum selesai"
STATUS_OPEN = "Belum selesai, melewati batas waktu"
STATUS_LATE = "Selesai terlambat"
#: The PDF lists at most this many late applications; the XLSX always lists all.
PDF_LATE_LIMIT = 500

COLUMNS = (
    ("kecamatan_id", "Kode kecamatan"),
    ("kecamatan", "Kecamatan"),
    ("service", "Layanan"),
    ("completed", "Selesai"),
    ("within_sla", "Selesai tepat waktu"),
    ("late", "Selesai terlambat"),
    ("compliance_pct", "% kepatuhan"),
    ("mean_late", "Rata-rata hari kerja terlambat"),
    ("median_late", "Median hari kerja terlambat"),
    ("open_overdue", "Belum selesai, lewat batas waktu"),
)
TOTAL_KEYS = ("completed", "within_sla", "late", "open_overdue")
LATE_HEADER = (
    "Kode pelacakan",
    "Kecamatan",
    "Layanan",
    "Keterangan",
    "Diterima",
    "Batas waktu",
    "Selesai",
    "Hari kerja terlambat",
)


class SlaPeriod:
    """The period of a run as the instants the SLA figures are counted against."""

    def __init__(self, run):
        self.start, self.end = run_period(run)
        self.since, self.until = local_day_bounds(self.start, self.end)
        # Never later than now: an application due later today is not late yet.
        self.cutoff = min(self.until, timezone.now())
        self.calendar = WorkingCalendar.for_region()
        self.as_of: date = self.end if self.cutoff == self.until else self._local_date(self.cutoff)

    def _local_date(self, value: datetime) -> date:
        return value.astimezone(self.calendar.tz).date()


def completed_in_period(applications: QuerySet, period: SlaPeriod) -> QuerySet:
    return applications.filter(
        state__in=COMPLETED, finished_at__gte=period.since, finished_at__lt=period.until
    )


def open_overdue_at_end(applications: QuerySet, period: SlaPeriod) -> QuerySet:
    """Received before the cut-off, not completed nor closed by then, and past due."""
    cutoff = period.cutoff
    closed = Exists(
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"), to_state__in=CLOSED_WITHOUT_RESULT, at__lt=cutoff
        )
    )
    return applications.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff),
        ~closed,
        submitted_at__lt=cutoff,
        due_at__lt=cutoff,
    )


class LateDays:
    """Working days late (rule in the module docstring), from a precomputed index."""

    def __init__(self, period: SlaPeriod, *querysets: QuerySet):
        earliest = [
            value
            for value in (qs.aggregate(first=Min("due_at"))["first"] for qs in querysets)
            if value is not None
        ]
        first = min([period.start, *(period._local_date(v) for v in earliest)])
        self.period = period
        self.index = WorkingDayIndex(period.calendar, first, max(period.end, period.as_of))

    def until(self, due_at: datetime, done: date) -> int:
        return max(1, self.index.between(self.period._local_date(due_at), done))

    def finished(self, due_at: datetime, finished_at: datetime) -> int:
        return self.until(due_at, self.period._local_date(finished_at))

    def open(self, due_at: datetime) -> int:
        return self.until(due_at, self.period.as_of)


def _local_naive(value: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: the local wall-clock time, to the minute.
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)


def sla_rows(run, *, period: SlaPeriod | None = None) -> tuple[list[dict], dict]:
    """(one dict per kecamatan × service, the totals) for the compliance sheet."""
    period = period or SlaPeriod(run)
    applications = scoped_applications(run)
    completed = completed_in_period(applications, period)
    late = completed.filter(finished_at__gt=F("due_at"))
    open_overdue = open_overdue_at_end(applications, period)

    empty = {"completed": 0, "within_sla": 0, "late": 0, "open_overdue": 0}
    table: dict[tuple, dict] = {}
    for row in (
        completed.values("kecamatan_id", "service_id")
        .annotate(
            completed=Count("id"),
            within_sla=Count("id", filter=Q(finished_at__lte=F("due_at"))),
            late=Count("id", filter=Q(finished_at__gt=F("due_at"))),
        )
        .order_by()
    ):
        table[(row["kecamatan_id"], row["service_id"])] = {**empty, **row}
    for row in open_overdue.values("kecamatan_id", "service_id").annotate(n=Count("id")).order_by():
        key = (row["kecamatan_id"], row["service_id"])
        entry = table.setdefault(key, {**empty, "kecamatan_id": key[0], "service_id": key[1]})
        entry["open_overdue"] = row["n"]

    days = LateDays(period, late)
    durations: dict[tuple, list[int]] = defaultdict(list)
    for kecamatan_id, service_id, due_at, finished_at in (
        late.values_list("kecamatan_id", "service_id", "due_at", "finished_at")
        .order_by()
        .iterator(chunk_size=5000)
    ):
        durations[(kecamatan_id, service_id)].append(days.finished(due_at, finished_at))

    rows = kecamatan_service_rows(
        table,
        durations,
        percent_key="compliance_pct",
        mean_key="mean_late",
        median_key="median_late",
    )
    totals = {key: sum(r[key] for r in rows) for key in TOTAL_KEYS}
    totals["compliance_pct"] = percent_of(totals["within_sla"], totals["completed"])
    totals["mean_late"], totals["median_late"] = summary(
        [value for values in durations.values() for value in values]
    )
    return rows, totals


def late_applications(run, *, period: SlaPeriod | None = None):
    """(row count, a callable streaming the "Terlambat" rows) — no personal data."""
    period = period or SlaPeriod(run)
    applications = scoped_applications(run)
    open_overdue = open_overdue_at_end(applications, period)
    late = completed_in_period(applications, period).filter(finished_at__gt=F("due_at"))
    count = open_overdue.count() + late.count()
    days = LateDays(period, open_overdue, late)
    columns = ("tracking_code", "kecamatan__name", "service__title", "submitted_at", "due_at")
    order = ("kecamatan__name", "service__title", "due_at", "tracking_code")

    def listed():
        for code, kecamatan, service, submitted_at, due_at in (
            open_overdue.order_by(*order).values_list(*columns).iterator(chunk_size=2000)
        ):
            yield code, kecamatan, service, STATUS_OPEN, submitted_at, due_at, None
        for code, kecamatan, service, submitted_at, due_at, finished_at in (
            late.order_by(*order).values_list(*columns, "finished_at").iterator(chunk_size=2000)
        ):
            yield code, kecamatan, service, STATUS_LATE, submitted_at, due_at, finished_at

    def rows(limit: int | None = None):
        for code, kecamatan, service, status, submitted_at, due_at, finished_at in islice(
            listed(), limit
        ):
            yield [
                display_code(code),
                kecamatan,
                service,
                status,
                _local_naive(submitted_at),
                _local_naive(due_at),
                NOT_FINISHED if finished_at is None else _local_naive(finished_at),
                days.open(due_at) if finished_at is None else days.finished(due_at, finished_at),
            ]

    return count, rows


@register(ReportKind.SLA, formats=(ReportFormat.XLSX, ReportFormat.PDF))
def build_sla(*, run, progress) -> ReportData:
    period = SlaPeriod(run)
    progress(5, _("Counting completed and overdue applications"))
    rows, totals = sla_rows(run, period=period)
    progress(20, _("Listing late applications"))
    late_count, late_rows = late_applications(run, period=period)
    progress(30, _("Data collected"))
    total_row = ["", "JUMLAH", ""] + [totals.get(key, "") for key, _t in COLUMNS[3:]]
    return ReportData(
        title=str(ReportKind.SLA.label),
        scope_label=scope_label(run),
        start=period.start,
        end=period.end,
        sheets=[
            Sheet(
                title="Kepatuhan SLA",
                header=[title for _key, title in COLUMNS],
                rows=lambda: [[r[key] for key, _t in COLUMNS] for r in rows] + [total_row],
                row_count=len(rows) + 1,
                widths=(14, 22, 40) + (14,) * 7,
            ),
            Sheet(
                title="Terlambat",
                header=LATE_HEADER,
                rows=late_rows,
                row_count=late_count,
                widths=(16, 22, 40, 30, 18, 18, 18, 12),
            ),
        ],
        pdf_template="reporting/reports/sla_pdf.html",
        context={
            "rows": rows,
            "totals": totals,
            "columns": COLUMNS,
            "table": kecamatan_service_table(rows, totals, COLUMNS),
            "late_count": late_count,
            "late_limit": PDF_LATE_LIMIT,
            # Django templates call a callable: the PDF streams the first rows only.
            "late_rows": lambda: late_rows(limit=PDF_LATE_LIMIT),
            "as_of": period.as_of,
            "chart": on_time_chart(rows),
        },
    )
