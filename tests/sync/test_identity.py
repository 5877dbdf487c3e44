"""Identity rules: tracking codes issued offline cannot collide (docs/sync.md §6)."""

import pytest

from forms_builder import tracking


@pytest.fixture
def same_randomness(monkeypatch):
    """Every installation draws exactly the same random symbols."""
    monkeypatch.setattr(tracking.secrets, "choice", lambda alphabet: alphabet[7])


def test_codes_forced_to_collide_still_differ_between_installations(same_randomness):
    central = tracking.tracking_code_new()
    first = tracking.tracking_code_new(prefix="00")
    second = tracking.tracking_code_new(prefix="01")
    assert len(central) == 10
    assert len(first) == len(second) == 11
    assert len({central, first, second}) == 3
    for code in (central, first, second):
        assert tracking.parse(tracking.display(code)) == code


def test_instance_codes_keep_the_check_symbol():
    code = tracking.tracking_code_new(prefix="0Z")
    assert code.startswith("0Z")
    for i, original in enumerate(code):
        for symbol in tracking.ALPHABET:
            if symbol != original:
                assert not tracking.is_valid(code[:i] + symbol + code[i + 1 :])


@pytest.mark.parametrize("prefix", ["0", "ABC", "0I", "ou"])
def test_bad_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        tracking.tracking_code_new(prefix=prefix)


def test_display_of_an_instance_code():
    assert tracking.display("ABCDEFGHJKM") == "ABCD-EFGH-JKM"
