"""Reads of the survey: IKM for any slice, sample adequacy, respondent profile, trend.

Σ per unsur comes from one database aggregate per slice (or one grouped aggregate for
all kecamatan or all services of a period); the arithmetic on those sums is the pure,
exact ``reporting.survey.ikm`` (PermenPAN-RB 14/2017). Nothing here loops over responses.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from paten.regions.models import Region
from reporting.common.periods import local_day_bounds
from reporting.models import FollowUpPlan, SurveyPeriod, SurveyResponse, SurveySettings
from reporting.survey.constants import (
    AGE_GROUPS,
    ANSWER_FIELDS,
    Education,
    Gender,
    Occupation,
    PeriodKind,
)
from reporting.survey.ikm import (
    IkmResult,
    ikm_compute,
    ikm_compute_template_0111,
    krejcie_morgan_min_sample,
)

#: An application counts in the survey population once its service was delivered.
FINISHED_STATES = (ApplicationState.FINISHED, ApplicationState.HANDED_OVER)

NOT_STATED = gettext_lazy("Not stated")

SUM_ALIASES = {key: f"sum_{key}" for key in ANSWER_FIELDS}


@dataclass(frozen=True)
class Slice:
    """Which responses: a date range plus optional kecamatan, service and channel."""

    start: date
    end: date
    kecamatan: str | None = None  # region code
    service: int | None = None  # ServicePage id
    channel: str | None = None

    @classmethod
    def of(cls, period: SurveyPeriod, **filters) -> "Slice":
        return cls(start=period.start_date, end=period.end_date, **filters)


@dataclass(frozen=True)
class IkmSlice:
    slice: Slice
    respondents: int
    result: IkmResult | None  # None when nobody answered
    template_result: IkmResult | None  # the labelled 0,111 variant, when the pemda wants it
    population: int  # applications finished in the slice and period
    min_sample: int  # Krejcie–Morgan minimum for that population
    label: str = ""
    key: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def adequate(self) -> bool:
        # An empty population needs no sample; otherwise the Krejcie–Morgan minimum.
        return self.respondents >= self.min_sample

    @property
    def shortfall(self) -> int:
        return max(0, self.min_sample - self.respondents)


# -- querysets ----------------------------------------------------------------------


def survey_responses(slice_: Slice) -> QuerySet:
    filters = Q(answered_on__gte=slice_.start, answered_on__lte=slice_.end)
    if slice_.kecamatan:
        filters &= Q(kecamatan_id=slice_.kecamatan)
    if slice_.service:
        filters &= Q(service_id=slice_.service)
    if slice_.channel:
        filters &= Q(channel=slice_.channel)
    return SurveyResponse.objects.filter(filters)


def finished_applications(slice_: Slice) -> QuerySet:
    """The survey population: applications whose service was finished in the period.

    The channel of a survey response says nothing about the application, so it does
    not narrow the population.
    """
    # A timestamp range, not ``finished_at__date``: the latter makes PostgreSQL convert
    # every row to local time before comparing (2-3x slower on a million applications).
    since, until = local_day_bounds(slice_.start, slice_.end)
    filters = Q(state__in=FINISHED_STATES, finished_at__gte=since, finished_at__lt=until)
    if slice_.kecamatan:
        filters &= Q(kecamatan_id=slice_.kecamatan)
    if slice_.service:
        filters &= Q(service_id=slice_.service)
    return Application.objects.filter(filters)


def _sum_expressions() -> dict:
    return {alias: Sum(ANSWER_FIELDS[key]) for key, alias in SUM_ALIASES.items()}


def _result(n: int, row: dict, *, with_template: bool):
    if not n:
        return None, None
    sums = {key: int(row[alias]) for key, alias in SUM_ALIASES.items()}
    return ikm_compute(sums, n), (ikm_compute_template_0111(sums, n) if with_template else None)


def _with_template(with_template: bool | None) -> bool:
    return SurveySettings.load().report_template_0111 if with_template is None else with_template


# -- one slice ------------------------------------------------------------------------


def ikm_sums(slice_: Slice) -> tuple[int, dict[str, int]]:
    """(respondents, Σ per unsur) for a slice, in one aggregate query."""
    row = survey_responses(slice_).aggregate(n=Count("id"), **_sum_expressions())
    return row["n"], {key: int(row[alias] or 0) for key, alias in SUM_ALIASES.items()}


def ikm_for(slice_: Slice, *, with_template: bool | None = None, label: str = "") -> IkmSlice:
    """IKM, mutu and sample adequacy of one slice (two queries)."""
    row = survey_responses(slice_).aggregate(n=Count("id"), **_sum_expressions())
    n = row["n"]
    result, template = _result(n, row, with_template=_with_template(with_template))
    population = finished_applications(slice_).count()
    return IkmSlice(
        slice=slice_,
        respondents=n,
        result=result,
        template_result=template,
        population=population,
        min_sample=krejcie_morgan_min_sample(population),
        label=label,
    )


# -- grouped slices -------------------------------------------------------------------


def _grouped(
    slice_: Slice, group: str, *, with_template: bool | None, labels: dict
) -> list[IkmSlice]:
    with_template = _with_template(with_template)
    rows = {
        row[group]: row
        for row in survey_responses(slice_)
        .values(group)
        .annotate(n=Count("id"), **_sum_expressions())
        .order_by()
    }
    populations = dict(
        finished_applications(slice_)
        .values(group)
        .annotate(n=Count("id"))
        .order_by()
        .values_list(group, "n")
    )
    keys = [k for k in (set(rows) | set(populations)) if k is not None]
    out = []
    for key in keys:
        row = rows.get(key, {"n": 0})
        result, template = _result(row["n"], row, with_template=with_template)
        population = populations.get(key, 0)
        narrowed = {"kecamatan_id": "kecamatan", "service_id": "service"}[group]
        out.append(
            IkmSlice(
                slice=Slice(**{**slice_.__dict__, narrowed: key}),
                respondents=row["n"],
                result=result,
                template_result=template,
                population=population,
                min_sample=krejcie_morgan_min_sample(population),
                label=labels.get(key, str(key)),
                key=str(key),
            )
        )
    return sorted(out, key=lambda s: s.label)


def ikm_by_kecamatan(
    slice_: Slice,
    *,
    kecamatan_codes: Iterable[str] | None = None,
    with_template: bool | None = None,
) -> list[IkmSlice]:
    """One IkmSlice per kecamatan with responses or finished applications (two queries).

    ``kecamatan_codes`` also lists kecamatan with neither (respondents 0), so a public
    table shows every kecamatan of the kabupaten.
    """
    codes = set(kecamatan_codes or ())
    result = _grouped(slice_, "kecamatan_id", with_template=with_template, labels={})
    codes |= {s.key for s in result}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    present = {s.key for s in result}
    out = [IkmSlice(**{**s.__dict__, "label": names.get(s.key, s.key)}) for s in result]
    for code in codes - present:
        out.append(
            IkmSlice(
                slice=Slice(**{**slice_.__dict__, "kecamatan": code}),
                respondents=0,
                result=None,
                template_result=None,
                population=0,
                min_sample=0,
                label=names.get(code, code),
                key=code,
            )
        )
    return sorted(out, key=lambda s: s.label)


def ikm_by_service(slice_: Slice, *, with_template: bool | None = None) -> list[IkmSlice]:
    """One IkmSlice per service with responses or finished applications (three queries)."""
    from service_catalog.models import ServicePage

    result = _grouped(slice_, "service_id", with_template=with_template, labels={})
    names = dict(
        ServicePage.objects.filter(id__in=[int(s.key) for s in result]).values_list("id", "title")
    )
    return sorted(
        (IkmSlice(**{**s.__dict__, "label": names.get(int(s.key), s.key)}) for s in result),
        key=lambda s: s.label,
    )


def ikm_trend(
    *,
    kind: str,
    kecamatan: str | None = None,
    upto: SurveyPeriod | None = None,
    limit: int = 8,
    published_only: bool = True,
) -> list[tuple[SurveyPeriod, IkmSlice]]:
    """The IKM of the last ``limit`` periods of one kind (oldest first)."""
    periods = SurveyPeriod.objects.filter(kind=kind)
    if published_only:
        periods = periods.filter(is_published=True)
    if upto is not None:
        periods = periods.filter(start_date__lte=upto.start_date)
    chosen = list(periods.order_by("-start_date")[:limit])[::-1]
    return [
        (period, ikm_for(Slice.of(period, kecamatan=kecamatan), with_template=False))
        for period in chosen
    ]


# -- respondent profile ---------------------------------------------------------------


def respondent_profile(slice_: Slice) -> dict[str, list[tuple[str, int]]]:
    """Counts per gender, age group, education and occupation (four grouped queries).

    Each list keeps the choice order and ends with “not stated” when some left it empty.
    """
    responses = survey_responses(slice_)
    profile = {}
    for field_name, enum in (
        ("gender", Gender),
        ("education", Education),
        ("occupation", Occupation),
    ):
        counts = dict(
            responses.values(field_name)
            .annotate(n=Count("id"))
            .order_by()
            .values_list(field_name, "n")
        )
        rows = [(str(label), counts.get(value, 0)) for value, label in enum.choices]
        if counts.get(""):
            rows.append((str(NOT_STATED), counts[""]))
        profile[field_name] = rows
    age_aggregate = {}
    for index, (low, high, _label) in enumerate(AGE_GROUPS):
        condition = Q(age__gte=low) if high is None else Q(age__gte=low, age__lte=high)
        age_aggregate[f"age_{index}"] = Count("id", filter=condition)
    age_aggregate["age_none"] = Count("id", filter=Q(age__isnull=True))
    ages = responses.aggregate(**age_aggregate)
    profile["age"] = [(label, ages[f"age_{i}"]) for i, (_l, _h, label) in enumerate(AGE_GROUPS)]
    if ages["age_none"]:
        profile["age"].append((str(NOT_STATED), ages["age_none"]))
    return profile


# -- periods and follow-up ------------------------------------------------------------


def published_periods(kind: str | None = None) -> QuerySet:
    periods = SurveyPeriod.objects.filter(is_published=True)
    if kind:
        periods = periods.filter(kind=kind)
    return periods.order_by("-start_date", "kind")


def period_default() -> SurveyPeriod | None:
    """The latest published period that has started (quarters before semesters before years)."""
    order = {
        PeriodKind.QUARTER: 0,
        PeriodKind.SEMESTER: 1,
        PeriodKind.YEAR: 2,
        PeriodKind.CUSTOM: 3,
    }
    started = list(published_periods().filter(start_date__lte=timezone.localdate())[:12])
    if not started:
        return None
    latest_start = started[0].start_date
    return min((p for p in started if p.start_date == latest_start), key=lambda p: order[p.kind])


def follow_up_plans(
    *, period: SurveyPeriod, kecamatan: str | None = None, public_only: bool = True
) -> QuerySet:
    plans = FollowUpPlan.objects.filter(period=period, kecamatan_id=kecamatan)
    if public_only:
        plans = plans.filter(is_public=True)
    return plans.order_by("unsur")
