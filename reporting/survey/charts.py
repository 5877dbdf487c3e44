"""Server-side SVG charts of the public IKM results: no JavaScript, no external resources.

Pure Python, no ORM. ``unsur_rows`` and ``trend_row`` turn results into plain rows;
``unsur_chart`` and ``trend_chart`` draw them as inline SVG that prints well in black
and white: a weak unsur is hatched and listed in the legend, not only coloured. Every
chart has a ``<title>`` and a ``<desc>`` listing its values (``role="img"``), and the
page shows the same rows as a table. Values are drawn on the 25–100 scale with the mutu
band lines of PermenPAN-RB 14/2017 (65,00 / 76,61 / 88,31; ``reporting.survey.ikm``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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

# Colours that survive printing in black and white: a dark bar, a hatched weak bar,
# black text and dashed black band lines; the light grid only helps on screen.
INK = "#1b1b1b"
MUTED = "#4a4a4a"
BAR = "#0b4f5c"
WEAK = "#a4262c"
GRID = "#c9d6d9"
FONT_SIZE = 13
#: A white outline behind value labels keeps them readable where a band line crosses.
HALO = {"paint_order": "stroke", "stroke": "#fff", "stroke_width": "3", "stroke_linejoin": "round"}
SMALL_FONT_SIZE = 11


def format_decimal(value: Decimal | None, places: int) -> str:
    """``value`` with ``places`` decimals in the active language (87,50 in Indonesian)."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=places)


@dataclass(frozen=True)
class ChartRow:
    """One bar: a converted value (25–100, already rounded for display) or no data."""

    label: str  # drawn beside the bar (short)
    value: Decimal | None  # None: nobody answered
    mutu: str = ""
    weak: bool = False
    title: str = ""  # full label for the description and the table
    lines: tuple[str, ...] = ()  # the label split over lines (trend axis)
    current: bool = False  # the period being shown (trend)
    key: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def full_label(self) -> str:
        return self.title or self.label

    @property
    def value_text(self) -> str:
        return format_decimal(self.value, 2)


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    rows: tuple[ChartRow, ...]
    svg: SafeString


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


# -- drawing helpers -----------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _bands() -> list[tuple[Decimal, str]]:
    """(lower bound, mutu) of C, B and A in ascending order."""
    return sorted((lower, str(mutu)) for lower, mutu in NIK_LOWER_BOUNDS)


def _hatch(pattern_id: str) -> SafeString:
    return format_html(
        '<pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="3"/></pattern>',
        pattern_id,
        WEAK,
    )


def _svg_open(chart_id: str, width: float, height: float, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="ikm-chart__svg" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" font-size="{fs}" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=_n(width),
        h=_n(height),
        id=chart_id,
        fs=FONT_SIZE,
        ink=INK,
        title=title,
        desc=desc,
    )


def _text(x: float, y: float, text: str, **attrs) -> SafeString:
    extra = "".join(
        format_html(' {}="{}"', name.replace("_", "-"), value) for name, value in attrs.items()
    )
    return format_html('<text x="{}" y="{}"{}>{}</text>', _n(x), _n(y), mark_safe(extra), text)


def _bar_fill(row: ChartRow, pattern_id: str) -> tuple[str, str]:
    """(fill, stroke) of a bar: hatched with a red outline when weak."""
    return (f"url(#{pattern_id})", WEAK) if row.weak else (BAR, BAR)


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

U_LABEL_WIDTH = 150
U_PLOT_WIDTH = 390
U_RIGHT = 70
U_TOP = 44
U_ROW = 30
U_BAR = 18
U_BOTTOM = 56


