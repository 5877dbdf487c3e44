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
