"""Helpers shared by the report kinds: a run's period, scope label and applications,
and the PDF chart of one figure per kecamatan."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from forms_builder.models import Application
from paten.charts import Chart, ChartRow, bar_chart, format_decimal
from paten.regions.models import Region
from paten.workdays.index import summary
from reporting.models import ReportRun
from service_catalog.models import ServicePage


def run_period(run: ReportRun) -> tuple[date, date]:
    return date.fromisoformat(run.parameters["start"]), date.fromisoformat(run.parameters["end"])


def scope_label(run: ReportRun) -> str:
    if run.kecamatan_id:
        return f"Kecamatan {run.kecamatan.name}"
    from paten.site.models import SiteSettings

    name = (
        SiteSettings.objects.filter(site__is_default_site=True)
        .values_list("pemda_name", flat=True)
        .first()
    )
    return name or _("Whole kabupaten/kota")


def scoped_applications(run: ReportRun) -> QuerySet:
    """Applications inside the run's scope (the scope was checked when it was requested)."""
    applications = Application.objects.all()
    if run.kecamatan_id:
        applications = applications.filter(kecamatan_id=run.kecamatan_id)
    return applications


def kecamatan_service_rows(
    table: dict[tuple, dict],
    durations: dict[tuple, list[int]],
    *,
    percent_key: str,
    mean_key: str,
    median_key: str,
) -> list[dict]:
    """The rows of a table keyed by (kecamatan code, service id): each entry with the
    kecamatan's name and the service's title (two queries), the % completed by the due
    date (``percent_key``) and the mean and median of its working-day ``durations``,
    sorted by kecamatan and service."""
    names = dict(Region.objects.filter(code__in={k for k, _s in table}).values_list("code", "name"))
    services = dict(
        ServicePage.objects.filter(id__in={s for _k, s in table}).values_list("id", "title")
    )
    rows = []
    for (kecamatan_id, service_id), entry in table.items():
        mean, middle = summary(durations.get((kecamatan_id, service_id), []))
        rows.append(
            {
                **entry,
                "kecamatan": names.get(kecamatan_id, kecamatan_id),
                "service": services.get(service_id, str(service_id)),
                percent_key: percent_of(entry["within_sla"], entry["completed"]),
                mean_key: mean,
                median_key: middle,
            }
        )
    rows.sort(key=lambda r: (r["kecamatan"], r["service"]))
    return rows


def kecamatan_service_table(
    rows: list[dict], totals: dict, columns, *, blank_totals: tuple[str, ...] = ()
) -> dict:
    """The PDF table of ``kecamatan_service_rows``: the figures after the kecamatan code,
    name and service, in the order of ``columns``, and the total row."""
    keys = [key for key, _title in columns[3:]]
    return {
        "rows": [
            {"kecamatan": r["kecamatan"], "service": r["service"], "values": [r[k] for k in keys]}
            for r in rows
        ],
        "total": ["" if key in blank_totals else totals.get(key) for key in keys],
        "width": len(columns) - 1,
    }


def percent_of(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent to one decimal, or None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def kecamatan_chart(
    items: Iterable[tuple[str, float | Decimal | None]],
    *,
    title,
    chart_id: str,
    places: int,
    suffix: str = "",
) -> Chart:
    """Bars of a 0–100 figure per kecamatan for a PDF, drawn by the chart engine."""
    rows = [
        ChartRow(label=label, value=None if value is None else Decimal(str(value)))
        for label, value in items
    ]

    def shown(row: ChartRow) -> str:
        return "–" if row.value is None else format_decimal(row.value, places) + suffix

    def described(row: ChartRow) -> str:
        return f"{row.label}: {shown(row)}"

    # Drawn in the installation's language, as the files are written (labels, commas).
    with translation.override(settings.LANGUAGE_CODE):
        return bar_chart(
            rows,
            title=str(title),
            chart_id=chart_id,
            description="; ".join(described(row) for row in rows),
            value_text=shown,
            row_description=described,
            label_width=200,
            halo=False,
        )
