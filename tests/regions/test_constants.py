import pytest

from paten.regions.constants import (
    InvalidRegionCode,
    RegionKind,
    kind_for,
    level_for,
    parent_code_for,
)


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("64", "Kalimantan Timur", RegionKind.PROVINSI),
        ("64.74", "Kota Bontang", RegionKind.KOTA),
        ("11.01", "Kabupaten Aceh Selatan", RegionKind.KABUPATEN),
        ("81.09", "Buru Selatan", RegionKind.KABUPATEN),  # no prefix: 01–69 is kabupaten
        ("36.71", "Tangerang", RegionKind.KOTA),  # no prefix: 71–99 is kota
        ("64.74.03", "Bontang Barat", RegionKind.KECAMATAN),
        ("64.74.01.1002", "Bontang Baru", RegionKind.KELURAHAN),
        ("11.01.01.2001", "Keude Bakongan", RegionKind.DESA),
        ("91.01.01.3001", "Kampung Adat", RegionKind.DESA_ADAT),
    ],
)
def test_kind_for(code, name, kind):
    assert kind_for(code, name) == kind


def test_level_and_parent_from_code():
    assert level_for("64.74.01.1001") == 4
    assert parent_code_for("64.74.01.1001") == "64.74.01"
    assert parent_code_for("64") is None


@pytest.mark.parametrize("code", ["6474", "64.7", "64.74.01.101", "", "64.74.", "AB"])
def test_bad_code_shape(code):
    with pytest.raises(InvalidRegionCode):
        level_for(code)
