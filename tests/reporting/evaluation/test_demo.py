"""The evaluation demo: a valid instrument of the three PATEN requirement groups, last
year's semesters closed and published through the services, an open period this year;
idempotent."""

from django.db.models import Sum
from django.utils import timezone

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.demo import DEMO_KECAMATAN
from reporting.evaluation.demo import INSTRUMENT_NAME, evaluation_demo_load
from reporting.evaluation.selectors import public_periods, scoreboard
from reporting.evaluation.services import instrument_validate
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Source,
)

pytestmark = pytest.mark.django_db
MODELS = (EvaluationInstrument, EvaluationAspect, EvaluationIndicator, EvaluationPeriod)


@pytest.fixture
def loaded(bontang):
    staff_create(username="adminpemda", password="x", roles=[Role.ADMIN_PEMDA])
    staff_create(username="evaluator", password="x", roles=[Role.EVALUATOR])
    for code, slug in DEMO_KECAMATAN.items():
        staff_create(username=f"camat.{slug}", password="x", roles=[Role.CAMAT], kecamatan=[code])
    return evaluation_demo_load()


def counts() -> list[int]:
    return [m.objects.count() for m in (*MODELS, IndicatorValue, Evidence)]


def test_instruments_are_valid_and_follow_the_paten_requirement_groups(loaded):
    year = timezone.localdate().year
    instruments = EvaluationInstrument.objects.filter(name=INSTRUMENT_NAME)
    assert sorted(instruments.values_list("year", flat=True)) == [year - 1, year]
    for instrument in instruments:
        assert str(instrument) == f"Monitoring dan evaluasi PATEN {instrument.year}"
        instrument_validate(instrument=instrument)
        assert list(instrument.aspects.values_list("name", flat=True)) == [
            "Substantif",
            "Administratif",
            "Teknis",
        ]
        assert instrument.aspects.aggregate(total=Sum("weight"))["total"] == 100
        indicators = EvaluationIndicator.objects.filter(aspect__instrument=instrument)
        assert {i.source for i in indicators} == {Source.COMPUTED, Source.EVIDENCE}
        assert {
            "persen_tepat_waktu",
            "ikm",
            "layanan_dilimpahkan",
            "persen_standar_lengkap",
            "persen_ppid_tepat_waktu",
        } <= {i.metric for i in indicators}
        assert indicators.filter(name="SK Camat tentang pelaksana teknis PATEN").exists()


def test_periods_closed_published_and_scored(loaded):
    year = timezone.localdate().year
    published = list(public_periods())
    assert [p.name for p in published] == [f"Semester II {year - 1}", f"Semester I {year - 1}"]
    current = EvaluationPeriod.objects.get(name=f"Tahun {year}")
    assert current.status == EvaluationPeriod.Status.OPEN
    assert not current.public_ranking
    assert set(current.kecamatan.values_list("code", flat=True)) == set(DEMO_KECAMATAN)
    board = scoreboard(period=published[0])
    assert board.count == 3
    assert board.previous_period == published[1]
    assert all(row.change is not None for row in board.rows)
    assert board.rows[0].name == "Bontang Utara"
    assert board.rows[0].total > 0
    statuses = set(
        IndicatorValue.objects.filter(period=published[0]).values_list("status", flat=True)
    )
    assert {"beku", "terverifikasi", "diajukan"} <= statuses
    assert IndicatorValue.objects.filter(period=published[1], status="ditolak").exists()
    assert Evidence.objects.filter(value__period=published[0]).exists()
    assert IndicatorValue.objects.filter(period=current, status="diajukan").exists()


def test_idempotent(loaded):
    before = counts()
    again = evaluation_demo_load()
    assert counts() == before
    assert (again.instruments_created, again.periods_created, again.values_submitted) == (0, 0, 0)
    assert again.periods_closed == 0


def test_needs_the_demo_staff(bontang):
    with pytest.raises(RuntimeError, match="demo staff"):
        evaluation_demo_load()
