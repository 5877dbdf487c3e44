"""Perbandingan kecamatan: service figures and IKM of every kecamatan in one period.

Per kecamatan of the kabupaten/kota (``settings.PATEN_KABUPATEN_KOTA``; kecamatan are
its level-3 regions): applications received and completed in the period, completed
by their due date and the SLA compliance %, the IKM (25–100) with mutu and kinerja,
and the survey population (applications finished in the period) with its respondents
against the Krejcie–Morgan minimum.

Ranking rule: by SLA compliance (higher first), then by IKM (higher first), both as
displayed (compliance to 1 decimal, IKM to 2 decimals), so that rows that look equal
rank equal. Equal rows share a rank and the next rank skips (1, 2, 2, 4). A
kecamatan with no completed application ranks after every one that has some, and
without respondents after those with an IKM at the same compliance.

The kabupaten average row: counts are the mean per kecamatan; compliance and IKM are
pooled over the whole kabupaten/kota (every completed application, every respondent),
i.e. the averages weighted by volume, computed with the exact IKM arithmetic. It has
no rank and no minimum sample (a pooled minimum would not match mean respondents).

Scope: a pemda-wide run lists every kecamatan. A kecamatan-scoped run shows only its
own row, its rank "k of N" and the kabupaten average: a camat may see where the
kecamatan stands but not the other kecamatan's figures.
"""

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms_builder.models import Application
from paten.charts import Chart
from paten.regions.selectors import installation_kecamatan
from reporting.common.periods import local_day_bounds
from reporting.models import ReportFormat, ReportKind
from reporting.reports.kinds.common import kecamatan_chart, percent_of, run_period, scope_label
from reporting.reports.kinds.recap import COMPLETED
from reporting.reports.registry import ReportData, Sheet, register
from reporting.survey.ikm import display_ikm, ikm_compute
from reporting.survey.selectors import Slice, ikm_by_kecamatan

AVERAGE_LABEL = "Rata-rata kabupaten/kota"

COLUMNS = (
    ("rank", "Peringkat"),
    ("of", "Dari"),
    ("code", "Kode kecamatan"),
    ("name", "Kecamatan"),
    ("received", "Diterima"),
    ("completed", "Selesai"),
    ("within_sla", "Selesai tepat waktu"),
    ("sla_pct", "% kepatuhan SLA"),
    ("ikm", "IKM (25–100)"),
    ("mutu", "Mutu"),
    ("kinerja", "Kinerja"),
    ("population", "Populasi survei"),
    ("respondents", "Responden"),
    ("min_sample", "Sampel minimum"),
    ("adequate", "Sampel memadai"),
)


def kabupaten_kecamatan() -> dict[str, str]:
    """{code: name} of the kecamatan of the installation's kabupaten/kota."""
    return dict(installation_kecamatan().values_list("code", "name"))


def _rank_key(row: dict) -> tuple:
    sla, ikm = row["sla_pct"], row["ikm"]
    return (sla is None, -(sla or 0), ikm is None, -(ikm or 0))


def assign_ranks(rows: list[dict]) -> None:
    """Competition ranking (1, 2, 2, 4) by the rule of the module docstring."""
    keys = [_rank_key(r) for r in rows]
    for row, key in zip(rows, keys, strict=True):
        row["rank"] = 1 + sum(1 for other in keys if other < key)
        row["of"] = len(rows)


