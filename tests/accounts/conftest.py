import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.regions.models import Region


def region(code: str, name: str) -> Region:
    parent = Region.objects.get(code=code.rsplit(".", 1)[0]) if "." in code else None
    return Region.objects.create(code=code, name=name, parent=parent)


@pytest.fixture
def bontang(db):
    """Kota Bontang with two kecamatan and one kelurahan each (docs/domain/identity-numbers.md)."""
    region("64", "Kalimantan Timur")
    region("64.74", "Kota Bontang")
    region("64.74.01", "Bontang Utara")
    region("64.74.01.1001", "Bontang Kuala")
    region("64.74.02", "Bontang Selatan")
    region("64.74.02.1001", "Tanjung Laut")
    return Region.objects.get(code="64.74")


@pytest.fixture
def camat_utara(bontang):
    return staff_create(
        username="camat.utara", password="x", roles=[Role.CAMAT], kecamatan=["64.74.01"]
    )


@pytest.fixture
def camat_selatan(bontang):
    return staff_create(
        username="camat.selatan", password="x", roles=[Role.CAMAT], kecamatan=["64.74.02"]
    )


@pytest.fixture
def admin_pemda(bontang):
    return staff_create(username="adminpemda", password="x", roles=[Role.ADMIN_PEMDA])
