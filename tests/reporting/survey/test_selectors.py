"""The survey selectors against the database: Σ per unsur, IKM and mutu, slices, groups,
population and Krejcie–Morgan, the 0,111 variant, respondent profile, trend, query counts.

The arithmetic itself is covered without a database in ``test_ikm.py``; here every
expected value is recomputed in plain Python from the rows the test wrote.
"""

import math
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone, translation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from paten.regions.models import Region
from reporting.models import SurveyResponse, SurveySettings
from reporting.survey.constants import ANSWER_FIELDS, PeriodKind, SurveyChannel
from reporting.survey.ikm import UNSUR_KEYS, display_ikm
from reporting.survey.selectors import (
    Slice,
    ikm_by_kecamatan,
    ikm_by_service,
    ikm_for,
    ikm_sums,
    ikm_trend,
    respondent_profile,
)
from reporting.survey.services import (
    survey_period_create,
    survey_response_submit,
    survey_version_current,
)
from tests.reporting.factories import BARAT, SELATAN, UTARA, all_answers
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db

KECAMATAN = (UTARA, SELATAN, BARAT)
# A past quarter, so generated rows may fall on both sides of it.
PERIOD = Slice(start=date(2025, 4, 1), end=date(2025, 6, 30))
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# -- independent expectations ------------------------------------------------------


def expected_ikm(rows: list["Row"]) -> Fraction:
    """IKM on the 25–100 scale: 25 × Σ_i (Σ_r x_ri / n) / 9, with plain fractions."""
    n = len(rows)
    return (
        sum((Fraction(sum(r.answers[k] for r in rows), n) for k in UNSUR_KEYS), Fraction(0))
        * 25
        / 9
    )


def expected_mutu(value: Fraction) -> str:
    """PermenPAN-RB 14/2017 bands on the value shown to 2 decimals (docs/domain/skm-ikm.md, conversion table)."""
    hundredths = math.floor(value * 100 + Fraction(1, 2))
    if hundredths >= 8831:
        return "A"
    if hundredths >= 7661:
        return "B"
    if hundredths >= 6500:
        return "C"
    return "D"


# -- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    answers: dict
    kecamatan: str
    service: int | None
    channel: str
    day: date

    def within(self, slice_: Slice) -> bool:
        return (
            slice_.start <= self.day <= slice_.end
            and slice_.kecamatan in (None, self.kecamatan)
            and slice_.service in (None, self.service)
            and slice_.channel in (None, self.channel)
        )


def store(rows: list[Row], *, version) -> None:
    """Write rows directly: the property tests need dates in the past and speed."""
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            version=version,
            kecamatan_id=row.kecamatan,
            service_id=row.service,
            channel=row.channel,
            answered_on=row.day,
            **{ANSWER_FIELDS[k]: v for k, v in row.answers.items()},
        )
        for row in rows
    )