def comparison_rows(run) -> tuple[list[dict], dict]:
    """(every kecamatan's row, ranked and sorted by rank; the kabupaten average row)."""
    start, end = run_period(run)
    since, until = local_day_bounds(start, end)
    names = kabupaten_kecamatan()
    in_period = Q(state__in=COMPLETED, finished_at__gte=since, finished_at__lt=until)
    counts = {
        row["kecamatan_id"]: row
        for row in Application.objects.filter(kecamatan_id__in=names)
        .filter(Q(submitted_at__gte=since, submitted_at__lt=until) | in_period)
        .values("kecamatan_id")
        .annotate(
            received=Count("id", filter=Q(submitted_at__gte=since, submitted_at__lt=until)),
            completed=Count("id", filter=in_period),
            within_sla=Count("id", filter=in_period & Q(finished_at__lte=F("due_at"))),
        )
        .order_by()
    }
    figures = {
        s.key: s
        for s in ikm_by_kecamatan(
            Slice(start=start, end=end), kecamatan_codes=names, with_template=False
        )
        if s.key in names
    }
    rows = []
    for code, name in names.items():
        entry = counts.get(code, {})
        figure = figures.get(code)
        result = figure.result if figure else None
        received, completed = entry.get("received", 0), entry.get("completed", 0)
        within = entry.get("within_sla", 0)
        respondents = figure.respondents if figure else 0
        rows.append(
            {
                "code": code,
                "name": name,
                "received": received,
                "completed": completed,
                "within_sla": within,
                "sla_pct": percent_of(within, completed),
                "ikm": display_ikm(result.ikm_converted) if result else None,
                "mutu": str(result.mutu) if result else None,
                "kinerja": result.kinerja if result else None,
                "respondents": respondents,
                "min_sample": figure.min_sample if figure else 0,
                "adequate": "Ya" if (figure.adequate if figure else True) else "Tidak",
                "population": figure.population if figure else 0,
            }
        )
    assign_ranks(rows)
    rows.sort(key=lambda r: (r["rank"], r["name"]))
    return rows, _average(rows, figures)


def _average(rows: list[dict], figures: dict) -> dict:
    count = len(rows) or 1
    respondents = sum(f.respondents for f in figures.values())
    pooled = None
    if respondents:
        sums: dict[str, int] = {}
        for figure in figures.values():
            if figure.result is None:
                continue
            for unsur in figure.result.unsur:
                sums[unsur.key] = sums.get(unsur.key, 0) + unsur.total
        pooled = ikm_compute(sums, respondents)
    completed = sum(r["completed"] for r in rows)
    within = sum(r["within_sla"] for r in rows)
    population = sum(r["population"] for r in rows)
    return {
        "rank": "",
        "of": "",
        "code": "",
        "name": AVERAGE_LABEL,
        "received": round(sum(r["received"] for r in rows) / count, 1),
        "completed": round(completed / count, 1),
        "within_sla": round(within / count, 1),
        "sla_pct": percent_of(within, completed),
        "ikm": display_ikm(pooled.ikm_converted) if pooled else None,
        "mutu": str(pooled.mutu) if pooled else None,
        "kinerja": pooled.kinerja if pooled else None,
        "respondents": round(respondents / count, 1),
        # A pooled minimum sample would not match the mean respondents: left empty.
        "min_sample": "",
        "adequate": "",
        "population": round(population / count, 1),
    }


def comparison_charts(rows: list[dict]) -> list[Chart]:
    return [
        kecamatan_chart(
            [(r["name"], r["sla_pct"]) for r in rows],
            title=gettext_lazy("SLA compliance per kecamatan"),
            chart_id="sla",
            places=1,
            suffix=" %",
        ),
        kecamatan_chart(
            [(r["name"], r["ikm"]) for r in rows],
            title=gettext_lazy("IKM per kecamatan"),
            chart_id="ikm",
            places=2,
        ),
    ]


@register(ReportKind.COMPARISON, formats=(ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV))
def build_comparison(*, run, progress) -> ReportData:
    start, end = run_period(run)
    progress(5, _("Counting applications and survey responses per kecamatan"))
    rows, average = comparison_rows(run)
    progress(30, _("Data collected"))
    own = None
    if run.kecamatan_id:
        # Only the run's own kecamatan: its rank of N, never the others' figures.
        own = next((r for r in rows if r["code"] == run.kecamatan_id), None)
        visible = [own] if own else []
    else:
        visible = rows
    table = [*visible, average]
    return ReportData(
        title=str(ReportKind.COMPARISON.label),
        scope_label=scope_label(run),
        start=start,
        end=end,
        sheets=[
            Sheet(
                title="Perbandingan",
                header=[title for _key, title in COLUMNS],
                rows=lambda: [[r[key] for key, _t in COLUMNS] for r in table],
                row_count=len(table),
                widths=(10, 8, 14, 22, 10, 10, 12, 12, 12, 8, 14, 12, 12, 12, 12),
            )
        ],
        pdf_template="reporting/reports/comparison_pdf.html",
        context={
            "rows": visible,
            "average": average,
            "own": own,
            "columns": COLUMNS,
            "charts": comparison_charts(table),
        },
    )
