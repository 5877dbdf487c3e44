"""The server-side SVG charts: pure, no database."""

import re
from decimal import Decimal

from django.utils import translation

import pytest
from defusedxml import ElementTree as ET

from paten import charts
from paten.charts import ChartRow
from reporting.survey import charts as survey_charts
from reporting.survey.charts import trend_chart, trend_row, unsur_chart, unsur_rows
from reporting.survey.ikm import UNSUR_KEYS, ikm_compute

SVG = "{http://www.w3.org/2000/svg}"
#: Every colour a chart may use: dark ink, the brand bar, the red hatch, white, a light grid.
PRINT_PALETTE = {charts.INK, charts.MUTED, charts.BAR, charts.WEAK, charts.GRID, "#fff"}


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def _mixed_result():
    # Ten respondents; U3 lands on 65,00 (C), U8 on 62,50 (D), U9 on 50,00 (D).
    totals = [35, 31, 26, 40, 30, 33, 38, 25, 20]
    return ikm_compute(dict(zip(UNSUR_KEYS, totals, strict=True)), 10)


def _parse(svg: str):
    return ET.fromstring(svg)


class TestUnsurRows:
    def test_questionnaire_order_with_converted_values(self):
        rows = unsur_rows(_mixed_result())
        assert [r.label for r in rows] == [
            "U1 Persyaratan",
            "U2 Prosedur",
            "U3 Waktu",
            "U4 Biaya",
            "U5 Produk",
            "U6 Kompetensi",
            "U7 Perilaku",
            "U8 Sarana",
            "U9 Pengaduan",
        ]
        assert rows[0].value == Decimal("87.50") and rows[0].mutu == "B"
        assert rows[2].value == Decimal("65.00") and rows[2].mutu == "C"
        assert rows[8].title == "U9 Penanganan Pengaduan, Saran dan Masukan"

    def test_weak_are_mutu_c_and_d(self):
        weak = {r.key for r in unsur_rows(_mixed_result()) if r.weak}
        assert weak == {"waktu", "produk", "sarana", "pengaduan"}


class TestUnsurChart:
    def test_is_well_formed_accessible_svg(self):
        chart = unsur_chart(unsur_rows(_mixed_result()), title="Nilai per unsur", chart_id="u")
        root = _parse(chart.svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "u-title u-desc"
        assert root.find(f"{SVG}title").get("id") == "u-title"
        assert root.find(f"{SVG}title").text == "Nilai per unsur"
        desc = root.find(f"{SVG}desc")
        assert desc.get("id") == "u-desc"
        assert "U3 Waktu Penyelesaian: 65,00, mutu C (perlu perbaikan)" in desc.text
        assert "U1 Persyaratan: 87,50, mutu B;" in desc.text
        assert "A ≥ 88,31" in desc.text

    def test_band_lines_at_the_regulation_bounds(self):
        svg = str(unsur_chart(unsur_rows(_mixed_result()), title="t", chart_id="u").svg)
        scale = charts.PLOT_WIDTH / 75
        for bound, label in (("65.00", "65,00"), ("76.61", "76,61"), ("88.31", "88,31")):
            x = charts.LABEL_WIDTH + (float(bound) - 25) * scale
            assert f'x1="{charts.svg_number(x)}"' in svg
            assert f">{label}</text>" in svg

    def test_weak_unsur_are_hatched_not_only_coloured(self):
        root = _parse(unsur_chart(unsur_rows(_mixed_result()), title="t", chart_id="u").svg)
        bars = [r for g in root.iter(f"{SVG}g") for r in g.findall(f"{SVG}rect")]
        hatched = [b for b in bars if b.get("fill") == "url(#u-hatch)"]
        # Four weak bars plus the legend's sample.
        assert len(hatched) == 5
        assert root.find(f".//{SVG}pattern[@id='u-hatch']") is not None

    def test_print_safe_colours_and_nothing_external(self):
        svg = str(unsur_chart(unsur_rows(_mixed_result()), title="t", chart_id="u").svg)
        colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg))
        assert {c for c in colours if not c.startswith("url(#")} <= PRINT_PALETTE
        assert "<script" not in svg and "<image" not in svg and "href=" not in svg
        assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]

    def test_labels_are_escaped(self):
        row = ChartRow(label="<script>alert(1)</script>", value=Decimal("50.00"), mutu="D")
        svg = str(unsur_chart([row], title="<b>t</b>", chart_id="x").svg)
        assert "<script>" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg
        _parse(svg)

    def test_a_full_score_bar_ends_at_100(self):
        result = ikm_compute(dict.fromkeys(UNSUR_KEYS, 40), 10)
        root = _parse(unsur_chart(unsur_rows(result), title="t", chart_id="u").svg)
        bar = next(
            g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.find(f"{SVG}rect") is not None
        )
        assert float(bar.get("width")) == pytest.approx(charts.PLOT_WIDTH)


class TestTrendChart:
    def test_periods_without_respondents_get_no_column(self):
        rows = [
            trend_row(label="Triwulan I 2026", result=_mixed_result(), lines=("TW I", "2026")),
            trend_row(label="Triwulan II 2026", result=None, lines=("TW II", "2026")),
            trend_row(
                label="Triwulan III 2026",
                result=ikm_compute(dict.fromkeys(UNSUR_KEYS, 35), 10),
                lines=("TW III", "2026"),
                current=True,
            ),
        ]
        chart = trend_chart(rows, title="Tren", chart_id="t")
        root = _parse(chart.svg)
        groups = [g for g in root.findall(f"{SVG}g") if g.find(f"{SVG}title") is not None]
        assert len(groups) == 3
        assert groups[1].find(f"{SVG}rect") is None
        assert groups[1].find(f"{SVG}title").text == "Triwulan II 2026: belum ada responden"
        assert groups[2].find(f"{SVG}rect") is not None
        bold = [t.text for t in groups[2].findall(f"{SVG}text") if t.get("font-weight") == "700"]
        assert bold == ["TW III", "2026"]
        assert "Triwulan III 2026: 87,50, mutu B" in chart.description

    def test_weak_period_is_hatched(self):
        weak = ikm_compute(dict.fromkeys(UNSUR_KEYS, 20), 10)  # 50,00 → D
        row = trend_row(label="2026", result=weak)
        assert row.weak and row.mutu == "D" and row.value == Decimal("50.00")
        root = _parse(trend_chart([row], title="t", chart_id="t").svg)
        column = root.find(f"{SVG}g").find(f"{SVG}rect")
        assert column.get("fill") == "url(#t-hatch)"

    def test_one_period_is_still_wide_enough_for_the_legend(self):
        root = _parse(
            trend_chart([trend_row(label="2026", result=None)], title="t", chart_id="t").svg
        )
        assert float(root.get("width")) >= survey_charts.T_MIN_WIDTH
