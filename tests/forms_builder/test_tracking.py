"""Tracking codes: format, randomness, and the check symbol catching typos."""

import pytest

from forms_builder import tracking


def sample_codes(n=50):
    return [tracking.tracking_code_new() for _ in range(n)]


def test_format_and_grouping():
    code = tracking.tracking_code_new()
    assert len(code) == 10
    assert set(code) <= set(tracking.ALPHABET)
    shown = tracking.display(code)
    assert shown.count("-") == 2 and shown.replace("-", "") == code
    assert tracking.parse(shown) == code


def test_alphabet_has_no_ambiguous_letters():
    assert not set("ILOU") & set(tracking.ALPHABET)
    assert len(tracking.ALPHABET) == 32


def test_at_least_45_random_bits():
    assert tracking.RANDOM_LENGTH * 5 >= 45


def test_codes_do_not_repeat():
    codes = sample_codes(5000)
    assert len(set(codes)) == len(codes)


# Each case draws its own fresh code when it runs: codes drawn at collection would differ
# between pytest-xdist workers, which must all collect the same test ids.
@pytest.mark.parametrize("case", range(30))
def test_every_single_substitution_is_caught(case):
    code = tracking.tracking_code_new()
    for i, original in enumerate(code):
        for symbol in tracking.ALPHABET:
            if symbol != original:
                typo = code[:i] + symbol + code[i + 1 :]
                with pytest.raises(tracking.TrackingCodeError) as error:
                    tracking.parse(typo)
                assert error.value.reason == "check"


@pytest.mark.parametrize("case", range(30))
def test_every_adjacent_transposition_is_caught(case):
    code = tracking.tracking_code_new()
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not tracking.is_valid(swapped)


def test_normalisation_reads_what_people_write():
    code = tracking.tracking_code_new()
    messy = " " + tracking.display(code).lower() + " "
    assert tracking.parse(messy) == code
    with_letters = code.replace("1", "I").replace("0", "O")
    assert tracking.parse(with_letters) == code
    assert tracking.normalise("ab-cd l") == "ABCD1"


@pytest.mark.parametrize("raw", ["", "ABC", "ABCD-EFGH-JKXY", "ABCD-EFGH-J!", "UUUU-UUUU-UU"])
def test_wrong_format(raw):
    with pytest.raises(tracking.TrackingCodeError) as error:
        tracking.parse(raw)
    assert error.value.reason == "format"
