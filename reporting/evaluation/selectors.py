"""Reads of the kecamatan evaluation: the scoreboard of a period.

Pure recomputation from the stored ``IndicatorValue`` rows with ``scoring``: nothing
is cached or stored, so the same rows always give the same scores and ranks. A fixed
number of queries (previous period, indicators, values, kecamatan names), whatever
the number of kecamatan.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from paten.accounts.selectors import kecamatan_scope_for
from reporting.evaluation.permissions import user_sees_ranking
from reporting.evaluation.rules import indicator_rule
from reporting.evaluation.scoring import ZERO, indicator_score, rank, weighted_mean
from reporting.models import (
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    IndicatorValue,
)


@dataclass(frozen=True)
class IndicatorCell:
    code: str
    value: Decimal | None  # as stored, whether it counts or not
    status: str  # IndicatorValue.Status, or "" when nothing was stored
    counts: bool  # frozen, or verified evidence
    score: Decimal  # 0 when it does not count


@dataclass
class KecamatanScore:
    code: str
    name: str
    indicators: dict[str, IndicatorCell]  # by indicator code
    aspects: dict[int, Decimal]  # by aspect id
    total: Decimal
    rank: int = 0
    previous_total: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """Total minus the total of the previous period, when it was evaluated there."""
        return None if self.previous_total is None else self.total - self.previous_total


@dataclass(frozen=True)
class AspectInfo:
    id: int
    name: str
    weight: Decimal
    indicators: tuple[EvaluationIndicator, ...]


@dataclass
class Scoreboard:
    period: EvaluationPeriod
    aspects: list[AspectInfo]
    rows: list[KecamatanScore]  # by rank, then code
    count: int  # kecamatan evaluated (the N of "rank r of N")
    average_indicators: dict[str, Decimal] = field(default_factory=dict)
    average_aspects: dict[int, Decimal] = field(default_factory=dict)
    average_total: Decimal = ZERO
    previous_period: EvaluationPeriod | None = None

    @property
    def indicators(self) -> list[EvaluationIndicator]:
        return [i for a in self.aspects for i in a.indicators]


def _aspects(indicators) -> list[AspectInfo]:
    grouped: dict[int, list] = defaultdict(list)
    heads = {}
    for indicator in indicators:
        grouped[indicator.aspect_id].append(indicator)
        heads[indicator.aspect_id] = indicator.aspect
    ordered = sorted(heads.values(), key=lambda a: (a.sort_order, a.id))
    return [
        AspectInfo(id=a.id, name=a.name, weight=a.weight, indicators=tuple(grouped[a.id]))
        for a in ordered
    ]


def _score_kecamatan(aspects: list[AspectInfo], rules: dict, values: dict) -> tuple:
    cells, aspect_scores = {}, {}
    for aspect in aspects:
        pairs = []
        for indicator in aspect.indicators:
            stored = values.get(indicator.code)
            value, status = stored if stored is not None else (None, "")
            counts = status in (IndicatorValue.Status.FROZEN, IndicatorValue.Status.VERIFIED)
            score = indicator_score(value if counts else None, rules[indicator.code])
            cells[indicator.code] = IndicatorCell(
                code=indicator.code, value=value, status=status, counts=counts, score=score
            )
            pairs.append((score, indicator.weight))
        aspect_scores[aspect.id] = weighted_mean(pairs)
    total = weighted_mean([(aspect_scores[a.id], a.weight) for a in aspects])
    return cells, aspect_scores, total


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values) if values else ZERO


def scoreboard(*, period: EvaluationPeriod) -> Scoreboard:
    """Per kecamatan: each indicator's value and score, each aspect's score, the
    weighted total, the rank (1, 2, 2, 4 on the total shown to two decimals) and the
    change against the previous closed period of an instrument with the same name
    (the latest one ending before this one); plus the kabupaten average of every
    indicator score, aspect score and total."""
    previous = (
        EvaluationPeriod.objects.filter(
            instrument__name__in=EvaluationInstrument.objects.filter(
                pk=period.instrument_id
            ).values("name"),
            status=EvaluationPeriod.Status.CLOSED,
            end_date__lt=period.end_date,
        )
        .exclude(pk=period.pk)
        .order_by("-end_date", "-pk")
        .first()
    )
    instrument_ids = {period.instrument_id} | ({previous.instrument_id} if previous else set())
    by_instrument: dict[int, list] = defaultdict(list)
    for indicator in (
        EvaluationIndicator.objects.filter(aspect__instrument_id__in=instrument_ids)
        .select_related("aspect")
        .order_by("aspect__sort_order", "aspect_id", "sort_order", "id")
    ):
        by_instrument[indicator.aspect.instrument_id].append(indicator)
    period_ids = [period.pk] + ([previous.pk] if previous else [])
    stored: dict[int, dict[str, dict[str, tuple]]] = {pk: defaultdict(dict) for pk in period_ids}
    for period_id, code, indicator_code, value, status in IndicatorValue.objects.filter(
        period_id__in=period_ids
    ).values_list("period_id", "kecamatan_id", "indicator__code", "value", "status"):
        stored[period_id][code][indicator_code] = (value, status)
    kecamatan = list(period.kecamatan.order_by("code").values_list("code", "name"))

    aspects = _aspects(by_instrument[period.instrument_id])
    rules = {i.code: indicator_rule(i) for a in aspects for i in a.indicators}
    rows = []
    for code, name in kecamatan:
        cells, aspect_scores, total = _score_kecamatan(aspects, rules, stored[period.pk][code])
        rows.append(
            KecamatanScore(
                code=code, name=name, indicators=cells, aspects=aspect_scores, total=total
            )
        )

    if previous is not None:
        previous_aspects = _aspects(by_instrument[previous.instrument_id])
        previous_rules = {i.code: indicator_rule(i) for a in previous_aspects for i in a.indicators}
        evaluated_before = stored[previous.pk]
        for row in rows:
            # Only kecamatan evaluated in the previous period have a change (any stored
            # value there; a kecamatan with none was not part of it or reported nothing).
            if row.code in evaluated_before:
                row.previous_total = _score_kecamatan(
                    previous_aspects, previous_rules, evaluated_before[row.code]
                )[2]

    ranks = {r.key: r.rank for r in rank({row.code: row.total for row in rows})}
    for row in rows:
        row.rank = ranks[row.code]
    rows.sort(key=lambda r: (r.rank, r.code))
    return Scoreboard(
        period=period,
        aspects=aspects,
        rows=rows,
        count=len(rows),
        average_indicators={
            code: _mean([row.indicators[code].score for row in rows]) for code in rules
        },
        average_aspects={a.id: _mean([row.aspects[a.id] for row in rows]) for a in aspects},
        average_total=_mean([row.total for row in rows]),
        previous_period=previous,
    )


def scoreboard_for_user(*, period: EvaluationPeriod, user) -> Scoreboard:
    """The scoreboard as ``user`` may see it: pemda-wide staff see every kecamatan;
    kecamatan staff (a camat) see only their own rows, with their rank out of all
    kecamatan evaluated and the kabupaten averages, never another kecamatan's detail."""
    board = scoreboard(period=period)
    scope = kecamatan_scope_for(user)
    if scope.is_pemda_wide:
        return board
    board.rows = [row for row in board.rows if scope.allows(row.code)]
    return board


