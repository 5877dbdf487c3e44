"""Scoring of kecamatan evaluation indicators: pure functions, exact decimals.

An instrument has aspects, an aspect has indicators; each indicator turns a value
into a score from 0 to 100 by its rule, the aspect score is the weighted mean of its
indicators' scores, and the total is the weighted mean of the aspect scores. Nothing
here reads the database: the same stored inputs always give the same result.

No national instrument fixes these rules (docs/domain/evaluation.md: indicator sets are local and
per year), so every rule, weight and target is configuration; the arithmetic below is
the only thing fixed in code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_SCORE = Decimal(100)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
#: Weights of the indicators of an aspect (and of the aspects of an instrument) must
#: add up to 100 % within this tolerance when the instrument requires it.
WEIGHT_TOLERANCE = Decimal("0.01")


class Direction(enum.StrEnum):
    HIGHER = "naik"  # higher values are better
    LOWER = "turun"  # lower values are better


class Rule(enum.StrEnum):
    THRESHOLDS = "ambang"  # value bands → score
    LINEAR = "linear"  # proportional to the target, capped at 100


class ScoringError(ValueError):
    """A rule that cannot score (message in Indonesian)."""


@dataclass(frozen=True)
class Threshold:
    """For HIGHER: a value ≥ ``bound`` scores ``score``; for LOWER: a value ≤ ``bound``."""

    bound: Decimal
    score: Decimal


@dataclass(frozen=True)
class IndicatorRule:
    rule: Rule
    direction: Direction
    target: Decimal | None = None
    thresholds: tuple[Threshold, ...] = ()

    def check(self) -> None:
        if self.rule == Rule.THRESHOLDS:
            if not self.thresholds:
                raise ScoringError("Aturan ambang belum punya satu pun ambang nilai.")
            for threshold in self.thresholds:
                if not ZERO <= threshold.score <= MAX_SCORE:
                    raise ScoringError("Skor setiap ambang harus antara 0 dan 100.")
            bounds = [t.bound for t in self.thresholds]
            if len(set(bounds)) != len(bounds):
                raise ScoringError("Dua ambang tidak boleh memakai batas nilai yang sama.")
        elif self.rule == Rule.LINEAR:
            if self.target is None:
                raise ScoringError("Aturan linear memerlukan target.")
            if self.target < 0:
                raise ScoringError("Target tidak boleh negatif.")
            if self.direction == Direction.HIGHER and self.target == 0:
                raise ScoringError(
                    "Target nol tidak dapat dipakai bila nilai lebih tinggi lebih baik."
                )
        else:
            raise ScoringError("Aturan penilaian tidak dikenal.")


def _clamp(score: Decimal) -> Decimal:
    return max(ZERO, min(MAX_SCORE, score))


def indicator_score(value: Decimal | None, rule: IndicatorRule) -> Decimal:
    """Score 0–100 of one value. A missing value (not computed, not verified) scores 0."""
    rule.check()
    if value is None:
        return ZERO
    value = Decimal(value)
    if rule.rule == Rule.THRESHOLDS:
        if rule.direction == Direction.HIGHER:
            met = [t.score for t in rule.thresholds if value >= t.bound]
        else:
            met = [t.score for t in rule.thresholds if value <= t.bound]
        return _clamp(max(met, default=ZERO))
    target = rule.target
    if rule.direction == Direction.HIGHER:
        # value / target × 100: reaching the target scores 100.
        return _clamp(value / target * HUNDRED)
    # Lower is better: at or under the target scores 100; above it, target / value × 100
    # (twice the target scores 50). A target of 0 scores 100 only for 0.
    if value <= target:
        return MAX_SCORE
    return _clamp(target / value * HUNDRED) if target > 0 else ZERO


def weighted_mean(scores: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ(score × weight) / Σ weight, or 0 when all weights are 0."""
    total_weight = sum((w for _s, w in scores), ZERO)
    if total_weight == 0:
        return ZERO
    return sum((s * w for s, w in scores), ZERO) / total_weight


def weights_problem(weights: Sequence[Decimal], *, what: str) -> str | None:
    """An Indonesian message when weights don't add up to 100 %, else None."""
    total = sum((Decimal(w) for w in weights), ZERO)
    if any(Decimal(w) < 0 for w in weights):
        return f"Bobot {what} tidak boleh negatif."
    if abs(total - HUNDRED) > WEIGHT_TOLERANCE:
        shown = format(total.quantize(Decimal("0.01")), "f").replace(".", ",")
        return f"Jumlah bobot {what} harus 100 % (sekarang {shown} %)."
    return None


def display(value: Decimal, places: int = 2) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ranked:
    key: str
    total: Decimal
    rank: int


def rank(totals: Mapping[str, Decimal], *, places: int = 2) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4) by the displayed total, highest first.

    Ties are judged on the value shown (two decimals, half-up), so two kecamatan that
    look equal on the page share a rank; the order within a tie is by key.
    """
    shown = {key: display(total, places) for key, total in totals.items()}
    ordered = sorted(shown, key=lambda key: (-shown[key], key))
    out, previous, current_rank = [], None, 0
    for position, key in enumerate(ordered, start=1):
        if shown[key] != previous:
            current_rank, previous = position, shown[key]
        out.append(Ranked(key=key, total=totals[key], rank=current_rank))
    return out