@contextmanager
def rolled_back():
    """One Hypothesis example's writes, undone afterwards (the fixtures stay)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def respond(value: int = 4, *, kecamatan=UTARA, day=None, **kwargs) -> SurveyResponse:
    kwargs.setdefault("channel", SurveyChannel.PAPER)
    return survey_response_submit(
        answers=all_answers(value), kecamatan=kecamatan, answered_on=day, **kwargs
    )


def more_finished_like(application: Application, count: int) -> None:
    """``count`` more finished applications of the same kecamatan, service and day."""
    copies = []
    for i in range(count):
        copy = Application.objects.get(pk=application.pk)
        copy.id = uuid.uuid4()
        copy.tracking_code = f"CP{i:08d}"
        copy.result_number = None
        copy.verification_token = None
        copies.append(copy)
    Application.objects.bulk_create(copies)


def today_slice(**filters) -> Slice:
    today = timezone.localdate()
    return Slice(start=today - timedelta(days=30), end=today, **filters)


@pytest.fixture
def version(db):
    return survey_version_current()


@pytest.fixture
def services(service):
    return [service, make_service(title="Surat Keterangan Usaha", code="sku", steps=1)]


answer_sets = st.lists(st.integers(1, 4), min_size=9, max_size=9).map(
    lambda values: dict(zip(UNSUR_KEYS, values, strict=True))
)


def row_lists(min_size: int = 0):
    """Drawn rows: answers, kecamatan, index of the service (or none), channel, day offset."""
    return st.lists(
        st.tuples(
            answer_sets,
            st.sampled_from(KECAMATAN),
            st.sampled_from([0, 1, None]),
            st.sampled_from(SurveyChannel.values),
            st.integers(-3, (PERIOD.end - PERIOD.start).days + 3),
        ),
        min_size=min_size,
        max_size=25,
    )


def materialise(drawn, services) -> list[Row]:
    return [
        Row(
            answers=answers,
            kecamatan=kecamatan,
            service=None if service is None else services[service].pk,
            channel=channel,
            day=PERIOD.start + timedelta(days=offset),
        )
        for answers, kecamatan, service, channel, offset in drawn
    ]


# -- properties ------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(drawn=row_lists())
def test_db_sums_equal_python_sums_for_every_slice(version, services, drawn):
    rows = materialise(drawn, services)
    slices = [
        PERIOD,
        *(Slice(PERIOD.start, PERIOD.end, kecamatan=k) for k in KECAMATAN),
        *(Slice(PERIOD.start, PERIOD.end, service=s.pk) for s in services),
        *(Slice(PERIOD.start, PERIOD.end, channel=c) for c in SurveyChannel.values),
        Slice(PERIOD.start, PERIOD.end, kecamatan=UTARA, service=services[0].pk),
    ]
    with rolled_back():
        store(rows, version=version)
        for slice_ in slices:
            inside = [r for r in rows if r.within(slice_)]
            n, sums = ikm_sums(slice_)
            assert n == len(inside), slice_
            assert sums == {k: sum(r.answers[k] for r in inside) for k in UNSUR_KEYS}, slice_


@PROPERTY_SETTINGS
@given(drawn=row_lists(min_size=1))
def test_any_answers_give_ikm_between_25_and_100_in_its_band(version, services, drawn):
    rows = materialise(drawn, services)
    whole = Slice(PERIOD.start - timedelta(days=3), PERIOD.end + timedelta(days=3))
    with rolled_back():
        store(rows, version=version)
        figure = ikm_for(whole, with_template=False)
    result = figure.result
    assert figure.respondents == len(rows)
    assert result.ikm_converted == expected_ikm(rows)
    assert 25 <= result.ikm_converted <= 100
    assert result.mutu == expected_mutu(result.ikm_converted)
    for unsur in result.unsur:
        nrr = Fraction(sum(r.answers[unsur.key] for r in rows), len(rows))
        assert (unsur.total, unsur.nrr) == (sum(r.answers[unsur.key] for r in rows), nrr)
        assert unsur.mutu == expected_mutu(nrr * 25)


@PROPERTY_SETTINGS
@given(drawn=row_lists())
def test_grouped_figures_equal_single_slices(version, services, drawn):
    rows = materialise(drawn, services)
    with rolled_back():
        store(rows, version=version)
        by_kecamatan = ikm_by_kecamatan(PERIOD, kecamatan_codes=KECAMATAN, with_template=False)
        by_service = ikm_by_service(PERIOD, with_template=False)
        singles = [ikm_for(group.slice, with_template=False) for group in by_kecamatan + by_service]
    assert [g.key for g in by_kecamatan] == [BARAT, SELATAN, UTARA]  # by name
    with_service = {r.service for r in rows if r.within(PERIOD) and r.service is not None}
    assert {int(g.key) for g in by_service} == with_service
    for group, single in zip(by_kecamatan + by_service, singles, strict=True):
        assert group.respondents == single.respondents
        assert group.result == single.result
        assert (group.population, group.min_sample) == (single.population, single.min_sample)


# -- slices ------------------------------------------------------------------------------


def test_period_includes_its_first_and_last_day_only(bontang):
    year = timezone.localdate().year - 1
    quarter = survey_period_create(kind=PeriodKind.QUARTER, year=year, number=1)
    for day, value in [
        (date(year - 1, 12, 31), 1),
        (date(year, 1, 1), 4),
        (date(year, 3, 31), 3),
        (date(year, 4, 1), 1),
    ]:
        respond(value, day=day)
    n, sums = ikm_sums(Slice.of(quarter))
    assert n == 2
    assert sums == dict.fromkeys(UNSUR_KEYS, 7)


def test_slices_by_kecamatan_service_and_channel(utara, selatan, services):
    first, second = services
    respond(4, kecamatan=UTARA, service=first, channel=SurveyChannel.PAPER)
    respond(3, kecamatan=UTARA, service=second, channel=SurveyChannel.KIOSK)
    respond(2, kecamatan=SELATAN, service=first, channel=SurveyChannel.KIOSK)
    respond(1, kecamatan=SELATAN, channel=SurveyChannel.IMPORT)

    def count_and_total(**filters):
        n, sums = ikm_sums(today_slice(**filters))
        return n, sums["persyaratan"]

    assert count_and_total() == (4, 10)
    assert count_and_total(kecamatan=UTARA) == (2, 7)
    assert count_and_total(kecamatan=SELATAN) == (2, 3)
    assert count_and_total(kecamatan=BARAT) == (0, 0)
    assert count_and_total(service=first.pk) == (2, 6)
    assert count_and_total(service=second.pk) == (1, 3)
    assert count_and_total(channel=SurveyChannel.KIOSK) == (2, 5)
    assert count_and_total(channel=SurveyChannel.TRACKING) == (0, 0)
    assert count_and_total(kecamatan=SELATAN, service=first.pk, channel="kios") == (1, 2)


def test_empty_slice_has_no_result_and_needs_no_sample(bontang):
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.respondents, figure.result, figure.template_result) == (0, None, None)
    assert (figure.population, figure.min_sample, figure.adequate) == (0, 0, True)


def test_grouped_lists_kecamatan_without_responses(utara, services):
    respond(4, kecamatan=UTARA, service=services[0])
    respond(3, kecamatan=UTARA)  # no service: counted per kecamatan, not per service
    groups = ikm_by_kecamatan(today_slice(), kecamatan_codes=KECAMATAN)
    assert [(g.label, g.respondents) for g in groups] == [
        ("Bontang Barat", 0),
        ("Bontang Selatan", 0),
        ("Bontang Utara", 2),
    ]
    assert [g.result for g in groups[:2]] == [None, None]
    by_service = ikm_by_service(today_slice())
    assert [(g.label, g.respondents) for g in by_service] == [(services[0].title, 1)]


# -- population and sample ---------------------------------------------------------


def test_population_counts_applications_finished_in_the_slice(finished, service, utara, staff):
    from tests.forms_builder.factories import advance, submit

    submit(service, utara)  # submitted only: not in the population
    advance(submit(service, utara), **staff, until=ApplicationState.AWAITING_SIGNATURE)
    advance(submit(service, utara), **staff, until=ApplicationState.HANDED_OVER)
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.population, figure.min_sample) == (2, 2)
    assert (figure.respondents, figure.adequate, figure.shortfall) == (0, False, 2)
    assert ikm_for(today_slice(kecamatan=SELATAN)).population == 0
    assert ikm_for(today_slice(channel=SurveyChannel.KIOSK)).population == 2  # no narrowing
    other = make_service(title="Surat Keterangan Usaha", code="sku", steps=1)
    assert ikm_for(today_slice(service=other.pk)).population == 0
    assert ikm_for(today_slice(service=service.pk)).population == 2
    last_year = timezone.localdate().year - 1
    assert ikm_for(Slice(date(last_year, 1, 1), date(last_year, 12, 31))).population == 0

    survey_response_submit(
        answers=all_answers(3), channel=SurveyChannel.TRACKING, application=finished
    )
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.respondents, figure.adequate, figure.shortfall) == (1, False, 1)
    paper_response = survey_response_submit(
        answers=all_answers(2), channel=SurveyChannel.PAPER, kecamatan=utara
    )
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.respondents, figure.adequate, figure.shortfall) == (2, True, 0)
    assert paper_response.application is None


def test_min_sample_follows_krejcie_morgan(finished, version):
    # N = 20 → S = 19 (docs/domain/skm-ikm.md, sample size table).
    more_finished_like(finished, 19)
    rows = [Row(all_answers(3), UTARA, None, "kertas", timezone.localdate())] * 18
    store(rows, version=version)
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.population, figure.min_sample) == (20, 19)
    assert (figure.respondents, figure.adequate, figure.shortfall) == (18, False, 1)
    store(rows[:1], version=version)
    figure = ikm_for(today_slice(kecamatan=UTARA))
    assert (figure.respondents, figure.adequate, figure.shortfall) == (19, True, 0)
    (group,) = ikm_by_kecamatan(today_slice())
    assert (group.population, group.min_sample, group.adequate) == (20, 19, True)


# -- the 0,111 template variant ------------------------------------------------------


def test_template_variant_only_when_asked(utara):
    for value in (4, 3, 3, 2, 4, 1, 4):
        respond(value)
    config = SurveySettings.load()
    assert not config.report_template_0111
    assert ikm_for(today_slice()).template_result is None

    figure = ikm_for(today_slice(), with_template=True)
    assert figure.template_result.variant == "template_0111"
    assert figure.template_result.ikm_converted == figure.result.ikm_converted * Fraction(999, 1000)
    assert figure.result.variant == "exact_1_9"

    config.report_template_0111 = True
    config.save()
    figure = ikm_for(today_slice())
    assert figure.template_result.ikm_converted == figure.result.ikm_converted * Fraction(999, 1000)
    assert ikm_for(today_slice(), with_template=False).template_result is None
    (group,) = ikm_by_kecamatan(today_slice())
    assert group.template_result == figure.template_result


# -- respondent profile --------------------------------------------------------------


def test_respondent_profile_counts_and_age_groups(utara):
    ages = [19, 20, 30, 31, 40, 41, 50, 51, 60, 61, None]
    genders = ["L", "P", "P", "L", "P", "P", "P", "L", "", "P", "L"]
    for age, gender in zip(ages, genders, strict=True):
        respond(
            4,
            profile={"age": age, "gender": gender, "education": "sma", "occupation": "swasta"},
        )
    last_year = timezone.localdate() - timedelta(days=400)
    respond(4, day=last_year, profile={"age": 70, "gender": "L", "education": "s3"})
    with translation.override("en"):
        profile = respondent_profile(today_slice())
    assert profile["age"] == [
        ("< 20", 1),
        ("20–30", 2),
        ("31–40", 2),
        ("41–50", 2),
        ("51–60", 2),
        ("> 60", 1),
        ("Not stated", 1),
    ]
    assert profile["gender"] == [("Male", 4), ("Female", 6), ("Not stated", 1)]
    assert dict(profile["education"])["Senior high school (SMA/SMK)"] == 11
    assert sum(n for _label, n in profile["education"]) == 11
    assert "Not stated" not in dict(profile["education"])  # everyone answered
    assert dict(profile["occupation"])["Private employee"] == 11


# -- trend ---------------------------------------------------------------------------


def test_trend_is_oldest_first_and_limited(utara):
    year = timezone.localdate().year - 1
    periods = [survey_period_create(kind=PeriodKind.QUARTER, year=year - 1, number=4)]
    periods += [
        survey_period_create(kind=PeriodKind.QUARTER, year=year, number=n) for n in (1, 2, 3, 4)
    ]
    hidden = periods[3]  # Triwulan III
    hidden.is_published = False
    hidden.save()
    survey_period_create(kind=PeriodKind.SEMESTER, year=year, number=2)  # another kind
    for value, period in zip((1, 2, 3, 4, 4), periods, strict=True):
        respond(value, day=period.start_date)

    trend = ikm_trend(kind=PeriodKind.QUARTER, limit=3)
    assert [p.slug for p, _figure in trend] == [f"{year}-tw1", f"{year}-tw2", f"{year}-tw4"]
    assert [figure.result.ikm_converted for _p, figure in trend] == [50, 75, 100]
    for period, figure in trend:
        single = ikm_for(Slice.of(period), with_template=False)
        assert (figure.respondents, figure.result) == (single.respondents, single.result)

    everything = ikm_trend(kind=PeriodKind.QUARTER, limit=10, published_only=False)
    assert [p for p, _f in everything] == periods
    upto = ikm_trend(kind=PeriodKind.QUARTER, upto=periods[2], limit=2)
    assert [p for p, _f in upto] == periods[1:3]
    assert ikm_trend(kind=PeriodKind.QUARTER, kecamatan=SELATAN, limit=1)[0][1].respondents == 0


# -- test vectors V1 and V4 (docs/domain/skm-ikm.md, test vectors) -----------------------


def test_v1_one_respondent_all_4_is_100_a(utara):
    respond(4)
    result = ikm_for(today_slice()).result
    assert result.respondents == 1
    assert [(u.total, u.nrr, u.nrr_weighted) for u in result.unsur] == [(4, 4, Fraction(4, 9))] * 9
    assert result.ikm == 4
    assert display_ikm(result.ikm_converted) == Decimal("100.00")
    assert (result.mutu, result.kinerja) == ("A", "Sangat baik")


@pytest.mark.parametrize(
    ("value", "ikm", "mutu", "kinerja"),
    [(1, "25.00", "D", "Tidak baik"), (4, "100.00", "A", "Sangat baik")],
)
def test_v4_uniform_answers(utara, selatan, value, ikm, mutu, kinerja):
    for _ in range(6):
        respond(value, kecamatan=SELATAN)
    respond(5 - value, kecamatan=UTARA)  # outside the slice
    result = ikm_for(today_slice(kecamatan=SELATAN)).result
    assert result.respondents == 6
    assert {u.nrr for u in result.unsur} == {value}
    assert display_ikm(result.ikm_converted) == Decimal(ikm)
    assert (result.mutu, result.kinerja) == (mutu, kinerja)


# -- query counts ------------------------------------------------------------------


@pytest.mark.parametrize("responses", [1, 60])
def test_ikm_for_is_two_queries_whatever_the_size(
    utara, version, django_assert_num_queries, responses
):
    store(
        [Row(all_answers(3), UTARA, None, "kertas", timezone.localdate())] * responses,
        version=version,
    )
    with django_assert_num_queries(2):
        figure = ikm_for(today_slice(), with_template=False)
    assert figure.respondents == responses
    with django_assert_num_queries(3):  # + the survey settings
        ikm_for(today_slice())


@pytest.mark.parametrize("kecamatan_count", [1, 8])
def test_ikm_by_kecamatan_queries_do_not_grow_with_kecamatan(
    bontang, version, django_assert_num_queries, kecamatan_count
):
    codes = [f"64.74.{i:02d}" for i in range(1, kecamatan_count + 1)]
    for code in codes:
        Region.objects.get_or_create(code=code, defaults={"name": f"Kecamatan {code}"})
    rows = [Row(all_answers(2), code, None, "kertas", timezone.localdate()) for code in codes]
    store(rows * 3, version=version)
    # grouped responses, grouped population, region names
    with django_assert_num_queries(3):
        groups = ikm_by_kecamatan(today_slice(), with_template=False)
    assert [g.respondents for g in groups] == [3] * kecamatan_count


def test_ikm_by_service_is_three_queries(services, version, django_assert_num_queries):
    rows = [Row(all_answers(2), UTARA, s.pk, "kertas", timezone.localdate()) for s in services]
    store(rows, version=version)
    with django_assert_num_queries(3):
        groups = ikm_by_service(today_slice(), with_template=False)
    assert len(groups) == 2
