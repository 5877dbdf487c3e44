"""Kota Bontang, the region the tests use: Kalimantan Timur > Kota Bontang > three
kecamatan > four desa/kelurahan (Kemendagri codes, docs/domain/identity-numbers.md)."""

KABUPATEN_KOTA = "64.74"
UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"
KECAMATAN = [(UTARA, "Bontang Utara"), (SELATAN, "Bontang Selatan"), (BARAT, "Bontang Barat")]
DESA_KELURAHAN = [
    ("64.74.01.1001", "Bontang Kuala"),
    ("64.74.01.1002", "Bontang Baru"),
    ("64.74.02.1001", "Tanjung Laut"),
    ("64.74.02.1002", "Berbas Tengah"),
]


def bontang_regions() -> list:
    """Create (or find) the tree; the three kecamatan, by code."""
    from paten.regions.models import Region

    tree = [("64", "Kalimantan Timur"), (KABUPATEN_KOTA, "Kota Bontang"), *KECAMATAN]
    for code, name in [*tree, *DESA_KELURAHAN]:
        Region.objects.get_or_create(code=code, defaults={"name": name})
    return list(Region.objects.filter(code__in=[code for code, _name in KECAMATAN]))