def periods_for_user(*, user) -> QuerySet[EvaluationPeriod]:
    """The periods ``user`` may open on the scoreboard: all of them for those who see the
    ranking, otherwise those evaluating one of the user's kecamatan."""
    periods = EvaluationPeriod.objects.select_related("instrument")
    if user_sees_ranking(user):
        return periods
    return periods.filter(kecamatan__code__in=kecamatan_scope_for(user).codes).distinct()


def newest_closed_evaluation() -> EvaluationPeriod | None:
    return (
        EvaluationPeriod.objects.filter(status=EvaluationPeriod.Status.CLOSED)
        .order_by("-end_date", "-pk")
        .first()
    )


def public_periods() -> QuerySet[EvaluationPeriod]:
    """Closed periods whose ranking is published, newest first."""
    return (
        EvaluationPeriod.objects.filter(public_ranking=True, status=EvaluationPeriod.Status.CLOSED)
        .select_related("instrument")
        .order_by("-end_date", "-start_date", "-pk")
    )


def values_to_verify_for(*, user) -> QuerySet[IndicatorValue]:
    """Submitted values the user may verify: not of their own kecamatan."""
    values = IndicatorValue.objects.filter(status=IndicatorValue.Status.SUBMITTED)
    scope = kecamatan_scope_for(user)
    if not scope.is_pemda_wide:
        values = values.exclude(kecamatan_id__in=scope.codes)
    return values
