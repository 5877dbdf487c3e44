import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.regions.models import Region
from tests.service_catalog.factories import make_service

from .factories import form_version_for

UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"


def _region(code: str, name: str) -> Region:
    parent = Region.objects.get(code=code.rsplit(".", 1)[0]) if "." in code else None
    region, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "parent": parent}
    )
    return region


@pytest.fixture
def bontang(db, settings):
    settings.PATEN_KABUPATEN_KOTA = "64.74"
    _region("64", "Kalimantan Timur")
    _region("64.74", "Kota Bontang")
    for code, name in [
        (UTARA, "Bontang Utara"),
        (SELATAN, "Bontang Selatan"),
        (BARAT, "Bontang Barat"),
    ]:
        _region(code, name)
    _region(f"{UTARA}.1001", "Bontang Kuala")
    return Region.objects.get(code="64.74")


@pytest.fixture
def utara(bontang):
    return Region.objects.get(code=UTARA)


@pytest.fixture
def selatan(bontang):
    return Region.objects.get(code=SELATAN)


@pytest.fixture
def service(bontang):
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=3)
    form_version_for(service)
    return service


def _staff(username, role, kecamatan):
    return staff_create(
        username=username, password="x", roles=[role], kecamatan=[kecamatan] if kecamatan else []
    )


@pytest.fixture
def loket(bontang):
    return _staff("loket.utara", Role.PETUGAS_LOKET, UTARA)


@pytest.fixture
def back_office(bontang):
    return _staff("backoffice.utara", Role.BACK_OFFICE, UTARA)


@pytest.fixture
def camat(bontang):
    return _staff("camat.utara", Role.CAMAT, UTARA)


@pytest.fixture
def loket_selatan(bontang):
    return _staff("loket.selatan", Role.PETUGAS_LOKET, SELATAN)


@pytest.fixture
def camat_selatan(bontang):
    return _staff("camat.selatan", Role.CAMAT, SELATAN)


@pytest.fixture
def staff(loket, back_office, camat):
    return {"loket": loket, "back_office": back_office, "camat": camat}
