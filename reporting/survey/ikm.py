"""IKM (Indeks Kepuasan Masyarakat) arithmetic, PermenPAN-RB 14/2017.

Pure functions, no ORM: callers pass the sum of answers per unsur (computed by a
database aggregate) and the number of completed questionnaires.

All arithmetic is exact (``fractions.Fraction``); rounding happens only in the
display helpers (``round_half_up``, ``display_nrr``, ``display_ikm``).

Domain notes: docs/domain/skm-ikm.md.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# ---------------------------------------------------------------------------
# Unsur (the nine elements of PermenPAN-RB 14/2017)
# ---------------------------------------------------------------------------
#
# The regulation body (ruang lingkup) lists "Penanganan Pengaduan" as 8th and
# "Sarana dan Prasarana" as 9th, while the questionnaire / processing sheet
# numbers them the other way round (U8 = Sarana, U9 = Pengaduan). Unsur are
# therefore identified by KEY, never by position (docs/domain/skm-ikm.md, the nine unsur).

PERSYARATAN = "persyaratan"
PROSEDUR = "prosedur"
WAKTU = "waktu"
BIAYA = "biaya"
PRODUK = "produk"
KOMPETENSI = "kompetensi"
PERILAKU = "perilaku"
SARANA = "sarana"
PENGADUAN = "pengaduan"


@dataclass(frozen=True)
class Unsur:
    key: str
    name: str
    body_number: int  # position in the regulation body (ruang lingkup)
    questionnaire_number: int  # U# on the questionnaire / processing sheet


UNSUR: Mapping[str, Unsur] = {
    u.key: u
    for u in (
        Unsur(PERSYARATAN, "Persyaratan", 1, 1),
        Unsur(PROSEDUR, "Sistem, Mekanisme, dan Prosedur", 2, 2),
        Unsur(WAKTU, "Waktu Penyelesaian", 3, 3),
        Unsur(BIAYA, "Biaya/Tarif", 4, 4),
        Unsur(PRODUK, "Produk Spesifikasi Jenis Pelayanan", 5, 5),
        Unsur(KOMPETENSI, "Kompetensi Pelaksana", 6, 6),
        Unsur(PERILAKU, "Perilaku Pelaksana", 7, 7),
        Unsur(PENGADUAN, "Penanganan Pengaduan, Saran dan Masukan", 8, 9),
        Unsur(SARANA, "Sarana dan Prasarana", 9, 8),
    )
}

#: Keys in questionnaire order U1…U9 (the order of the processing sheet).
UNSUR_KEYS: tuple[str, ...] = tuple(sorted(UNSUR, key=lambda k: UNSUR[k].questionnaire_number))
#: Keys in the order of the regulation body.
UNSUR_KEYS_BODY_ORDER: tuple[str, ...] = tuple(sorted(UNSUR, key=lambda k: UNSUR[k].body_number))

MIN_ANSWER = 1
MAX_ANSWER = 4

#: Weight per unsur: "bobot nilai rata-rata tertimbang = jumlah bobot / jumlah unsur" = 1/9.
WEIGHT = Fraction(1, len(UNSUR))
#: The 0,111 literal written in the commonly circulated processing-sheet template.
#: Its origin in the regulation appendix is unconfirmed (docs/domain/skm-ikm.md, the formula). Offered only
#: as a clearly labelled alternative; it yields 0.999 × the exact IKM.
WEIGHT_TEMPLATE_0111 = Fraction(111, 1000)
#: "Nilai dasar": converts the 1–4 scale to 25–100.
CONVERSION_FACTOR = 25

VARIANT_EXACT = "exact_1_9"
VARIANT_TEMPLATE_0111 = "template_0111"


# ---------------------------------------------------------------------------
# Mutu categories and the rule for the gaps between bands
# ---------------------------------------------------------------------------


class Mutu(enum.StrEnum):
    """Mutu pelayanan (x) with its kinerja unit pelayanan (y), PermenPAN-RB 14/2017."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def kinerja(self) -> str:
        return _KINERJA[self]

    @property
    def nilai_persepsi(self) -> int:
        return _NILAI_PERSEPSI[self]


_KINERJA = {Mutu.A: "Sangat baik", Mutu.B: "Baik", Mutu.C: "Kurang baik", Mutu.D: "Tidak baik"}
_NILAI_PERSEPSI = {Mutu.A: 4, Mutu.B: 3, Mutu.C: 2, Mutu.D: 1}

