import pytest

from paten.regions.models import Region
from paten.regions.services import regions_import

from .data import BONTANG_CSV, csv_bytes


@pytest.fixture
def bontang_imported(db):
    """Kota Bontang as the region import makes it (two kecamatan, two desa each)."""
    summary = regions_import(content=csv_bytes(BONTANG_CSV), filename="bontang.csv")
    assert summary.committed, summary.errors
    return Region.objects.get(code="64.74")


@pytest.fixture(autouse=True)
def _var_dir_in_tmp(settings, tmp_path):
    # The admin import keeps uploads under VAR_DIR between preview and confirmation.
    settings.VAR_DIR = tmp_path / "var"
