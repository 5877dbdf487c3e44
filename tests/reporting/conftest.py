"""Fixtures of the reporting tests, defined once: a survey quarter, the people of the
kecamatan evaluation and a closed evaluation, role permissions, the swapped recap build
and the queued runs."""

import dataclasses

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from reporting import reports
from reporting.evaluation.services import evidence_verify, period_close
from reporting.models import SurveyPeriod
from reporting.reports import registry
from reporting.survey.services import survey_period_create
from tests.reporting.evaluation.factories import (
    evaluated_periods,
    evaluation_people,
    finish,
    make_instrument,
    make_period,
    report,
)
from tests.reporting.factories import BARAT, SELATAN, UTARA, finished_application
from tests.reporting.reports.factories import RECAP


@pytest.fixture
def role_permissions(db):
    """The role groups with the permissions of ROLE_PERMISSIONS as they are now, even on a
    test database kept (``--reuse-db``) from before they changed."""
    roles_sync_permissions()


@pytest.fixture
def quarter(db) -> SurveyPeriod:
    """The quarter containing today (so responses answered today fall inside it)."""
    from django.utils import timezone

    today = timezone.localdate()
    return survey_period_create(kind="triwulan", year=today.year, number=(today.month - 1) // 3 + 1)


@pytest.fixture
def finished(service, utara, staff):
    """A finished (signed and issued) application of Bontang Utara."""
    return finished_application(service, utara, staff)


# -- people of the kecamatan evaluation ----------------------------------------------------


@pytest.fixture
def evaluator(bontang):
    """An evaluator of the pemda (no kecamatan)."""
    return staff_create(username="evaluator", password="x", roles=[Role.EVALUATOR])


@pytest.fixture
def evaluator_utara(bontang):
    """An evaluator who is also assigned to Bontang Utara."""
    return staff_create(
        username="evaluator.utara", password="x", roles=[Role.EVALUATOR], kecamatan=[UTARA]
    )


@pytest.fixture
def camat_barat(bontang):
    return staff_create(username="camat.barat", password="x", roles=[Role.CAMAT], kecamatan=[BARAT])


@pytest.fixture
def staff_selatan(loket_selatan, camat_selatan):
    back_office = staff_create(
        username="backoffice.selatan", password="x", roles=[Role.BACK_OFFICE], kecamatan=[SELATAN]
    )
    return {"loket": loket_selatan, "back_office": back_office, "camat": camat_selatan}


@pytest.fixture
def closed_evaluation(
    service, staff, staff_selatan, camat_selatan, camat_barat, admin_pemda, evaluator
):
    """A closed evaluation period of three kecamatan: Utara 80, Selatan 33, Barat 33."""
    period = make_period(make_instrument())
    finish(service, UTARA, staff, n=2)
    finish(service, SELATAN, staff_selatan, n=1)
    for args in [("E1", UTARA, 3, staff["camat"]), ("E2", UTARA, 5, staff["camat"])]:
        evidence_verify(value=report(period, *args), actor=evaluator, approve=True)
    evidence_verify(
        value=report(period, "E1", SELATAN, 2, camat_selatan), actor=evaluator, approve=True
    )
    report(period, "E2", SELATAN, 10, camat_selatan)
    evidence_verify(
        value=report(period, "E2", BARAT, "8.25", camat_barat), actor=evaluator, approve=True
    )
    period_close(period=period, actor=admin_pemda)
    period.refresh_from_db()
    return period


@pytest.fixture
def people(bontang):
    """The pemda admin, an evaluator and a camat per kecamatan (``evaluation_people``)."""
    return evaluation_people()


@pytest.fixture
def periods(people):
    """A previous and a current closed period with a public ranking (``evaluated_periods``)."""
    return evaluated_periods(people)


# -- report runs ----------------------------------------------------------------------


@pytest.fixture
def recap_builder(monkeypatch):
    """Swap the monthly recap's ``build`` for the test; ``.original`` is the real one."""
    reports.registered_kinds()  # import every kind first, so nothing re-registers later
    original = reports.definition_for(RECAP)

    def use(build):
        monkeypatch.setitem(registry._REGISTRY, RECAP, dataclasses.replace(original, build=build))

    use.original = original.build
    return use


@pytest.fixture
def sent(monkeypatch):
    """Run ids queued with ``report_run_generate.delay`` (nothing runs)."""
    queued: list[str] = []

    class FakeTask:
        @staticmethod
        def delay(run_id):
            queued.append(run_id)

    monkeypatch.setattr("reporting.reports.services.report_run_generate", FakeTask)
    return queued
