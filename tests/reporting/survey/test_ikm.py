"""Pure tests of reporting.survey.ikm (no DB). Vectors: docs/domain/skm-ikm.md, test vectors V1 and V4."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.survey import ikm
from reporting.survey.ikm import (
    UNSUR,
    UNSUR_KEYS,
    IkmInputError,
    Mutu,
    display_ikm,
    ikm_compute,
    ikm_compute_template_0111,
    krejcie_morgan_min_sample,
    mutu_for_ni,
    mutu_for_nik,
    round_half_up,
    sample_is_adequate,
)


def uniform(answer: int, n: int) -> dict[str, int]:
    """Σ per unsur when every respondent answers ``answer`` on every unsur."""
    return dict.fromkeys(UNSUR_KEYS, answer * n)


def expected_ikm_converted(sums: dict[str, int], n: int, weight: Fraction) -> Fraction:
    """Regulation definition: Σ_i (Σ_i / n) × w, × 25 (docs/domain/skm-ikm.md, the formula)."""
    return sum((Fraction(sums[k], n) * weight for k in UNSUR_KEYS), Fraction(0)) * 25


# --- unsur keys ------------------------------------------------------------


def test_nine_unsur_stored_by_key_with_both_numberings():
    assert len(UNSUR) == 9
    assert UNSUR_KEYS == (
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "produk",
        "kompetensi",
        "perilaku",
        "sarana",
        "pengaduan",
    )
    # Questionnaire U8 = sarana, U9 = pengaduan; regulation body: pengaduan 8, sarana 9.
    assert (UNSUR["sarana"].questionnaire_number, UNSUR["sarana"].body_number) == (8, 9)
    assert (UNSUR["pengaduan"].questionnaire_number, UNSUR["pengaduan"].body_number) == (9, 8)
    assert ikm.UNSUR_KEYS_BODY_ORDER[-2:] == ("pengaduan", "sarana")
    assert ikm.WEIGHT == Fraction(1, 9)


# --- V1: Disdukcapil Tulang Bawang Barat, n = 1, all answers 4 --------------


def test_v1_tubaba_single_respondent_all_four():
    result = ikm_compute(uniform(4, 1), 1)
    for row in result.unsur:
        assert row.total == 4
        assert row.nrr == 4
        assert row.nrr_weighted == Fraction(4, 9)
        assert ikm.display_nrr(row.nrr_weighted, 2) == Decimal("0.44")  # "0.44 each" shown
    assert result.ikm == 4  # Σ tertimbang shown: 4
    assert display_ikm(result.ikm_converted) == Decimal("100.00")  # IKM shown: 100
    assert result.mutu is Mutu.A
    assert result.kinerja == "Sangat baik"
    assert result.weak_unsur == ()


def test_v1_template_0111_gives_99_90():
    # docs/domain/skm-ikm.md, test vectors V1: "With w = 0,111 the result would be 99.90".
    result = ikm_compute_template_0111(uniform(4, 1), 1)
    assert result.variant == ikm.VARIANT_TEMPLATE_0111
    assert result.ikm_converted == Fraction(9990, 100)
    assert display_ikm(result.ikm_converted) == Decimal("99.90")
    assert result.mutu is Mutu.A
    assert ikm_compute(uniform(4, 1), 1).ikm_converted != result.ikm_converted


# --- V4: regulation-derived vectors -----------------------------------------


@pytest.mark.parametrize("n", [1, 2, 29, 100, 1000])
def test_v4_all_answers_one(n):
    result = ikm_compute(uniform(1, n), n)
    assert all(row.nrr == 1 for row in result.unsur)
    assert display_ikm(result.ikm_converted) == Decimal("25.00")
    assert result.mutu is Mutu.D
    assert result.kinerja == "Tidak baik"
    assert result.weak_unsur == UNSUR_KEYS


@pytest.mark.parametrize("n", [1, 2, 29, 100, 1000])
def test_v4_all_answers_four(n):
    result = ikm_compute(uniform(4, n), n)
    assert display_ikm(result.ikm_converted) == Decimal("100.00")
    assert result.mutu is Mutu.A


@pytest.mark.parametrize(
    ("nik", "mutu"),
    [
        ("25.00", Mutu.D),
        ("64.99", Mutu.D),
        ("65.00", Mutu.C),
        ("76.60", Mutu.C),
        ("76.61", Mutu.B),
        ("88.30", Mutu.B),
        ("88.31", Mutu.A),
        ("100.00", Mutu.A),
    ],
)
def test_v4_band_edges_nik(nik, mutu):
    assert mutu_for_nik(Decimal(nik)) is mutu


@pytest.mark.parametrize(
    ("ni", "mutu"),
    [
        ("1.00", Mutu.D),
        ("2.5996", Mutu.D),
        ("2.60", Mutu.C),
        ("3.064", Mutu.C),
        ("3.0644", Mutu.B),
        ("3.532", Mutu.B),
        ("3.5324", Mutu.A),
        ("4.00", Mutu.A),
    ],
)
def test_v4_band_edges_ni(ni, mutu):
    assert mutu_for_ni(Decimal(ni)) is mutu


@pytest.mark.parametrize(
    ("nik", "mutu"),
    [
        # Gap rule: round half-up to 2 decimals, then compare with the table bounds.
        ("64.994", Mutu.D),
        ("64.995", Mutu.C),
        ("76.604999", Mutu.C),
        ("76.605", Mutu.B),
        ("88.304999", Mutu.B),
        ("88.305", Mutu.A),
    ],
)
def test_gap_rule_inside_gaps(nik, mutu):
    assert mutu_for_nik(Decimal(nik)) is mutu


def test_gap_rule_with_exact_fractions():
    # A real IKM inside a gap: (76.60 + 76.61) / 2 exactly = 76.605 → shown 76.61 → B.
    assert mutu_for_nik(Fraction(76605, 1000)) is Mutu.B
    assert mutu_for_nik(Fraction(76605, 1000) - Fraction(1, 10**9)) is Mutu.C
    # NI scale agrees with NIK scale: 3.0642 × 25 = 76.605.
    assert mutu_for_ni(Decimal("3.0642")) is Mutu.B


def test_kinerja_labels_follow_regulation():
    assert [m.kinerja for m in (Mutu.D, Mutu.C, Mutu.B, Mutu.A)] == [
        "Tidak baik",
        "Kurang baik",
        "Baik",
        "Sangat baik",
    ]
    assert [m.nilai_persepsi for m in (Mutu.D, Mutu.C, Mutu.B, Mutu.A)] == [1, 2, 3, 4]


# --- mixed data, weak unsur, display rounding ---------------------------------


def test_mixed_sums_follow_definition_and_flag_weak_unsur():
    n = 10
    sums = dict.fromkeys(UNSUR_KEYS, 35)  # NRR 3.5 → 87.5 → B
    sums["waktu"] = 25  # NRR 2.5 → 62.5 → D
    sums["biaya"] = 30  # NRR 3.0 → 75.0 → C
    sums["sarana"] = 40  # NRR 4.0 → 100 → A
    result = ikm_compute(sums, n)
    by_key = result.by_key
    assert by_key["waktu"].converted == Fraction(125, 2)
    assert by_key["waktu"].mutu is Mutu.D
    assert by_key["biaya"].mutu is Mutu.C
    assert by_key["sarana"].mutu is Mutu.A
    assert by_key["persyaratan"].mutu is Mutu.B
    assert result.weak_unsur == ("waktu", "biaya")
    assert result.ikm_converted == expected_ikm_converted(sums, n, Fraction(1, 9))
    # 25 × mean NRR = 25 × (6 × 3.5 + 2.5 + 3 + 4) / 9 = 25 × 30.5 / 9
    assert result.ikm_converted == Fraction(25 * 305, 90)
    assert display_ikm(result.ikm_converted) == Decimal("84.72")
    assert result.mutu is Mutu.B


def test_exact_arithmetic_no_float():
    result = ikm_compute(uniform(3, 7), 7)
    assert isinstance(result.ikm, Fraction)
    assert isinstance(result.ikm_converted, Fraction)
    assert result.ikm_converted == 75  # not 74.99999…
    assert result.mutu is Mutu.C


def test_template_variant_is_0999_of_exact_and_can_change_category():
    # Exact NIK just above the A edge (shown 88.31 → A); × 0.999 ≈ 88.22 → B.
    n = 100
    sums = dict.fromkeys(UNSUR_KEYS, 353)
    sums["persyaratan"] = 355  # Σ = 3179 → NIK = 25 × 31.79 / 9 = 88.305… → 88.31
    exact = ikm_compute(sums, n)
    template = ikm_compute_template_0111(sums, n)
    assert template.ikm_converted == exact.ikm_converted * Fraction(999, 1000)
    assert display_ikm(exact.ikm_converted) == Decimal("88.31")
    assert exact.mutu is Mutu.A
    assert template.mutu is Mutu.B


def test_round_half_up_is_exact():
    assert round_half_up(Fraction(1, 8), 2) == Decimal("0.13")  # 0.125 → 0.13
    assert round_half_up(Decimal("2.675"), 2) == Decimal("2.68")  # float would give 2.67
    assert round_half_up(Fraction(-1, 8), 2) == Decimal("-0.13")
    assert round_half_up(Fraction(10, 3), 3) == Decimal("3.333")


# --- validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sums", "respondents", "fragment"),
    [
        (uniform(4, 1), 0, "lebih dari 0"),
        (uniform(4, 1), -3, "lebih dari 0"),
        ({**uniform(4, 1), "transparansi": 4}, 1, "tidak dikenal"),
        ({k: v for k, v in uniform(4, 1).items() if k != "sarana"}, 1, "belum lengkap"),
        ({**uniform(3, 5), "biaya": 4}, 5, "di luar rentang"),
        ({**uniform(3, 5), "biaya": 21}, 5, "di luar rentang"),
        ({**uniform(3, 5), "biaya": 15.0}, 5, "bilangan bulat"),
        (uniform(3, 5), 5.0, "bilangan bulat"),
    ],
)
def test_validation_errors(sums, respondents, fragment):
    with pytest.raises(IkmInputError, match=fragment):
        ikm_compute(sums, respondents)
    with pytest.raises(ValueError):
        ikm_compute_template_0111(sums, respondents)


def test_boundary_sums_are_accepted():
    n = 5
    low = ikm_compute({**uniform(3, n), "biaya": n}, n)
    high = ikm_compute({**uniform(3, n), "biaya": 4 * n}, n)
    assert low.by_key["biaya"].nrr == 1
    assert high.by_key["biaya"].nrr == 4


# --- hypothesis over the computation -----------------------------------------------


@st.composite
def survey(draw):
    n = draw(st.integers(min_value=1, max_value=2000))
    sums = {k: draw(st.integers(min_value=n, max_value=4 * n)) for k in UNSUR_KEYS}
    return sums, n


def band_of(value: Decimal) -> Mutu:
    """Independent restatement of the PermenPAN-RB 14/2017 table on shown values."""
    if Decimal("88.31") <= value <= Decimal("100.00"):
        return Mutu.A
    if Decimal("76.61") <= value <= Decimal("88.30"):
        return Mutu.B
    if Decimal("65.00") <= value <= Decimal("76.60"):
        return Mutu.C
    assert Decimal("25.00") <= value <= Decimal("64.99")
    return Mutu.D


@given(survey())
def test_property_range_definition_and_category(data):
    sums, n = data
    result = ikm_compute(sums, n)
    assert 25 <= result.ikm_converted <= 100
    assert result.ikm_converted == expected_ikm_converted(sums, n, Fraction(1, 9))
    assert result.ikm_converted == 25 * sum(r.nrr for r in result.unsur) / 9
    assert result.mutu is band_of(display_ikm(result.ikm_converted))
    for row in result.unsur:
        assert row.mutu is band_of(display_ikm(row.converted))
        assert row.weak == (row.mutu in (Mutu.C, Mutu.D))
    template = ikm_compute_template_0111(sums, n)
    assert template.ikm_converted == result.ikm_converted * Fraction(999, 1000)


# --- Krejcie & Morgan -------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "sample"),
    [(10, 10), (100, 80), (500, 217), (1000, 278), (2800, 338), (9000, 368), (1000000, 384)],
)
def test_v4_krejcie_morgan_table_points(population, sample):
    assert krejcie_morgan_min_sample(population) == sample


@pytest.mark.parametrize(
    ("population", "sample"),
    [
        (0, 0),
        (1, 1),
        (9, 9),
        (11, 11),  # next row 15 → 14, capped at the population (census)
        (16, 16),
        (36, 36),
        (101, 86),  # next larger row: 110 → 86
        (1001, 285),  # 1100 → 285
        (75001, 384),
        (5_000_000, 384),
    ],
)
def test_krejcie_morgan_between_rows(population, sample):
    assert krejcie_morgan_min_sample(population) == sample


def test_krejcie_morgan_table_matches_formula():
    # docs/domain/skm-ikm.md, sample size: s = χ² N P(1−P) / (d² (N−1) + χ² P(1−P)), χ² = 3.841, P = 0.5,
    # d = 0.05, rounded to the nearest integer, reproduces every published row.
    chi2, p, d = Fraction(3841, 1000), Fraction(1, 2), Fraction(5, 100)
    for population, sample in ikm.KREJCIE_MORGAN_TABLE:
        s = chi2 * population * p * (1 - p) / (d**2 * (population - 1) + chi2 * p * (1 - p))
        assert round_half_up(s, 0) == sample, population
    assert len(ikm.KREJCIE_MORGAN_TABLE) == 90


@given(st.integers(min_value=0, max_value=2_000_000), st.integers(min_value=0, max_value=50_000))
def test_property_krejcie_morgan_monotone_and_bounded(population, delta):
    smaller = krejcie_morgan_min_sample(population)
    larger = krejcie_morgan_min_sample(population + delta)
    assert smaller <= larger
    assert 0 <= smaller <= population
    assert smaller <= 384


def test_sample_is_adequate():
    assert sample_is_adequate(1000, 278)
    assert not sample_is_adequate(1000, 277)
    assert sample_is_adequate(5, 5)
    assert not sample_is_adequate(5, 4)
    assert sample_is_adequate(0, 0)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: krejcie_morgan_min_sample(-1), "negatif"),
        (lambda: krejcie_morgan_min_sample(10.0), "bilangan bulat"),
        (lambda: sample_is_adequate(100, -1), "negatif"),
        (lambda: sample_is_adequate(-5, 3), "negatif"),
    ],
)
def test_sample_validation(call, fragment):
    with pytest.raises(IkmInputError, match=fragment):
        call()
