import pytest

from paten.regions.models import Region
from paten.regions.services import regions_import

# A small slice of the Kemendagri list: Kota Bontang with two kecamatan
# (docs/domain/identity-numbers.md#kemendagri-region-codes).
BONTANG_CSV = """kode,nama
64,Kalimantan Timur
64.74,Kota Bontang
64.74.01,Bontang Utara
64.74.01.1001,Bontang Kuala
64.74.01.1002,Bontang Baru
64.74.02,Bontang Selatan
64.74.02.1001,Tanjung Laut
64.74.02.1002,Berbas Tengah
"""

# Another province, to check --under leaves it out.
OTHER_CSV = """11,Aceh
11.01,Kabupaten Aceh Selatan
11.01.01,Bakongan
11.01.01.2001,Keude Bakongan
"""


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.fixture
def bontang(db):
    summary = regions_import(content=csv_bytes(BONTANG_CSV), filename="bontang.csv")
    assert summary.committed, summary.errors
    return Region.objects.get(code="64.74")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _var_dir_in_tmp(settings, tmp_path):
    # The admin import keeps uploads under VAR_DIR between preview and confirmation.
    settings.VAR_DIR = tmp_path / "var"
