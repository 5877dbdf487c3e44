"""Fixtures of the evaluation tests."""

import pytest

from tests.reporting.evaluation.factories import make_instrument, make_period


@pytest.fixture
def period(bontang):
    return make_period(make_instrument())