def unsur_chart(rows: Sequence[ChartRow], *, title: str, chart_id: str) -> Chart:
    """Horizontal bars of the converted value per unsur, with the mutu band lines.

    ``chart_id`` must be unique on the page: it prefixes the ids of the title,
    description and hatch pattern.
    """
    rows = tuple(rows)
    description = _describe(_("Converted value (25–100) per unsur."), rows)
    x0 = U_LABEL_WIDTH
    scale = U_PLOT_WIDTH / (SCALE_MAX - SCALE_MIN)
    plot_height = U_ROW * len(rows)
    width = U_LABEL_WIDTH + U_PLOT_WIDTH + U_RIGHT
    height = U_TOP + plot_height + U_BOTTOM
    pattern_id = f"{chart_id}-hatch"

    def x_of(value) -> float:
        return x0 + (float(value) - SCALE_MIN) * scale

    parts = [_svg_open(chart_id, width, height, title, description)]
    parts.append(format_html("<defs>{}</defs>", _hatch(pattern_id)))
    # Grid and axis labels.
    for tick in TICKS:
        x = x_of(tick)
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1"/>',
                x=_n(x),
                y1=U_TOP,
                y2=_n(U_TOP + plot_height),
                c=GRID,
            )
        )
        parts.append(
            _text(x, U_TOP + plot_height + 16, str(tick), text_anchor="middle", fill=MUTED)
        )
    # Mutu bands: a letter centred in each band, a dashed line and value at each bound.
    bounds = [Decimal(SCALE_MIN)] + [lower for lower, _m in _bands()] + [Decimal(SCALE_MAX)]
    letters = [str(Mutu.D)] + [mutu for _l, mutu in _bands()]
    for index, letter in enumerate(letters):
        middle = (x_of(bounds[index]) + x_of(bounds[index + 1])) / 2
        parts.append(_text(middle, 14, letter, text_anchor="middle", font_weight="700"))
    for lower, _mutu in _bands():
        x = x_of(lower)
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1.5" '
                'stroke-dasharray="5 3"/>',
                x=_n(x),
                y1=U_TOP - 10,
                y2=_n(U_TOP + plot_height),
                c=INK,
            )
        )
        parts.append(
            _text(
                x,
                U_TOP - 14,
                format_decimal(lower, 2),
                text_anchor="middle",
                font_size=SMALL_FONT_SIZE,
            )
        )
    # Bars.
    for index, row in enumerate(rows):
        top = U_TOP + index * U_ROW + (U_ROW - U_BAR) / 2
        middle = top + U_BAR / 2 + 4
        parts.append(format_html("<g><title>{}</title>", _row_description(row)))
        parts.append(
            _text(
                x0 - 8,
                middle,
                row.label,
                text_anchor="end",
                font_weight="700" if row.weak else "400",
            )
        )
        if row.value is None:
            parts.append(_text(x0 + 6, middle, "–"))
        else:
            bar_width = max(2.0, x_of(row.value) - x0)
            fill, stroke = _bar_fill(row, pattern_id)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="1.5"/>',
                    _n(x0),
                    _n(top),
                    _n(bar_width),
                    U_BAR,
                    fill,
                    stroke,
                )
            )
            parts.append(_text(x0 + bar_width + 6, middle, f"{row.value_text} {row.mutu}", **HALO))
        parts.append(mark_safe("</g>"))
    parts.append(_legend(U_TOP + plot_height + 30, pattern_id, x=x0))
    parts.append(mark_safe("</svg>"))
    return Chart(title=title, description=description, rows=rows, svg=mark_safe("".join(parts)))


def _legend(y: float, pattern_id: str, *, x: float) -> SafeString:
    return format_html(
        '<g font-size="{fs}"><rect x="{x}" y="{y}" width="14" height="14" fill="{bar}"/>'
        "{normal}"
        '<rect x="{x2}" y="{y}" width="14" height="14" fill="url(#{pattern})" stroke="{weak}" '
        'stroke-width="1.5"/>{weak_text}</g>',
        fs=SMALL_FONT_SIZE,
        x=_n(x),
        x2=_n(x + 130),
        y=_n(y),
        bar=BAR,
        weak=WEAK,
        pattern=pattern_id,
        normal=_text(x + 20, y + 12, _("mutu A or B")),
        weak_text=_text(x + 150, y + 12, _("mutu C or D: needs improvement")),
    )


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

    parts = [_svg_open(chart_id, width, height, title, description)]
    parts.append(format_html("<defs>{}</defs>", _hatch(pattern_id)))
    for tick in TICKS:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1"/>',
                x1=T_LEFT,
                x2=_n(plot_right),
                y=_n(y),
                c=GRID,
            )
        )
        parts.append(_text(T_LEFT - 6, y + 4, str(tick), text_anchor="end", fill=MUTED))
    for lower, mutu in _bands():
        y = y_of(lower)
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1.5" '
                'stroke-dasharray="5 3"/>',
                x1=T_LEFT,
                x2=_n(plot_right + 4),
                y=_n(y),
                c=INK,
            )
        )
        parts.append(
            _text(
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
            parts.append(_text(centre, bottom - 6, "–", text_anchor="middle"))
        else:
            top = y_of(row.value)
            fill, stroke = _bar_fill(row, pattern_id)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="1.5"/>',
                    _n(centre - T_COLUMN / 2),
                    _n(top),
                    T_COLUMN,
                    _n(max(2.0, bottom - top)),
                    fill,
                    stroke,
                )
            )
            parts.append(
                _text(
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
                _text(
                    centre,
                    bottom + 18 + 15 * line_number,
                    line,
                    text_anchor="middle",
                    font_weight=weight,
                )
            )
        parts.append(mark_safe("</g>"))
    parts.append(_legend(height - 20, pattern_id, x=T_LEFT))
    parts.append(mark_safe("</svg>"))
    return Chart(title=title, description=description, rows=rows, svg=mark_safe("".join(parts)))
