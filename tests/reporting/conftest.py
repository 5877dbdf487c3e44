"""Fixtures of the reporting tests: the Bontang fixtures of forms_builder plus survey helpers."""

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import SurveyPeriod
from reporting.survey.services import survey_period_create
from tests.forms_builder import conftest as forms_builder_fixtures
from tests.reporting.factories import finished_application

UTARA = forms_builder_fixtures.UTARA
SELATAN = forms_builder_fixtures.SELATAN
BARAT = forms_builder_fixtures.BARAT

# Re-exported so pytest finds them here: Bontang and its kecamatan, a service with a
# published form, and staff per role.
bontang = forms_builder_fixtures.bontang
utara = forms_builder_fixtures.utara
selatan = forms_builder_fixtures.selatan
service = forms_builder_fixtures.service
loket = forms_builder_fixtures.loket
back_office = forms_builder_fixtures.back_office
camat = forms_builder_fixtures.camat
loket_selatan = forms_builder_fixtures.loket_selatan
camat_selatan = forms_builder_fixtures.camat_selatan
staff = forms_builder_fixtures.staff


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
def admin(bontang):
    return staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA])


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
