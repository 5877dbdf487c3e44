"""Rekap pelayanan bulanan: per kecamatan × service, the figures of a period.

Counts come from one grouped aggregate; the working-day figures (mean and median
from verification to completion) from one streamed query of two dates per finished
application and a precomputed working-day index (no per-row database work).
"""

from collections import defaultdict

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms_builder.models import ApplicationEvent
from forms_builder.workflow import ApplicationState
from paten.charts import Chart
from paten.workdays.calendar import WorkingCalendar
from paten.workdays.index import WorkingDayIndex
from reporting.common.periods import local_day_bounds
from reporting.models import ReportFormat, ReportKind
from reporting.reports.kinds.common import (
    kecamatan_chart,
    kecamatan_service_rows,
    kecamatan_service_table,
    percent_of,
    run_period,
    scope_label,
    scoped_applications,
)
from reporting.reports.registry import ReportData, Sheet, register

S = ApplicationState
COMPLETED = (S.FINISHED, S.HANDED_OVER)
CLOSED_WITHOUT_RESULT = (S.REJECTED, S.CANCELLED)


def recap_rows(run) -> list[dict]:
    """One dict per (kecamatan, service) with every figure of the recap."""
    start, end = run_period(run)
    since, until = local_day_bounds(start, end)
    applications = scoped_applications(run)
    in_period = Q(finished_at__gte=since, finished_at__lt=until, state__in=COMPLETED)
    # "Open at the end of the period": received by then and neither completed nor
    # closed by then. An application closed without result (rejected/cancelled) has
    # no finished_at, so its closing event decides.
    closed_without_result = Exists(
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"), to_state__in=CLOSED_WITHOUT_RESULT, at__lt=until
        )
    )
    open_at_end = Q(finished_at__isnull=True) | Q(finished_at__gte=until)
    counts = (
        applications.filter(submitted_at__lt=until)
        .annotate(closed=closed_without_result)
        .values("kecamatan_id", "service_id")
        .annotate(
            received=Count("id", filter=Q(submitted_at__gte=since)),
            completed=Count("id", filter=in_period),
            within_sla=Count("id", filter=in_period & Q(finished_at__lte=F("due_at"))),
            open_at_end=Count("id", filter=open_at_end & Q(closed=False)),
            # Past due by the end of the period, but never counted ahead of now: in a
            # period ending today, an application due this afternoon is not overdue yet.
            overdue_at_end=Count(
                "id",
                filter=open_at_end & Q(closed=False, due_at__lt=min(until, timezone.now())),
            ),
        )
        .order_by()
    )
    table: dict[tuple, dict] = {}
    for row in counts:
        table[(row["kecamatan_id"], row["service_id"])] = {**row, "returned": 0, "rejected": 0}

    events = (
        ApplicationEvent.objects.filter(
            application__in=applications,
            at__gte=since,
            at__lt=until,
            to_state__in=(S.RETURNED, S.REJECTED),
        )
        .values("application__kecamatan_id", "application__service_id", "to_state")
        .annotate(n=Count("application_id", distinct=True))
        .order_by()
    )
    for row in events:
        key = (row["application__kecamatan_id"], row["application__service_id"])
        entry = table.setdefault(
            key,
            {
                "kecamatan_id": key[0],
                "service_id": key[1],
                "received": 0,
                "completed": 0,
                "within_sla": 0,
                "open_at_end": 0,
                "overdue_at_end": 0,
                "returned": 0,
                "rejected": 0,
            },
        )
        entry["returned" if row["to_state"] == S.RETURNED else "rejected"] = row["n"]

    # Working days from verification (when the SLA clock starts) to completion.
    durations: dict[tuple, list[int]] = defaultdict(list)
    finished = (
        applications.filter(in_period)
        .values_list("kecamatan_id", "service_id", "verified_at", "submitted_at", "finished_at")
        .order_by()
        .iterator(chunk_size=5000)
    )
    calendar = WorkingCalendar.for_region()
    earliest = applications.filter(in_period).aggregate(first=Min("submitted_at"))["first"]
    index = WorkingDayIndex(
        calendar, min(earliest.astimezone(calendar.tz).date(), start) if earliest else start, end
    )
    for kecamatan_id, service_id, verified_at, submitted_at, finished_at in finished:
        began = (verified_at or submitted_at).astimezone(calendar.tz).date()
        done = finished_at.astimezone(calendar.tz).date()
        durations[(kecamatan_id, service_id)].append(max(0, index.between(began, done)))

    return kecamatan_service_rows(
        table,
        durations,
        percent_key="within_sla_pct",
        mean_key="mean_days",
        median_key="median_days",
    )


COLUMNS = (
    ("kecamatan_id", "Kode kecamatan"),
    ("kecamatan", "Kecamatan"),
    ("service", "Layanan"),
    ("received", "Diterima"),
    ("completed", "Selesai"),
    ("within_sla", "Selesai tepat waktu"),
    ("within_sla_pct", "% tepat waktu"),
    ("mean_days", "Rata-rata hari kerja"),
    ("median_days", "Median hari kerja"),
    ("returned", "Dikembalikan"),
    ("rejected", "Ditolak"),
    ("open_at_end", "Masih diproses"),
    ("overdue_at_end", "Melewati batas waktu"),
)
TOTAL_KEYS = (
    "received",
    "completed",
    "within_sla",
    "returned",
    "rejected",
    "open_at_end",
    "overdue_at_end",
)


def recap_totals(rows: list[dict]) -> dict:
    totals = {key: sum(r[key] for r in rows) for key in TOTAL_KEYS}
    totals["within_sla_pct"] = percent_of(totals["within_sla"], totals["completed"])
    return totals


def on_time_chart(rows: list[dict]) -> Chart:
    """% completed by the due date per kecamatan (the PDF's chart)."""
    per_kecamatan: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        per_kecamatan[row["kecamatan"]][0] += row["within_sla"]
        per_kecamatan[row["kecamatan"]][1] += row["completed"]
    return kecamatan_chart(
        [(name, percent_of(*counts)) for name, counts in sorted(per_kecamatan.items())],
        title=gettext_lazy("Percentage completed on time per kecamatan"),
        chart_id="on-time",
        places=1,
        suffix=" %",
    )


@register(ReportKind.MONTHLY_RECAP, formats=(ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV))
def build_monthly_recap(*, run, progress) -> ReportData:
    start, end = run_period(run)
    rows = recap_rows(run)
    progress(30, _("Data collected"))
    totals = recap_totals(rows)
    header = [title for _key, title in COLUMNS]
    total_row = ["", "JUMLAH", ""] + [totals.get(key, "") for key, _t in COLUMNS[3:]]
    total_row[7] = total_row[8] = ""
    return ReportData(
        title=str(ReportKind.MONTHLY_RECAP.label),
        scope_label=scope_label(run),
        start=start,
        end=end,
        sheets=[
            Sheet(
                title="Rekap",
                header=header,
                rows=lambda: [[r[key] for key, _t in COLUMNS] for r in rows] + [total_row],
                row_count=len(rows) + 1,
                widths=(14, 22, 40) + (12,) * 10,
            )
        ],
        pdf_template="reporting/reports/recap_pdf.html",
        context={
            "rows": rows,
            "totals": totals,
            "columns": COLUMNS,
            "table": kecamatan_service_table(
                rows, totals, COLUMNS, blank_totals=("mean_days", "median_days")
            ),
            "chart": on_time_chart(rows),
        },
    )
