"""The pure scoring of evaluation indicators (reporting.evaluation.scoring)."""

from decimal import Decimal as D

import pytest

from reporting.evaluation.scoring import (
    Direction,
    IndicatorRule,
    Rule,
    ScoringError,
    Threshold,
    indicator_score,
    rank,
    weighted_mean,
    weights_problem,
)

BANDS = (Threshold(D(80), D(100)), Threshold(D(60), D(75)), Threshold(D(40), D(50)))
HIGHER_BANDS = IndicatorRule(rule=Rule.THRESHOLDS, direction=Direction.HIGHER, thresholds=BANDS)
# Lower is better, e.g. median working days: ≤ 1 day 100, ≤ 3 days 60.
LOWER_BANDS = IndicatorRule(
    rule=Rule.THRESHOLDS,
    direction=Direction.LOWER,
    thresholds=(Threshold(D(1), D(100)), Threshold(D(3), D(60))),
)


def linear(direction, target) -> IndicatorRule:
    return IndicatorRule(rule=Rule.LINEAR, direction=direction, target=D(target))


class TestThresholds:
    @pytest.mark.parametrize(
        ("value", "score"),
        [
            ("100", 100),
            ("80", 100),  # the bound itself is met
            ("79.99", 75),
            ("60", 75),
            ("59.9999", 50),
            ("40", 50),
            ("39", 0),  # below every band
            ("-5", 0),
        ],
    )
    def test_higher(self, value, score):
        assert indicator_score(D(value), HIGHER_BANDS) == D(score)

    @pytest.mark.parametrize(
        ("value", "score"),
        [("0", 100), ("1", 100), ("1.01", 60), ("3", 60), ("3.5", 0), ("30", 0)],
    )
    def test_lower(self, value, score):
        assert indicator_score(D(value), LOWER_BANDS) == D(score)

    def test_order_of_thresholds_does_not_matter(self):
        shuffled = IndicatorRule(
            rule=Rule.THRESHOLDS, direction=Direction.HIGHER, thresholds=BANDS[::-1]
        )
        assert indicator_score(D(65), shuffled) == D(75)

    def test_missing_value_scores_zero(self):
        assert indicator_score(None, HIGHER_BANDS) == 0
        assert indicator_score(None, LOWER_BANDS) == 0

    def test_without_thresholds_refused(self):
        with pytest.raises(ScoringError, match="belum punya satu pun ambang"):
            indicator_score(D(1), IndicatorRule(rule=Rule.THRESHOLDS, direction=Direction.HIGHER))

    def test_score_outside_0_100_refused(self):
        rule = IndicatorRule(
            rule=Rule.THRESHOLDS,
            direction=Direction.HIGHER,
            thresholds=(Threshold(D(1), D(120)),),
        )
        with pytest.raises(ScoringError, match="antara 0 dan 100"):
            rule.check()

    def test_duplicate_bounds_refused(self):
        rule = IndicatorRule(
            rule=Rule.THRESHOLDS,
            direction=Direction.HIGHER,
            thresholds=(Threshold(D(1), D(10)), Threshold(D(1), D(20))),
        )
        with pytest.raises(ScoringError, match="batas nilai yang sama"):
            rule.check()


class TestLinear:
    @pytest.mark.parametrize(
        ("value", "score"),
        [("0", "0"), ("40", "50"), ("80", "100"), ("120", "100"), ("-10", "0")],
    )
    def test_higher_is_value_over_target_clamped(self, value, score):
        assert indicator_score(D(value), linear(Direction.HIGHER, 80)) == D(score)

    def test_higher_exact_fraction(self):
        # 1 / 3 × 100 = 33.333…: exact decimal, not rounded here.
        assert indicator_score(D(1), linear(Direction.HIGHER, 3)).quantize(D("0.0001")) == D(
            "33.3333"
        )

    @pytest.mark.parametrize(
        ("value", "score"), [("0", "100"), ("2", "100"), ("4", "50"), ("8", "25")]
    )
    def test_lower_is_target_over_value(self, value, score):
        assert indicator_score(D(value), linear(Direction.LOWER, 2)) == D(score)

    def test_lower_with_target_zero(self):
        rule = linear(Direction.LOWER, 0)
        assert indicator_score(D(0), rule) == 100
        assert indicator_score(D("0.1"), rule) == 0

    def test_higher_with_target_zero_refused(self):
        with pytest.raises(ScoringError, match="Target nol"):
            indicator_score(D(1), linear(Direction.HIGHER, 0))

    def test_without_target_refused(self):
        with pytest.raises(ScoringError, match="memerlukan target"):
            IndicatorRule(rule=Rule.LINEAR, direction=Direction.HIGHER).check()

    def test_negative_target_refused(self):
        with pytest.raises(ScoringError, match="tidak boleh negatif"):
            linear(Direction.LOWER, -1).check()

    def test_missing_value_scores_zero(self):
        assert indicator_score(None, linear(Direction.LOWER, 2)) == 0


class TestWeights:
    def test_weighted_mean(self):
        # (100 × 60 + 50 × 40) / 100 = 80
        assert weighted_mean([(D(100), D(60)), (D(50), D(40))]) == D(80)

    def test_weighted_mean_normalises_and_handles_zero_weights(self):
        assert weighted_mean([(D(100), D(1)), (D(0), D(1))]) == D(50)
        assert weighted_mean([(D(100), D(0))]) == 0
        assert weighted_mean([]) == 0

    def test_weights_totalling_100_pass(self):
        assert weights_problem([D("33.33"), D("33.33"), D("33.34")], what="aspek") is None
        # within the tolerance of 0.01
        assert weights_problem([D("33.33"), D("33.33"), D("33.33")], what="aspek") is None

    def test_weights_not_totalling_100(self):
        message = weights_problem([D(60), D("30.5")], what="aspek")
        assert message == "Jumlah bobot aspek harus 100 % (sekarang 90,50 %)."

    def test_negative_weight(self):
        assert weights_problem([D(110), D(-10)], what="aspek") == (
            "Bobot aspek tidak boleh negatif."
        )


class TestRank:
    def test_competition_ranking(self):
        ranked = rank({"a": D(90), "b": D(80), "c": D(80), "d": D(70)})
        assert [(r.key, r.rank) for r in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]

    def test_ties_on_the_displayed_total(self):
        # 80.004 and 79.996 both show as 80.00: tied; 79.994 shows 79.99.
        ranked = rank({"x": D("80.004"), "y": D("79.996"), "z": D("79.994")})
        assert [(r.key, r.rank) for r in ranked] == [("x", 1), ("y", 1), ("z", 3)]
        assert ranked[1].total == D("79.996")  # the exact total is kept

    def test_within_a_tie_by_key(self):
        ranked = rank({"b": D(1), "a": D(1)})
        assert [r.key for r in ranked] == ["a", "b"]
