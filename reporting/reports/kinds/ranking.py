"""Peringkat evaluasi kecamatan: the scoreboard of one evaluation period.

The figures are those of ``reporting.evaluation.selectors.scoreboard`` (nothing is
recomputed here): per kecamatan the aspect scores, the weighted total, the rank
(1, 2, 2, 4 on the total shown to two decimals) and the change against the previous
closed period of the same instrument; per kecamatan and indicator the stored value,
its status, whether it counts, and its score.

The period is ``parameters["period_id"]``; without it, the latest closed period whose
dates overlap the run's first and last day.

Scope: a pemda-wide run lists every kecamatan. A kecamatan-scoped run shows only its
own rows, its rank "k of N" and the kabupaten/kota averages, never another
kecamatan's figures (as ``scoreboard_for_user`` does for a camat).
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.evaluation.scoring import display
from reporting.evaluation.selectors import Scoreboard, scoreboard
from reporting.models import EvaluationPeriod, ReportFormat, ReportKind, Source
from reporting.reports.kinds.common import kecamatan_chart, run_period, scope_label
from reporting.reports.registry import ReportData, Sheet, register

AVERAGE_LABEL = "Rata-rata kabupaten/kota"
STATUS_LABELS = {
    "beku": "Dihitung, dibekukan",
    "diajukan": "Diajukan, menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
    "ditolak": "Ditolak",
    "": "Belum diisi",
}
SOURCE_LABELS = {Source.COMPUTED: "Dihitung dari data", Source.EVIDENCE: "Bukti terverifikasi"}
DETAIL_HEADER = (
    "Kode kecamatan",
    "Kecamatan",
    "Aspek",
    "Kode indikator",
    "Indikator",
    "Sumber",
    "Satuan",
    "Target",
    "Bobot dalam aspek (%)",
    "Nilai",
    "Status",
    "Dihitung dalam skor",
    "Skor (0–100)",
)


class RankingPeriodMissing(ValueError):
    """No evaluation period to report on (message in Indonesian)."""


def ranking_period(run) -> EvaluationPeriod:
    """The run's ``period_id``, or the latest closed period overlapping its dates."""
    period_id = (run.parameters or {}).get("period_id")
    if period_id:
        period = EvaluationPeriod.objects.select_related("instrument").filter(pk=period_id).first()
        if period is None:
            raise RankingPeriodMissing(f"Periode evaluasi {period_id} tidak ditemukan.")
        return period
    start, end = run_period(run)
    period = (
        EvaluationPeriod.objects.select_related("instrument")
        .filter(
            status=EvaluationPeriod.Status.CLOSED,
            start_date__lte=end,
            end_date__gte=start,
        )
        .order_by("-end_date", "-pk")
        .first()
    )
    if period is None:
        raise RankingPeriodMissing(
            f"Tidak ada periode evaluasi yang sudah ditutup antara {start:%d-%m-%Y} "
            f"dan {end:%d-%m-%Y}."
        )
    return period


def _shown(value: Decimal | None) -> Decimal | None:
    return None if value is None else display(value)


def ranking_rows(board: Scoreboard, *, kecamatan: str | None) -> tuple[list[dict], dict]:
    """(the visible kecamatan rows, the kabupaten/kota average row), as plain dicts."""
    rows = []
    for row in board.rows:
        if kecamatan and row.code != kecamatan:
            continue
        rows.append(
            {
                "rank": row.rank,
                "of": board.count,
                "code": row.code,
                "name": row.name,
                "aspects": [display(row.aspects[a.id]) for a in board.aspects],
                "total": display(row.total),
                "previous_total": _shown(row.previous_total),
                "change": _shown(row.change),
                "score": row,
            }
        )
    average = {
        "rank": "",
        "of": "",
        "code": "",
        "name": AVERAGE_LABEL,
        "aspects": [display(board.average_aspects[a.id]) for a in board.aspects],
        "total": display(board.average_total),
        "previous_total": None,
        "change": None,
    }
    return rows, average


