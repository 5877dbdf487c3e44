import pytest

from reporting.constants import SurveyChannel
from reporting.models import SurveyResponse
from reporting.selectors import Slice, ikm_for
from reporting.services.survey import SurveyInputError, survey_response_submit

from .factories import all_answers

pytestmark = pytest.mark.django_db


def test_one_response_per_application(finished, quarter):
    survey_response_submit(
        answers=all_answers(4), channel=SurveyChannel.TRACKING, application=finished
    )
    with pytest.raises(SurveyInputError, match="already been surveyed"):
        survey_response_submit(
            answers=all_answers(1), channel=SurveyChannel.TRACKING, application=finished
        )
    assert SurveyResponse.objects.count() == 1
    figure = ikm_for(Slice.of(quarter, kecamatan=finished.kecamatan_id))
    assert figure.respondents == 1 and figure.population == 1 and figure.adequate
    assert figure.result.ikm_converted == 100
