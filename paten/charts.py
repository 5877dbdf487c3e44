"""The one chart engine of the platform: server-side SVG, no JavaScript, nothing external.

Pure Python, no ORM. ``bar_chart`` draws horizontal bars of any 0–max or min–max
scale, with optional reference lines (bands) and a legend; ``ChartRow`` is one bar.
It draws the public IKM charts (``reporting.survey.charts``), the public PPID statistics
(``paten.ppid.charts``) and the charts of the PDF reports alike; it lives in the platform
core so that every domain may draw with it. Everything prints well in black and white:
a weak bar is hatched and outlined, not only coloured; every chart has a ``<title>`` and
a ``<desc>`` listing its values (``role="img"``), and the page shows the same rows as a
table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
#: A generous average advance of a character, in ems, to keep band lines off value labels.
CHAR_WIDTH = 0.62


def format_decimal(value: Decimal | None, places: int) -> str:
    """``value`` with ``places`` decimals in the active language (87,50 in Indonesian)."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=places)


@dataclass(frozen=True)
class ChartRow:
    """One bar: a value (already rounded for display) or no data."""

    label: str  # drawn beside the bar (short)
    value: Decimal | None  # None: no data
    mutu: str = ""  # a grade drawn after the value (the IKM's mutu)
    weak: bool = False
    title: str = ""  # full label for the description and the table
    lines: tuple[str, ...] = ()  # the label split over lines (a column chart's axis)
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


@dataclass(frozen=True)
class Band:
    """A reference line at ``lower`` (e.g. a mutu bound); ``letter`` names the band above it."""

    lower: Decimal
    letter: str


# -- drawing helpers -----------------------------------------------------------------


