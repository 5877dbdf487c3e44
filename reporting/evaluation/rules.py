"""An indicator's scoring rule read from its admin-entered fields, and the refusal every
evaluation operation raises (``EvaluationError``, message in Indonesian)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from reporting.evaluation.scoring import Direction, IndicatorRule, Rule, Threshold
from reporting.models import EvaluationIndicator


class EvaluationError(ValidationError):
    """A refused evaluation operation (message in Indonesian)."""


def decimal_of(raw, *, what: str) -> Decimal:
    """``raw`` as a finite Decimal, or an ``EvaluationError`` naming ``what``."""
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, TypeError, ValueError):
        raise EvaluationError(f"{what} harus berupa angka (sekarang {raw!r}).") from None
    if not value.is_finite():
        raise EvaluationError(f"{what} harus berupa angka (sekarang {raw!r}).")
    return value


def indicator_rule(indicator: EvaluationIndicator) -> IndicatorRule:
    """The ``IndicatorRule`` of an indicator; its thresholds JSON is
    ``[{"bound": "80", "score": "100"}, …]``. Malformed JSON is refused."""
    label = f"Indikator {indicator.code}"
    thresholds = indicator.thresholds or []
    if not isinstance(thresholds, list):
        raise EvaluationError(f"{label}: ambang nilai harus berupa daftar.")
    parsed = []
    for item in thresholds:
        if not isinstance(item, dict) or set(item) != {"bound", "score"}:
            raise EvaluationError(f"{label}: setiap ambang harus berisi tepat 'bound' dan 'score'.")
        parsed.append(
            Threshold(
                bound=decimal_of(item["bound"], what=f"{label}: batas ambang"),
                score=decimal_of(item["score"], what=f"{label}: skor ambang"),
            )
        )
    try:
        rule, direction = Rule(indicator.rule), Direction(indicator.direction)
    except ValueError:
        raise EvaluationError(f"{label}: aturan penilaian atau arah tidak dikenal.") from None
    return IndicatorRule(
        rule=rule, direction=direction, target=indicator.target, thresholds=tuple(parsed)
    )
