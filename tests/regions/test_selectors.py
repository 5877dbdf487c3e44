import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.regions.selectors import installation_kecamatan, installation_kecamatan_for
from paten.regions.services import regions_import

from .data import OTHER_CSV, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(bontang_imported):
    """A kecamatan of another kabupaten, named to sort before Bontang's."""
    summary = regions_import(content=csv_bytes("kode,nama\n" + OTHER_CSV), filename="aceh.csv")
    assert summary.committed, summary.errors


class TestInstallationKecamatan:
    def test_the_kecamatan_of_the_configured_kabupaten_kota_by_name(self, elsewhere, settings):
        settings.PATEN_KABUPATEN_KOTA = "64.74"

        names = [region.name for region in installation_kecamatan()]

        assert names == ["Bontang Selatan", "Bontang Utara"]

    def test_follows_the_setting(self, elsewhere, settings):
        settings.PATEN_KABUPATEN_KOTA = "11.01"

        assert [region.code for region in installation_kecamatan()] == ["11.01.01"]

    def test_scoped_to_the_user(self, elsewhere, settings):
        settings.PATEN_KABUPATEN_KOTA = "64.74"
        camat = staff_create(
            username="camat.selatan", password="x", roles=[Role.CAMAT], kecamatan=["64.74.02"]
        )
        admin = staff_create(username="admin", password="x", roles=[Role.ADMIN_PEMDA])

        assert [r.code for r in installation_kecamatan_for(user=camat)] == ["64.74.02"]
        assert [r.code for r in installation_kecamatan_for(user=admin)] == [
            "64.74.02",
            "64.74.01",
        ]
