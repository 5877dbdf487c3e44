import pytest

# Transitional: tests/reporting/conftest.py still takes the Bontang fixtures from this
# module; they are defined once in tests/conftest.py.
from tests.bontang import BARAT, SELATAN, UTARA  # noqa: F401
from tests.conftest import (  # noqa: F401
    back_office,
    bontang,
    camat,
    camat_selatan,
    loket,
    loket_selatan,
    selatan,
    staff,
    utara,
)
from tests.service_catalog.factories import make_service

from .factories import form_version_for


@pytest.fixture
def service(bontang):  # noqa: F811 (the fixture, not the import above)
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=3)
    form_version_for(service)
    return service