def svg_number(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def hatch_pattern(pattern_id: str) -> SafeString:
    return format_html(
        '<pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="3"/></pattern>',
        pattern_id,
        WEAK,
    )


def svg_open(chart_id: str, width: float, height: float, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="ikm-chart__svg" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" font-size="{fs}" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=svg_number(width),
        h=svg_number(height),
        id=chart_id,
        fs=FONT_SIZE,
        ink=INK,
        title=title,
        desc=desc,
    )


def svg_text(x: float, y: float, text: str, **attrs) -> SafeString:
    extra = "".join(
        format_html(' {}="{}"', name.replace("_", "-"), value) for name, value in attrs.items()
    )
    return format_html(
        '<text x="{}" y="{}"{}>{}</text>', svg_number(x), svg_number(y), mark_safe(extra), text
    )


def bar_fill(row: ChartRow, pattern_id: str) -> tuple[str, str]:
    """(fill, stroke) of a bar: hatched with a red outline when weak."""
    return (f"url(#{pattern_id})", WEAK) if row.weak else (BAR, BAR)


# -- horizontal bars -----------------------------------------------------------------

LABEL_WIDTH = 150
PLOT_WIDTH = 390
RIGHT = 70
TOP = 44
ROW = 30
BAR_HEIGHT = 18
BOTTOM = 26
LEGEND_HEIGHT = 30


def bar_chart(
    rows: Sequence[ChartRow],
    *,
    title: str,
    chart_id: str,
    description: str,
    scale: tuple[int, int] = (0, 100),
    ticks: Sequence[int] = (0, 25, 50, 75, 100),
    bands: Sequence[Band] = (),
    lowest_letter: str = "",
    value_text: Callable[[ChartRow], str] = lambda row: row.value_text,
    row_description: Callable[[ChartRow], str] = lambda row: f"{row.full_label}: {row.value_text}",
    legend: tuple[str, str] | None = None,
    label_width: int = LABEL_WIDTH,
    halo: bool = True,
) -> Chart:
    """Horizontal bars of ``rows`` on ``scale``, with a dashed line at each band's lower
    bound and, when ``lowest_letter`` is given, each band's letter above the plot.

    ``chart_id`` must be unique on the page: it prefixes the ids of the title,
    description and hatch pattern. ``legend`` is the text of a normal and a weak bar.
    ``halo=False`` for PDFs: WeasyPrint paints the white outline over the value labels.
    """
    rows = tuple(rows)
    low, high = scale
    x0 = label_width
    plot_scale = PLOT_WIDTH / (high - low)
    plot_height = ROW * len(rows)
    width = label_width + PLOT_WIDTH + RIGHT
    height = TOP + plot_height + BOTTOM + (LEGEND_HEIGHT if legend else 0)
    pattern_id = f"{chart_id}-hatch"

    def x_of(value) -> float:
        return x0 + (float(value) - low) * plot_scale

    parts = [svg_open(chart_id, width, height, title, description)]
    parts.append(format_html("<defs>{}</defs>", hatch_pattern(pattern_id)))
    # Grid and axis labels.
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1"/>',
                x=svg_number(x),
                y1=TOP,
                y2=svg_number(TOP + plot_height),
                c=GRID,
            )
        )
        parts.append(
            svg_text(x, TOP + plot_height + 16, str(tick), text_anchor="middle", fill=MUTED)
        )
    # Bands: a letter centred in each band, a dashed line and value at each bound.
    if lowest_letter:
        bounds = [Decimal(low)] + [band.lower for band in bands] + [Decimal(high)]
        letters = [lowest_letter] + [band.letter for band in bands]
        for index, letter in enumerate(letters):
            middle = (x_of(bounds[index]) + x_of(bounds[index + 1])) / 2
            parts.append(svg_text(middle, 14, letter, text_anchor="middle", font_weight="700"))
    # Where a bar's value label sits: a band line stops short of it instead of crossing it.
    label_boxes = []
    for index, row in enumerate(rows):
        middle = TOP + index * ROW + (ROW - BAR_HEIGHT) / 2 + BAR_HEIGHT / 2 + 4
        start = x0 + 6 if row.value is None else x0 + max(2.0, x_of(row.value) - x0) + 6
        text = "–" if row.value is None else value_text(row)
        label_boxes.append(
            (
                start - 3,
                start + len(str(text)) * FONT_SIZE * CHAR_WIDTH + 3,
                middle - FONT_SIZE,
                middle + 4,
            )
        )
    for band in bands:
        x = x_of(band.lower)
        gaps = sorted(
            (top, bottom) for left, right, top, bottom in label_boxes if left <= x <= right
        )
        y = TOP - 10
        for top, bottom in [*gaps, (TOP + plot_height, TOP + plot_height)]:
            if top > y:
                parts.append(
                    format_html(
                        '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" '
                        'stroke-width="1.5" stroke-dasharray="5 3" class="band-line"/>',
                        x=svg_number(x),
                        y1=svg_number(y),
                        y2=svg_number(top),
                        c=INK,
                    )
                )
            y = max(y, bottom)
        parts.append(
            svg_text(
                x,
                TOP - 14,
                format_decimal(band.lower, 2),
                text_anchor="middle",
                font_size=SMALL_FONT_SIZE,
            )
        )
    # Bars.
    for index, row in enumerate(rows):
        top = TOP + index * ROW + (ROW - BAR_HEIGHT) / 2
        middle = top + BAR_HEIGHT / 2 + 4
        parts.append(format_html("<g><title>{}</title>", row_description(row)))
        parts.append(
            svg_text(
                x0 - 8,
                middle,
                row.label,
                text_anchor="end",
                font_weight="700" if row.weak else "400",
            )
        )
        if row.value is None:
            parts.append(svg_text(x0 + 6, middle, "–"))
        else:
            bar_width = max(2.0, x_of(row.value) - x0)
            fill, stroke = bar_fill(row, pattern_id)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="1.5"/>',
                    svg_number(x0),
                    svg_number(top),
                    svg_number(bar_width),
                    BAR_HEIGHT,
                    fill,
                    stroke,
                )
            )
            parts.append(
                svg_text(x0 + bar_width + 6, middle, value_text(row), **(HALO if halo else {}))
            )
        parts.append(mark_safe("</g>"))
    if legend:
        parts.append(legend_svg(TOP + plot_height + 30, pattern_id, x=x0, texts=legend))
    parts.append(mark_safe("</svg>"))
    return Chart(title=title, description=description, rows=rows, svg=mark_safe("".join(parts)))


def legend_svg(y: float, pattern_id: str, *, x: float, texts: tuple[str, str]) -> SafeString:
    """A normal and a weak (hatched) swatch with their texts."""
    normal, weak = texts
    return format_html(
        '<g font-size="{fs}"><rect x="{x}" y="{y}" width="14" height="14" fill="{bar}"/>'
        "{normal}"
        '<rect x="{x2}" y="{y}" width="14" height="14" fill="url(#{pattern})" stroke="{weak}" '
        'stroke-width="1.5"/>{weak_text}</g>',
        fs=SMALL_FONT_SIZE,
        x=svg_number(x),
        x2=svg_number(x + 130),
        y=svg_number(y),
        bar=BAR,
        weak=WEAK,
        pattern=pattern_id,
        normal=svg_text(x + 20, y + 12, normal),
        weak_text=svg_text(x + 150, y + 12, weak),
    )