# Lower bounds of the Nilai Interval Konversi (NIK, 25–100 scale), PermenPAN-RB
# 14/2017 conversion table (docs/domain/skm-ikm.md, conversion table):
#   D 25,00–64,99 · C 65,00–76,60 · B 76,61–88,30 · A 88,31–100,00
# The NI bounds on the 1–4 scale (2,5996 / 2,60 / 3,064 / 3,0644 / 3,532 / 3,5324)
# are exactly these NIK bounds ÷ 25.
#
# GAP RULE. The table of PermenPAN-RB 14/2017 leaves gaps between bands
# (64,99 < x < 65,00; 76,60 < x < 76,61; 88,30 < x < 88,31) because it is written
# to two decimals. Our single rule: round the converted value (NIK, 25–100) half-up
# to 2 decimals, then A if ≥ 88,31, B if ≥ 76,61, C if ≥ 65,00, else D. A value on
# the 1–4 scale is classified through NIK = NI × 25 with the same rule, so both
# scales always agree. (The rounding step is our design decision, docs/domain/skm-ikm.md, conversion table;
# the bounds themselves are the regulation's.)
NIK_LOWER_BOUNDS: tuple[tuple[Decimal, Mutu], ...] = (
    (Decimal("88.31"), Mutu.A),
    (Decimal("76.61"), Mutu.B),
    (Decimal("65.00"), Mutu.C),
)
NIK_DISPLAY_PLACES = 2

Number = int | Fraction | Decimal


def _to_fraction(value: Number) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        raise TypeError(f"Nilai harus int, Fraction atau Decimal, bukan {type(value).__name__}.")
    return Fraction(value)


def round_half_up(value: Number, places: int) -> Decimal:
    """Exact half-up (away from zero) rounding of a rational to ``places`` decimals."""
    frac = _to_fraction(value)
    scaled = abs(frac) * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    if frac < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-places)


def mutu_for_nik(value: Number) -> Mutu:
    """Mutu category for a converted value on the 25–100 scale (gap rule above)."""
    shown = round_half_up(value, NIK_DISPLAY_PLACES)
    for lower, mutu in NIK_LOWER_BOUNDS:
        if shown >= lower:
            return mutu
    return Mutu.D


def mutu_for_ni(value: Number) -> Mutu:
    """Mutu category for a value on the 1–4 scale, via NIK = NI × 25."""
    return mutu_for_nik(_to_fraction(value) * CONVERSION_FACTOR)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


class IkmInputError(ValueError):
    """Invalid input for the IKM computation (message in Indonesian)."""


@dataclass(frozen=True)
class UnsurResult:
    key: str
    total: int  # Σ nilai per unsur
    nrr: Fraction  # nilai rata-rata per unsur = Σ / n
    nrr_weighted: Fraction  # NRR × bobot
    converted: Fraction  # NRR × 25 (25–100 scale)
    mutu: Mutu  # category of ``converted`` with the same bands

    @property
    def unsur(self) -> Unsur:
        return UNSUR[self.key]

    @property
    def weak(self) -> bool:
        """Flagged for follow-up when the unsur falls in C (Kurang baik) or D (Tidak baik)."""
        return self.mutu in (Mutu.C, Mutu.D)


@dataclass(frozen=True)
class IkmResult:
    variant: str  # VARIANT_EXACT or VARIANT_TEMPLATE_0111
    weight: Fraction
    respondents: int
    unsur: tuple[UnsurResult, ...]  # questionnaire order U1…U9
    ikm: Fraction  # Σ NRR tertimbang, 1–4 scale (exact variant)
    ikm_converted: Fraction  # IKM × 25, 25–100 scale
    mutu: Mutu

    @property
    def kinerja(self) -> str:
        return self.mutu.kinerja

    @property
    def by_key(self) -> dict[str, UnsurResult]:
        return {u.key: u for u in self.unsur}

    @property
    def weak_unsur(self) -> tuple[str, ...]:
        return tuple(u.key for u in self.unsur if u.weak)


def display_nrr(value: Number, places: int = 3) -> Decimal:
    """NRR for display (3 decimals by default; 4 also common)."""
    return round_half_up(value, places)


def display_ikm(value: Number, places: int = NIK_DISPLAY_PLACES) -> Decimal:
    """IKM (25–100) for display, 2 decimals, half-up: the same value the mutu rule uses."""
    return round_half_up(value, places)


# ---------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------


