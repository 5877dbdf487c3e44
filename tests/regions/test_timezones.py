import pytest

from paten.regions.timezones import WIB, WIT, WITA, time_zone_for_region


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("64.74", WITA),  # Kota Bontang, Kalimantan Timur
        ("64.74.01", WITA),  # any tier of the code
        ("65.01", WITA),  # Kalimantan Utara (split from Kalimantan Timur)
        ("51.71", WITA),  # Kota Denpasar, Bali
        ("73.71", WITA),  # Kota Makassar
        ("75.71", WITA),  # Kota Gorontalo
        ("36.71", WIB),  # Kota Tangerang, Banten
        ("61.71", WIB),  # Kota Pontianak, Kalimantan Barat
        ("62.71", WIB),  # Kota Palangka Raya, Kalimantan Tengah
        ("11.71", WIB),  # Kota Banda Aceh
        ("81.09", WIT),  # Kabupaten Buru Selatan, Maluku
        ("82.71", WIT),  # Kota Ternate, Maluku Utara
        ("91.71", WIT),  # Kota Jayapura
        ("96.71", WIT),  # Kota Sorong, Papua Barat Daya
        ("", WIB),
        ("xx", WIB),
    ],
)
def test_time_zone_follows_the_province(code, zone):
    assert time_zone_for_region(code) == zone


def test_every_kemendagri_province_has_a_zone_by_keppres_41_1987():
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "paten/regions/data/wilayah_kemendagri_2025.csv"
    provinces = {
        line.split(",", 1)[0]
        for line in data.read_text(encoding="utf-8").splitlines()[1:]
        if len(line.split(",", 1)[0]) == 2
    }
    zones = {code: time_zone_for_region(code) for code in provinces}
    assert len(provinces) == 38
    assert sorted(code for code, zone in zones.items() if zone == WIT) == [
        "81", "82", "91", "92", "93", "94", "95", "96"
    ]  # fmt: skip
    assert sum(zone == WITA for zone in zones.values()) == 12
    assert sum(zone == WIB for zone in zones.values()) == 18