def _weight(weight: Decimal) -> str:
    """A weight as Indonesian text: 35 → "35", 33.33 → "33,33"."""
    return format(display(weight).normalize(), "f").replace(".", ",")


def ranking_header(board: Scoreboard) -> list[str]:
    return [
        "Peringkat",
        "Dari",
        "Kode kecamatan",
        "Kecamatan",
        *[f"{a.name} ({_weight(a.weight)} %)" for a in board.aspects],
        "Total (0–100)",
        "Total periode sebelumnya",
        "Perubahan",
    ]


def _ranking_line(row: dict) -> list:
    return [
        row["rank"],
        row["of"],
        row["code"],
        row["name"],
        *row["aspects"],
        row["total"],
        row["previous_total"],
        row["change"],
    ]


def _indicator_line(code, name, aspect, indicator, *, value, status, counts, score) -> list:
    return [
        code,
        name,
        aspect.name,
        indicator.code,
        indicator.name,
        SOURCE_LABELS.get(indicator.source, indicator.source),
        indicator.unit,
        indicator.target,
        indicator.weight,
        value,
        status,
        counts,
        display(score),
    ]


def _detail_lines(board: Scoreboard, rows: list[dict]) -> list[list]:
    lines = []
    for row in rows:
        score = row["score"]
        for aspect in board.aspects:
            for indicator in aspect.indicators:
                cell = score.indicators[indicator.code]
                lines.append(
                    _indicator_line(
                        row["code"],
                        row["name"],
                        aspect,
                        indicator,
                        value=cell.value,
                        status=STATUS_LABELS.get(cell.status, cell.status),
                        counts="Ya" if cell.counts else "Tidak",
                        score=cell.score,
                    )
                )
    for aspect in board.aspects:
        for indicator in aspect.indicators:
            lines.append(
                _indicator_line(
                    "",
                    AVERAGE_LABEL,
                    aspect,
                    indicator,
                    value=None,
                    status="",
                    counts="",
                    score=board.average_indicators[indicator.code],
                )
            )
    return lines


@register(
    ReportKind.EVALUATION_RANKING,
    formats=(ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV),
)
def build_ranking(*, run, progress) -> ReportData:
    progress(5, _("Scoring the kecamatan of the evaluation period"))
    period = ranking_period(run)
    board = scoreboard(period=period)
    progress(30, _("Data collected"))
    rows, average = ranking_rows(board, kecamatan=run.kecamatan_id)
    own = rows[0] if run.kecamatan_id and rows else None
    table = [*rows, average]
    detail = _detail_lines(board, rows)
    header = ranking_header(board)
    return ReportData(
        title=f"{ReportKind.EVALUATION_RANKING.label} · {period.name}",
        scope_label=scope_label(run),
        start=period.start_date,
        end=period.end_date,
        sheets=[
            Sheet(
                title="Peringkat",
                header=header,
                rows=lambda: [_ranking_line(r) for r in table],
                row_count=len(table),
                widths=(10, 8, 14, 22, *[14] * len(board.aspects), 12, 14, 12),
            ),
            Sheet(
                title="Rincian indikator",
                header=DETAIL_HEADER,
                rows=lambda: detail,
                row_count=len(detail),
                widths=(14, 22, 18, 12, 40, 18, 10, 10, 10, 10, 26, 10, 10),
            ),
        ],
        pdf_template="reporting/reports/ranking_pdf.html",
        context={
            "period": period,
            "instrument": period.instrument,
            "aspects": board.aspects,
            "rows": rows,
            "average": average,
            "own": own,
            "count": board.count,
            "previous_period": board.previous_period,
            "chart": kecamatan_chart(
                [(r["name"], r["total"]) for r in table],
                title=gettext_lazy("Total evaluation score per kecamatan"),
                chart_id="total",
                places=2,
            ),
        },
    )