def _validate(sums: Mapping[str, int], respondents: int) -> None:
    if isinstance(respondents, bool) or not isinstance(respondents, int):
        raise IkmInputError("Jumlah responden harus berupa bilangan bulat.")
    if respondents <= 0:
        raise IkmInputError(f"Jumlah responden harus lebih dari 0 (diberikan: {respondents}).")
    unknown = sorted(set(sums) - set(UNSUR))
    if unknown:
        raise IkmInputError(f"Unsur tidak dikenal: {', '.join(map(str, unknown))}.")
    missing = [k for k in UNSUR_KEYS if k not in sums]
    if missing:
        raise IkmInputError(f"Unsur belum lengkap, tidak ada nilai untuk: {', '.join(missing)}.")
    low, high = MIN_ANSWER * respondents, MAX_ANSWER * respondents
    for key in UNSUR_KEYS:
        total = sums[key]
        if isinstance(total, bool) or not isinstance(total, int):
            raise IkmInputError(f"Jumlah nilai unsur {key} harus berupa bilangan bulat.")
        if not low <= total <= high:
            raise IkmInputError(
                f"Jumlah nilai unsur {key} ({total}) di luar rentang {low}–{high} "
                f"untuk {respondents} responden."
            )


def _compute(
    sums: Mapping[str, int], respondents: int, weight: Fraction, variant: str
) -> IkmResult:
    _validate(sums, respondents)
    rows = []
    for key in UNSUR_KEYS:
        nrr = Fraction(sums[key], respondents)
        converted = nrr * CONVERSION_FACTOR
        rows.append(
            UnsurResult(
                key=key,
                total=sums[key],
                nrr=nrr,
                nrr_weighted=nrr * weight,
                converted=converted,
                mutu=mutu_for_nik(converted),
            )
        )
    ikm = sum((r.nrr_weighted for r in rows), Fraction(0))
    ikm_converted = ikm * CONVERSION_FACTOR
    return IkmResult(
        variant=variant,
        weight=weight,
        respondents=respondents,
        unsur=tuple(rows),
        ikm=ikm,
        ikm_converted=ikm_converted,
        mutu=mutu_for_nik(ikm_converted),
    )


def ikm_compute(sums: Mapping[str, int], respondents: int) -> IkmResult:
    """IKM per PermenPAN-RB 14/2017 with the exact weight 1/9.

    ``sums`` maps each of the nine unsur keys to Σ of the answers (1–4) over the
    ``respondents`` completed questionnaires. Raises ``IkmInputError``.
    """
    return _compute(sums, respondents, WEIGHT, VARIANT_EXACT)


def ikm_compute_template_0111(sums: Mapping[str, int], respondents: int) -> IkmResult:
    """TEMPLATE VARIANT — weight 0,111 as written in the circulated processing sheet.

    Not the exact regulation arithmetic: the result is 0.999 × ``ikm_compute`` (e.g. all
    answers 4 → 99,90 instead of 100,00). Report it only beside the exact figure, labelled.
    """
    return _compute(sums, respondents, WEIGHT_TEMPLATE_0111, VARIANT_TEMPLATE_0111)


# ---------------------------------------------------------------------------
# Sample size — Krejcie & Morgan (1970), as prescribed by PermenPAN-RB 14/2017
# ---------------------------------------------------------------------------

#: (population N, sample S) rows of the Krejcie & Morgan (1970) table (docs/domain/skm-ikm.md, sample size).
KREJCIE_MORGAN_TABLE: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40),
    (50, 44), (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70),
    (90, 73), (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103),
    (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132), (210, 136),
    (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162),
    (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196),
    (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234),
    (650, 242), (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274),
    (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306),
    (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327),
    (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351),
    (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)  # fmt: skip
KREJCIE_MORGAN_MAX_SAMPLE = 384


def krejcie_morgan_min_sample(population: int) -> int:
    """Minimum sample for ``population`` from the Krejcie & Morgan table.

    Rule (design decision; docs/domain/skm-ikm.md, sample size: common practice, unconfirmed as a
    regulation rule): a population between two rows takes the NEXT LARGER row
    (conservative); above 1,000,000 the sample is 384. The sample never exceeds the
    population: when the row's S is larger than N (small N, e.g. N = 11 → row 15 → 14)
    the whole population is required (census). Population 0 needs 0.
    """
    if isinstance(population, bool) or not isinstance(population, int):
        raise IkmInputError("Jumlah populasi harus berupa bilangan bulat.")
    if population < 0:
        raise IkmInputError(f"Jumlah populasi tidak boleh negatif (diberikan: {population}).")
    for table_n, table_s in KREJCIE_MORGAN_TABLE:
        if population <= table_n:
            return min(population, table_s)
    return KREJCIE_MORGAN_MAX_SAMPLE


def sample_is_adequate(population: int, sample: int) -> bool:
    """True when ``sample`` completed questionnaires meet the Krejcie–Morgan minimum."""
    if isinstance(sample, bool) or not isinstance(sample, int):
        raise IkmInputError("Jumlah sampel harus berupa bilangan bulat.")
    if sample < 0:
        raise IkmInputError(f"Jumlah sampel tidak boleh negatif (diberikan: {sample}).")
    return sample >= krejcie_morgan_min_sample(population)
