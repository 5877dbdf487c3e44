"""Region files the region tests import."""

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
