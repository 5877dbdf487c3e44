"""The chart engine: numbers as the reader's language writes them."""

from decimal import Decimal

from django.utils import translation

from paten.charts import format_decimal


class TestFormatDecimal:
    def test_comma_in_indonesian_point_in_english(self):
        assert format_decimal(Decimal("87.50"), 2) == "87,50"
        with translation.override("en"):
            assert format_decimal(Decimal("87.50"), 2) == "87.50"

    def test_missing_value_is_a_dash(self):
        assert format_decimal(None, 2) == "–"


class TestBandLines:
    """A band line (a mutu bound) stops short of a bar's value label instead of crossing it."""

    @staticmethod
    def segments(svg: str, x: str) -> list[tuple[float, float]]:
        import re

        pattern = rf'<line x1="{x}" y1="([\d.]+)" x2="{x}" y2="([\d.]+)"[^>]*class="band-line"'
        return [(float(a), float(b)) for a, b in re.findall(pattern, svg)]

    def test_the_line_has_a_gap_where_a_value_label_sits(self):
        from paten.charts import (
            LABEL_WIDTH,
            PLOT_WIDTH,
            ROW,
            TOP,
            Band,
            ChartRow,
            bar_chart,
            svg_number,
        )

        rows = [
            ChartRow(label="A", value=Decimal("60.00")),
            ChartRow(label="B", value=Decimal("90")),
        ]
        chart = bar_chart(
            rows,
            title="t",
            chart_id="c",
            description="d",
            scale=(25, 100),
            bands=[Band(lower=Decimal("65.00"), letter="C")],
        )
        x = svg_number(LABEL_WIDTH + (65 - 25) * PLOT_WIDTH / 75)
        parts = self.segments(str(chart.svg), x)
        # Row A's label ("60,00" after a bar ending at 60) spans the line at 65: a gap there.
        label_middle = TOP + ROW / 2 + 4
        assert len(parts) == 2
        assert all(not (top < label_middle - 4 < bottom) for top, bottom in parts)
        # The line still runs through row B, whose bar passes the bound.
        assert parts[-1][1] == TOP + 2 * ROW
