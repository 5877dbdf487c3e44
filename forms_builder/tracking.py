"""Tracking codes: short enough to read over the phone, impossible to guess.

A code is 9 random symbols of Crockford's base32 (no I, L, O, U: 45 bits from
``secrets``) plus one check symbol, shown in groups as ``ABCD-EFGH-JK``.

The check symbol makes the Horner sum of all ten symbols zero in GF(32) (polynomial
x⁵ + x² + 1, multiplier ``x``): a single wrong symbol changes the sum by
``x^k · δ`` ≠ 0, and swapping two different neighbours changes it by
``x^k · (a + b) · (x + 1)`` ≠ 0. So every single-symbol typo and every adjacent
transposition is caught (a Damm-style check over the field of 32 elements), and
the tracker can tell "you mistyped it" from "no such application".

An offline kecamatan instance issues **11-symbol** codes: its 2-symbol prefix (allocated
once by the central, never reused), 8 random symbols and the check symbol
(``ABCD-EFGH-JKL``). A code of one length never equals a code of the other, and two
instances never share a prefix, so codes issued offline cannot collide with the
central's or with another instance's (docs/sync.md §6).
"""

import secrets

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Crockford's decoding aliases: letters people write for digits.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1
PREFIX_LENGTH = 2
# Central codes, and offline instances' codes (prefix + 8 random + check).
LENGTHS = (LENGTH, LENGTH + 1)
_MODULUS = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


class TrackingCodeError(ValueError):
    """A code that cannot be valid: ``reason`` is ``format`` or ``check``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        """What a citizen reads: which mistake, and where to check the code."""
        if self.reason == "check":
            return _(
                "This code has a typing mistake: one character is wrong or two are swapped. "
                "Check it against your receipt."
            )
        return _(
            "A tracking code has 10 letters and digits, like ABCD-EFGH-JK. "
            "Check it against your receipt."
        )


def _times_x(value: int) -> int:
    value <<= 1
    if value & 0b100000:
        value ^= _MODULUS
    return value


def _horner(values) -> int:
    total = 0
    for value in values:
        total = _times_x(total) ^ value
    return total


def check_symbol(body: str) -> str:
    """The check symbol for a normalised code body (without its check symbol)."""
    # Appending c gives x·h ⊕ c, which is zero for c = x·h (characteristic 2).
    return ALPHABET[_times_x(_horner(_VALUE[symbol] for symbol in body))]


def tracking_code_new(prefix: str = "") -> str:
    """A fresh normalised code: 10 symbols, or with an instance's ``prefix`` 11."""
    if prefix and (len(prefix) != PREFIX_LENGTH or set(prefix) - set(ALPHABET)):
        raise ValueError(f"bad tracking code prefix {prefix!r}")
    random_length = RANDOM_LENGTH - 1 if prefix else RANDOM_LENGTH
    body = prefix + "".join(secrets.choice(ALPHABET) for _ in range(random_length))
    return body + check_symbol(body)


def normalise(raw: str) -> str:
    """Upper case, without dashes or spaces, I/L read as 1 and O as 0."""
    cleaned = "".join((raw or "").split()).replace("-", "").replace("_", "").upper()
    return cleaned.translate(_ALIASES)


def parse(raw: str) -> str:
    """The normalised code, or ``TrackingCodeError`` (``format`` or ``check``)."""
    code = normalise(raw)
    if len(code) not in LENGTHS or any(symbol not in _VALUE for symbol in code):
        raise TrackingCodeError("format")
    if _horner(_VALUE[symbol] for symbol in code) != 0:
        raise TrackingCodeError("check")
    return code


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except TrackingCodeError:
        return False
    return True


def display(code: str) -> str:
    """``ABCDEFGHJK`` → ``ABCD-EFGH-JK``, ``ABCDEFGHJKL`` → ``ABCD-EFGH-JKL``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
