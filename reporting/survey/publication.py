"""The read model of the public IKM results: what a published period shows.

``ikm_publication`` gathers everything a published period shows (the kabupaten/kota
figure, each kecamatan, the services with an adequate sample, unsur, trend, respondent
profile and follow-up plans) in a fixed number of queries: it does not grow with the
number of kecamatan or services. The page and the CSV (``reporting.survey.views``) and
the read API (``reporting.survey.api``) all read it, so they can never disagree.

Never shown anywhere public: the suggestions text (``SurveyResponse.suggestion``) and
anything about a single respondent; only counts and aggregates leave this module.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms_builder.models import Application
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan
from reporting.models import FollowUpPlan, SurveyPeriod, SurveyResponse, SurveySettings
from reporting.survey.constants import AGE_GROUPS, Education, Gender, Occupation
from reporting.survey.ikm import (
    UNSUR,
    IkmResult,
    Mutu,
    display_ikm,
    display_nrr,
    round_half_up,
)
from reporting.survey.selectors import (
    IkmSlice,
    Slice,
    follow_up_plans,
    ikm_by_kecamatan,
    ikm_by_service,
    ikm_for,
    ikm_trend,
    respondent_profile,
)
from service_catalog.models import ServicePage

#: Periods of the same kind shown in the trend (the current one included).
TREND_PERIODS = 8

#: The regulation's kinerja terms (PermenPAN-RB 14/2017), translated for the page only;
#: the API and the CSV carry the regulation's own words (``Mutu.kinerja``).
KINERJA_LABELS = {
    Mutu.A: gettext_lazy("Very good"),
    Mutu.B: gettext_lazy("Good"),
    Mutu.C: gettext_lazy("Poor"),
    Mutu.D: gettext_lazy("Very poor"),
}


class Level(enum.StrEnum):
    AREA = "kabupaten_kota"
    KECAMATAN = "kecamatan"
    SERVICE = "layanan"


@dataclass(frozen=True)
class UnsurRow:
    key: str
    number: int  # U# of the questionnaire
    name: str
    total: int  # Σ nilai
    nrr: Decimal  # 3 decimals
    converted: Decimal  # NRR × 25, 2 decimals
    mutu: str
    weak: bool

    @property
    def code(self) -> str:
        return f"U{self.number}"

    @property
    def kinerja_label(self) -> str:
        return str(KINERJA_LABELS[Mutu(self.mutu)])


@dataclass(frozen=True)
class Figure:
    """One published slice with the values as they are displayed (rounded half-up)."""

    level: str
    code: str  # kecamatan code, service code, or the kabupaten/kota code
    name: str
    data: IkmSlice
    kecamatan_code: str = ""
    kecamatan_name: str = ""
    # Respondents a service needs before it is graded (sampel belum memadai only).
    required: int = 0

    @property
    def result(self) -> IkmResult | None:
        return self.data.result

    @property
    def has_result(self) -> bool:
        return self.data.result is not None

    @property
    def respondents(self) -> int:
        return self.data.respondents

    @property
    def population(self) -> int:
        return self.data.population

    @property
    def min_sample(self) -> int:
        return self.data.min_sample

    @property
    def adequate(self) -> bool:
        return self.data.adequate

    @property
    def shortfall(self) -> int:
        return self.data.shortfall

    @property
    def ikm(self) -> Decimal | None:
        """IKM on the 1–4 scale, 4 decimals."""
        return round_half_up(self.result.ikm, 4) if self.result else None

    @property
    def ikm_konversi(self) -> Decimal | None:
        """IKM unit pelayanan on the 25–100 scale, 2 decimals (the value the mutu uses)."""
        return display_ikm(self.result.ikm_converted) if self.result else None

    @property
    def mutu(self) -> str:
        return str(self.result.mutu) if self.result else ""

    @property
    def kinerja(self) -> str:
        return self.result.kinerja if self.result else ""

    @property
    def kinerja_label(self) -> str:
        return str(KINERJA_LABELS[self.result.mutu]) if self.result else ""

    @property
    def template(self) -> IkmResult | None:
        return self.data.template_result

    @property
    def template_ikm(self) -> Decimal | None:
        return round_half_up(self.template.ikm, 4) if self.template else None

    @property
    def template_ikm_konversi(self) -> Decimal | None:
        return display_ikm(self.template.ikm_converted) if self.template else None

    @property
    def template_mutu(self) -> str:
        return str(self.template.mutu) if self.template else ""

    @property
    def template_kinerja(self) -> str:
        return self.template.kinerja if self.template else ""

    @cached_property
    def unsur(self) -> list[UnsurRow]:
        if not self.result:
            return []
        return [
            UnsurRow(
                key=row.key,
                number=UNSUR[row.key].questionnaire_number,
                name=UNSUR[row.key].name,
                total=row.total,
                nrr=display_nrr(row.nrr, 3),
                converted=display_ikm(row.converted),
                mutu=str(row.mutu),
                weak=row.weak,
            )
            for row in self.result.unsur
        ]

    @property
    def weak_unsur(self) -> list[UnsurRow]:
        return [row for row in self.unsur if row.weak]


@dataclass(frozen=True)
class ProfileRow:
    key: str
    label: str
    count: int
    percent: Decimal | None  # 1 decimal; None when nobody answered


@dataclass(frozen=True)
class ProfileGroup:
    key: str
    title: str
    rows: list[ProfileRow]


@dataclass(frozen=True)
class TrendPoint:
    period: SurveyPeriod
    figure: Figure
    current: bool


@dataclass(frozen=True)
class IkmPublication:
    period: SurveyPeriod
    area: Figure  # the whole kabupaten/kota
    kecamatan: Region | None  # the kecamatan view, or None
    figure: Figure  # what the page is about: the kabupaten/kota or the chosen kecamatan
    by_kecamatan: list[Figure]
    services: list[Figure]  # only services whose figure may be published
    services_withheld: int  # services with respondents but not (yet) publishable
    # Those services, listed without a grade: "sampel belum memadai".
    services_insufficient: list[Figure]
    min_respondents: int
    show_template: bool
    trend: list[TrendPoint]
    profile: list[ProfileGroup]
    follow_ups: list[FollowUpPlan]  # kabupaten/kota-wide plans
    kecamatan_follow_ups: list[FollowUpPlan]  # the chosen kecamatan's own plans


def service_publishable(data: IkmSlice, *, min_respondents: int) -> bool:
    """A service's figure is public only with an adequate (Krejcie–Morgan) sample and at
    least ``SurveySettings.public_min_respondents`` respondents.

    A service with answers but no application finished in the period has no population
    to size the sample against (the answers are about earlier applications), so it is
    not adequate whatever the count (PermenPAN-RB 14/2017; docs/domain/skm-ikm.md).
    """
    return (
        data.result is not None
        and data.population > 0
        and data.adequate
        and data.respondents >= min_respondents
    )


def _profile(slice_: Slice) -> list[ProfileGroup]:
    raw = respondent_profile(slice_)
    keys = {
        "gender": [value for value, _label in Gender.choices],
        "age": [label for _low, _high, label in AGE_GROUPS],
        "education": [value for value, _label in Education.choices],
        "occupation": [value for value, _label in Occupation.choices],
    }
    titles = {
        "gender": _("Gender"),
        "age": _("Age group"),
        "education": _("Education"),
        "occupation": _("Occupation"),
    }
    groups = []
    for name in ("gender", "age", "education", "occupation"):
        rows = raw[name]
        total = sum(count for _label, count in rows)
        groups.append(
            ProfileGroup(
                key=name,
                title=titles[name],
                rows=[
                    ProfileRow(
                        # Rows follow the choice order; a trailing extra row is “not stated”.
                        key=keys[name][index] if index < len(keys[name]) else "",
                        label=label,
                        count=count,
                        percent=round_half_up(Fraction(100 * count, total), 1) if total else None,
                    )
                    for index, (label, count) in enumerate(rows)
                ],
            )
        )
    return groups


def ikm_publication(
    *,
    period: SurveyPeriod,
    kecamatan: Region | None = None,
    config: SurveySettings | None = None,
    all_kecamatan: list[Region] | None = None,
    with_details: bool = True,
) -> IkmPublication:
    """Everything the public pages, CSV and API show for one published period.

    ``kecamatan`` narrows the figure, services, trend, profile and plans to one
    kecamatan (the kecamatan view); the table of every kecamatan stays. Without
    ``with_details`` the trend, profile and plans are skipped (the CSV needs none).
    Queries: a fixed number, whatever the number of kecamatan and services.
    """
    config = config or SurveySettings.load()
    show_template = config.report_template_0111
    min_respondents = config.public_min_respondents
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    area_code = settings.PATEN_KABUPATEN_KOTA
    area_name = Region.objects.filter(code=area_code).values_list("name", flat=True).first()

    area_slice = Slice.of(period)
    area = Figure(
        level=Level.AREA,
        code=area_code,
        name=area_name or area_code,
        data=ikm_for(area_slice, with_template=show_template),
    )
    by_kecamatan = [
        Figure(
            level=Level.KECAMATAN,
            code=data.key,
            name=data.label,
            data=data,
            kecamatan_code=data.key,
            kecamatan_name=data.label,
        )
        for data in ikm_by_kecamatan(
            area_slice,
            kecamatan_codes=[region.code for region in everywhere],
            with_template=show_template,
        )
    ]
    scope_slice = area_slice
    figure = area
    if kecamatan is not None:
        scope_slice = Slice.of(period, kecamatan=kecamatan.code)
        figure = next(f for f in by_kecamatan if f.code == kecamatan.code)

    service_data = ikm_by_service(scope_slice, with_template=show_template)
    publishable = [
        data for data in service_data if service_publishable(data, min_respondents=min_respondents)
    ]
    codes = dict(
        ServicePage.objects.filter(id__in=[int(data.key) for data in publishable]).values_list(
            "id", "code"
        )
    )
    services = [
        Figure(
            level=Level.SERVICE,
            code=codes.get(int(data.key), data.key),
            name=data.label,
            data=data,
            kecamatan_code=kecamatan.code if kecamatan else "",
            kecamatan_name=kecamatan.name if kecamatan else "",
        )
        for data in publishable
    ]
    # Every publishable service has respondents, so the rest of those with any are withheld.
    published = {data.key for data in publishable}
    insufficient = [
        Figure(
            level=Level.SERVICE,
            code=data.key,
            name=data.label,
            data=data,
            kecamatan_code=kecamatan.code if kecamatan else "",
            kecamatan_name=kecamatan.name if kecamatan else "",
            required=max(data.min_sample, min_respondents),
        )
        for data in service_data
        if data.respondents and data.key not in published
    ]
    withheld = len(insufficient)

    trend, profile, plans, own_plans = [], [], [], []
    if with_details:
        trend = [
            TrendPoint(
                period=point_period,
                figure=Figure(
                    level=figure.level,
                    code=figure.code,
                    name=figure.name,
                    data=data,
                    kecamatan_code=figure.kecamatan_code,
                    kecamatan_name=figure.kecamatan_name,
                ),
                current=point_period.pk == period.pk,
            )
            for point_period, data in ikm_trend(
                kind=period.kind,
                kecamatan=kecamatan.code if kecamatan else None,
                upto=period,
                limit=TREND_PERIODS,
            )
        ]
        profile = _profile(scope_slice)
        plans = list(follow_up_plans(period=period))
        if kecamatan is not None:
            own_plans = list(follow_up_plans(period=period, kecamatan=kecamatan.code))

    return IkmPublication(
        period=period,
        area=area,
        kecamatan=kecamatan,
        figure=figure,
        by_kecamatan=by_kecamatan,
        services=services,
        services_withheld=withheld,
        services_insufficient=insufficient,
        min_respondents=min_respondents,
        show_template=show_template,
        trend=trend,
        profile=profile,
        follow_ups=plans,
        kecamatan_follow_ups=own_plans,
    )


GENERATION_SQL = (
    "SELECT (SELECT COUNT(*) FROM {responses}), (SELECT MAX({id}) FROM {responses}), "
    "(SELECT COUNT(*) FROM {plans}), (SELECT MAX({updated_at}) FROM {plans}), "
    "(SELECT COUNT(*) FROM {periods} WHERE {is_published} = %s), "
    "(SELECT SUM({id}) FROM {periods} WHERE {is_published} = %s), "
    "(SELECT MAX({finished_at}) FROM {applications}), "
    "(SELECT MAX({min_respondents}) FROM {settings}), "
    "(SELECT COUNT(*) FROM {settings} WHERE {template_0111} = %s)"
)


def ikm_generation() -> str:
    """A cheap fingerprint of everything the public IKM shows (one query).

    It changes with every new or deleted response, every follow-up plan edit, every
    period published or withdrawn, every newly finished application (the population)
    and the two public survey settings, so a cached page is never stale for those.
    Names of regions and services are not in it: they refresh when the page expires.
    """
    quote = connection.ops.quote_name
    # Table and column names come from the models, never from input.
    sql = GENERATION_SQL.format(
        responses=quote(SurveyResponse._meta.db_table),
        plans=quote(FollowUpPlan._meta.db_table),
        periods=quote(SurveyPeriod._meta.db_table),
        applications=quote(Application._meta.db_table),
        settings=quote(SurveySettings._meta.db_table),
        id=quote("id"),
        updated_at=quote("updated_at"),
        is_published=quote("is_published"),
        finished_at=quote("finished_at"),
        min_respondents=quote("public_min_respondents"),
        template_0111=quote("report_template_0111"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, True, True])
        row = cursor.fetchone()
    return "|".join(str(value) for value in row)
