"""Fixtures of the survey tests."""

import pytest


@pytest.fixture
def no_respondent_floor(db):
    """No floor of 30 respondents, for tests of the Krejcie–Morgan rule on small samples
    (``TestRespondentFloor`` in test_publication.py tests the default)."""
    from reporting.models import SurveySettings

    config = SurveySettings.load()
    config.public_min_respondents = 0
    config.save()
