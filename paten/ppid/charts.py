"""The public PPID statistics as server-drawn SVG charts (the reporting chart engine):
the share of written notices sent on time per unit, the requests per month and the
outcomes of the year. No JavaScript; each chart also has its table on the page."""

from decimal import Decimal

from django.utils.translation import gettext as _

from paten.charts import ChartRow, bar_chart, format_decimal

from .selectors import PpidStatistics


def _ticks(high: int) -> tuple[int, ...]:
    step = max(1, -(-high // 4))
    return tuple(range(0, step * 4 + 1, step))


def on_time_chart(stats: PpidStatistics, *, chart_id: str = "ppid-tepat-waktu", halo: bool = True):
    """The share of written notices sent on time per unit (``halo=False`` for a PDF:
    WeasyPrint paints the outline over the text)."""
    rows = [
        ChartRow(
            label=unit["name"],
            value=(
                None
                if not unit["decided"]
                else (Decimal(100 * unit["on_time"]) / Decimal(unit["decided"])).quantize(
                    Decimal("0.1")
                )
            ),
            weak=bool(unit["decided"]) and unit["on_time"] < unit["decided"],
        )
        for unit in stats.by_unit
    ]

    def text(row: ChartRow) -> str:
        return "–" if row.value is None else f"{format_decimal(row.value, 1)} %"

    return bar_chart(
        rows,
        title=_("Written notices sent on time, per unit"),
        chart_id=chart_id,
        description="; ".join(f"{row.label}: {text(row)}" for row in rows),
        value_text=text,
        row_description=lambda row: f"{row.label}: {text(row)}",
        legend=(_("all on time"), _("some sent late")),
        label_width=200,
        halo=halo,
    )


def count_chart(items: list[tuple[str, int]], *, title: str, chart_id: str):
    rows = [ChartRow(label=str(label), value=Decimal(count)) for label, count in items]
    high = max([count for _label, count in items] + [1])
    ticks = _ticks(high)

    def text(row: ChartRow) -> str:
        return format_decimal(row.value, 0)

    return bar_chart(
        rows,
        title=title,
        chart_id=chart_id,
        description="; ".join(f"{row.label}: {text(row)}" for row in rows),
        scale=(0, ticks[-1]),
        ticks=ticks,
        value_text=text,
        row_description=lambda row: f"{row.label}: {text(row)}",
        label_width=200,
    )
