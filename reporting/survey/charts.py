"""The charts of the public IKM results, drawn by the chart engine (``paten.charts``).

``unsur_rows`` and ``trend_row`` turn results into plain rows; ``unsur_chart`` and
``trend_chart`` draw them on the 25–100 scale with the mutu band lines of
PermenPAN-RB 14/2017 (65,00 / 76,61 / 88,31; ``reporting.survey.ikm``). A weak unsur
(mutu C or D) is hatched and listed in the legend, not only coloured.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from paten.charts import (
    GRID,
    HALO,
    INK,
    MUTED,
    SMALL_FONT_SIZE,
    Band,
    Chart,
    ChartRow,
    bar_chart,
    bar_fill,
    format_decimal,
    hatch_pattern,
    legend_svg,
    svg_number,
    svg_open,
    svg_text,
)
from reporting.survey.ikm import (
    CONVERSION_FACTOR,
    MAX_ANSWER,
    MIN_ANSWER,
    NIK_LOWER_BOUNDS,
    UNSUR,
    IkmResult,
    Mutu,
    display_ikm,
)

SCALE_MIN = MIN_ANSWER * CONVERSION_FACTOR  # 25
SCALE_MAX = MAX_ANSWER * CONVERSION_FACTOR  # 100
TICKS = (25, 50, 75, 100)


# -- rows ----------------------------------------------------------------------------


def unsur_rows(result: IkmResult) -> list[ChartRow]:
    """The nine unsur of ``result`` in questionnaire order U1…U9 (converted NRR × 25)."""
    rows = []
    for unsur in result.unsur:
        number = UNSUR[unsur.key].questionnaire_number
        rows.append(
            ChartRow(
                label=f"U{number} {unsur.key.capitalize()}",
                title=f"U{number} {UNSUR[unsur.key].name}",
                value=display_ikm(unsur.converted),
                mutu=str(unsur.mutu),
                weak=unsur.weak,
                key=unsur.key,
            )
        )
    return rows


def trend_row(
    *,
    label: str,
    result: IkmResult | None,
    lines: Sequence[str] = (),
    current: bool = False,
    key: str = "",
) -> ChartRow:
    """One period of a trend; ``result`` None when the period has no respondents."""
    if result is None:
        return ChartRow(label=label, value=None, lines=tuple(lines), current=current, key=key)
    return ChartRow(
        label=label,
        value=display_ikm(result.ikm_converted),
        mutu=str(result.mutu),
        weak=result.mutu in (Mutu.C, Mutu.D),
        lines=tuple(lines),
        current=current,
        key=key,
    )


def _bands() -> list[tuple[Decimal, str]]:
    """(lower bound, mutu) of C, B and A in ascending order."""
    return sorted((lower, str(mutu)) for lower, mutu in NIK_LOWER_BOUNDS)


def _band_description() -> str:
    return _("Mutu band lines: %(bands)s.") % {
        "bands": ", ".join(f"{mutu} ≥ {format_decimal(lower, 2)}" for lower, mutu in _bands())
    }


def _row_description(row: ChartRow) -> str:
    if row.value is None:
        return _("%(label)s: no respondents") % {"label": row.full_label}
    text = _("%(label)s: %(value)s, mutu %(mutu)s") % {
        "label": row.full_label,
        "value": row.value_text,
        "mutu": row.mutu,
    }
    if row.weak:
        text += " " + _("(needs improvement)")
    return text


def _describe(intro: str, rows: Sequence[ChartRow]) -> str:
    return " ".join(
        [intro, "; ".join(_row_description(r) for r in rows) + ".", _band_description()]
    )


# -- the unsur chart -----------------------------------------------------------------


def unsur_chart(rows: Sequence[ChartRow], *, title: str, chart_id: str, halo: bool = True) -> Chart:
    """Horizontal bars of the converted value per unsur, with the mutu band lines.

    ``chart_id`` must be unique on the page: it prefixes the ids of the title,
    description and hatch pattern.
    """
    rows = tuple(rows)
    return bar_chart(
        rows,
        title=title,
        chart_id=chart_id,
        description=_describe(_("Converted value (25–100) per unsur."), rows),
        scale=(SCALE_MIN, SCALE_MAX),
        ticks=TICKS,
        bands=[Band(lower=lower, letter=mutu) for lower, mutu in _bands()],
        lowest_letter=str(Mutu.D),
        value_text=lambda row: f"{row.value_text} {row.mutu}",
        row_description=_row_description,
        legend=legend_texts(),
        halo=halo,
    )


def legend_texts() -> tuple[str, str]:
    return (_("mutu A or B"), _("mutu C or D: needs improvement"))


# -- the trend chart -----------------------------------------------------------------

T_LEFT = 44
T_SLOT = 84
T_COLUMN = 40
T_RIGHT = 76
T_TOP = 28
T_PLOT = 200
T_BOTTOM = 78
T_MIN_WIDTH = 400


def trend_chart(rows: Sequence[ChartRow], *, title: str, chart_id: str) -> Chart:
    """Columns of the IKM (25–100) per period, oldest first, with the mutu band lines.

    A period without respondents gets no column, only “–”; the current period's label
    is bold. ``chart_id`` must be unique on the page.
    """
    rows = tuple(rows)
    description = _describe(_("IKM (25–100) per period, oldest first."), rows)
    # Wide enough for the legend even with a single period.
    width = max(T_MIN_WIDTH, T_LEFT + T_SLOT * max(1, len(rows)) + T_RIGHT)
    height = T_TOP + T_PLOT + T_BOTTOM
    bottom = T_TOP + T_PLOT
    scale = T_PLOT / (SCALE_MAX - SCALE_MIN)
    plot_right = T_LEFT + T_SLOT * max(1, len(rows))
    pattern_id = f"{chart_id}-hatch"

    def y_of(value) -> float:
        return bottom - (float(value) - SCALE_MIN) * scale

    parts = [svg_open(chart_id, width, height, title, description)]
    parts.append(format_html("<defs>{}</defs>", hatch_pattern(pattern_id)))
    for tick in TICKS:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1"/>',
                x1=T_LEFT,
                x2=svg_number(plot_right),
                y=svg_number(y),
                c=GRID,
            )
        )
        parts.append(svg_text(T_LEFT - 6, y + 4, str(tick), text_anchor="end", fill=MUTED))
    for lower, mutu in _bands():
        y = y_of(lower)
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1.5" '
                'stroke-dasharray="5 3"/>',
                x1=T_LEFT,
                x2=svg_number(plot_right + 4),
                y=svg_number(y),
                c=INK,
            )
        )
        parts.append(
            svg_text(
                plot_right + 8,
                y + 4,
                f"{mutu} ≥ {format_decimal(lower, 2)}",
                font_size=SMALL_FONT_SIZE,
            )
        )
    for index, row in enumerate(rows):
        centre = T_LEFT + T_SLOT * index + T_SLOT / 2
        parts.append(format_html("<g><title>{}</title>", _row_description(row)))
        if row.value is None:
            parts.append(svg_text(centre, bottom - 6, "–", text_anchor="middle"))
        else:
            top = y_of(row.value)
            fill, stroke = bar_fill(row, pattern_id)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="1.5"/>',
                    svg_number(centre - T_COLUMN / 2),
                    svg_number(top),
                    T_COLUMN,
                    svg_number(max(2.0, bottom - top)),
                    fill,
                    stroke,
                )
            )
            parts.append(
                svg_text(
                    centre,
                    top - 6,
                    f"{row.value_text} {row.mutu}",
                    text_anchor="middle",
                    font_size=SMALL_FONT_SIZE,
                    **HALO,
                )
            )
        lines = row.lines or (row.label,)
        weight = "700" if row.current else "400"
        for line_number, line in enumerate(lines):
            parts.append(
                svg_text(
                    centre,
                    bottom + 18 + 15 * line_number,
                    line,
                    text_anchor="middle",
                    font_weight=weight,
                )
            )
        parts.append(mark_safe("</g>"))
    parts.append(legend_svg(height - 20, pattern_id, x=T_LEFT, texts=legend_texts()))
    parts.append(mark_safe("</svg>"))
    return Chart(title=title, description=description, rows=rows, svg=mark_safe("".join(parts)))
