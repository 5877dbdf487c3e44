"""Which of Indonesia's three time zones a region lies in, by its Kemendagri province code.

Keppres No. 41 Tahun 1987 (Pembagian Wilayah Republik Indonesia menjadi 3 (tiga)
Wilayah Waktu), Pasal 2:

- WIB (UTC+7): the provinces of Sumatera, Jawa and Madura, Kalimantan Barat and
  Kalimantan Tengah;
- WITA (UTC+8): Kalimantan Timur, Kalimantan Selatan, Bali, Nusa Tenggara Barat,
  Nusa Tenggara Timur and the provinces of Sulawesi;
- WIT (UTC+9): Maluku and Irian Jaya (Papua).

Provinces formed later belong to the zone of the province they were split from
(Kepulauan Bangka Belitung, Kepulauan Riau and Banten: WIB; Kalimantan Utara,
Gorontalo and Sulawesi Barat: WITA; Maluku Utara and the Papua provinces: WIT).

Pure Python without Django models: ``paten/settings/base.py`` imports it to choose the
installation's default ``TIME_ZONE`` from ``PATEN_KABUPATEN_KOTA``.
"""

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

#: Province code (first two digits of a Kemendagri code) of every province outside WIB.
PROVINCE_TIME_ZONES: dict[str, str] = {
    "51": WITA,  # Bali
    "52": WITA,  # Nusa Tenggara Barat
    "53": WITA,  # Nusa Tenggara Timur
    "63": WITA,  # Kalimantan Selatan
    "64": WITA,  # Kalimantan Timur
    "65": WITA,  # Kalimantan Utara (from Kalimantan Timur, UU 20/2012)
    "71": WITA,  # Sulawesi Utara
    "72": WITA,  # Sulawesi Tengah
    "73": WITA,  # Sulawesi Selatan
    "74": WITA,  # Sulawesi Tenggara
    "75": WITA,  # Gorontalo (from Sulawesi Utara)
    "76": WITA,  # Sulawesi Barat (from Sulawesi Selatan)
    "81": WIT,  # Maluku
    "82": WIT,  # Maluku Utara (from Maluku)
    "91": WIT,  # Papua
    "92": WIT,  # Papua Barat
    "93": WIT,  # Papua Selatan
    "94": WIT,  # Papua Tengah
    "95": WIT,  # Papua Pegunungan
    "96": WIT,  # Papua Barat Daya
}


def time_zone_for_region(code: str) -> str:
    """The IANA time zone of a region given by its Kemendagri code (any tier).

    Every province not listed in ``PROVINCE_TIME_ZONES`` is in WIB, as is an empty or
    malformed code (the national default).
    """
    return PROVINCE_TIME_ZONES.get((code or "").strip()[:2], WIB)
