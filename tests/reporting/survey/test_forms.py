"""The questionnaire form: built from a SurveyVersion, shaped for survey_response_submit."""

import pytest

from reporting.models import SurveySettings
from reporting.survey.constants import ANSWER_FIELDS, SurveyChannel
from reporting.survey.forms import SERVICE_OTHER, SurveyForm
from reporting.survey.ikm import UNSUR_KEYS
from reporting.survey.services import survey_response_submit, survey_version_current
from tests.reporting.factories import all_answers

pytestmark = pytest.mark.django_db


def post(answers=None, **extra) -> dict:
    """Form data: the nine answers as their field names, plus ``extra`` fields."""
    answers = all_answers(4) if answers is None else answers
    return {ANSWER_FIELDS[key]: str(value) for key, value in answers.items()} | extra


def configure(**options):
    config = SurveySettings.load()
    for name, value in options.items():
        setattr(config, name, value)
    config.save()
    return survey_version_current()


@pytest.fixture
def version():
    return survey_version_current()


class TestQuestions:
    def test_nine_questions_in_questionnaire_order(self, version):
        form = SurveyForm(version=version)
        assert form.question_names == [ANSWER_FIELDS[key] for key in UNSUR_KEYS]
        numbers = [field.field.unsur_number for field in form.question_fields]
        assert numbers == list(range(1, 10))
        # U8 is sarana and U9 pengaduan on the questionnaire (docs/domain/skm-ikm.md, the nine unsur).
        assert [f.field.unsur_key for f in form.question_fields][7:] == ["sarana", "pengaduan"]

    def test_each_question_offers_the_versions_four_labels(self, version):
        form = SurveyForm(version=version)
        for field in form.question_fields:
            question = version.question(field.field.unsur_key)
            assert field.label == question["text"]
            assert [label for _value, label in field.field.choices] == question["labels"]
            assert [value for value, _label in field.field.choices] == [1, 2, 3, 4]

    def test_edited_labels_come_from_the_version(self):
        from reporting.models import SurveyQuestion

        SurveyQuestion.objects.filter(unsur="waktu").update(label_4="Cepat sekali")
        form = SurveyForm(version=survey_version_current())
        assert form.fields["u_waktu"].choices[-1] == (4, "Cepat sekali")

    def test_radios_render_as_large_labelled_choices(self, version):
        html = SurveyForm(version=version).render()
        assert html.count('type="radio"') >= 36
        assert 'class="sv-choice"' in html and "Sangat sesuai" in html
        assert "<script" not in html

    def test_valid_answers_are_integers_by_unsur_key(self, version):
        form = SurveyForm(version=version, data=post(all_answers(3, waktu=2, biaya=4)))
        assert form.is_valid(), form.errors
        assert form.answers() == all_answers(3, waktu=2, biaya=4)

    def test_a_missing_answer_is_an_error_on_that_question(self, version):
        answers = all_answers(4)
        del answers["pengaduan"]
        form = SurveyForm(version=version, data=post(answers))
        assert not form.is_valid()
        assert list(form.errors) == ["u_pengaduan"]

    @pytest.mark.parametrize("bad", ["0", "5", "x", "3.5", ""])
    def test_an_answer_outside_1_to_4_is_refused(self, version, bad):
        data = post() | {"u_biaya": bad}
        form = SurveyForm(version=version, data=data)
        assert not form.is_valid()
        assert "u_biaya" in form.errors


class TestProfile:
    def test_default_profile_fields_are_optional(self, version):
        form = SurveyForm(version=version, data=post())
        assert form.profile_names == [
            "gender",
            "age",
            "education",
            "occupation",
            "occupation_other",
        ]
        assert form.is_valid(), form.errors
        assert form.profile() == {
            "gender": "",
            "age": None,
            "education": "",
            "occupation": "",
            "occupation_other": "",
        }

    def test_only_the_fields_the_version_asks(self):
        version = configure(ask_age=False, ask_occupation=False)
        form = SurveyForm(version=version, data=post(gender="P", education="sma", age="30"))
        assert form.profile_names == ["gender", "education"]
        assert "age" not in form.fields and "occupation" not in form.fields
        assert form.is_valid(), form.errors
        assert form.profile() == {"gender": "P", "education": "sma"}

    def test_required_profile(self):
        version = configure(profile_required=True)
        form = SurveyForm(version=version, data=post())
        assert not form.is_valid()
        assert {"gender", "age", "education", "occupation"} <= set(form.errors)
        assert "occupation_other" not in form.errors

    @pytest.mark.parametrize("age", ["14", "111", "tiga puluh"])
    def test_age_out_of_range_is_refused(self, version, age):
        form = SurveyForm(version=version, data=post(age=age))
        assert not form.is_valid()
        assert list(form.errors) == ["age"]

    def test_other_occupation_is_kept_only_with_other(self, version):
        form = SurveyForm(
            version=version, data=post(occupation="lainnya", occupation_other=" Nelayan ")
        )
        assert form.is_valid(), form.errors
        assert form.profile()["occupation_other"] == "Nelayan"
        form = SurveyForm(version=version, data=post(occupation="pns", occupation_other="Nelayan"))
        assert form.is_valid(), form.errors
        assert form.profile()["occupation"] == "pns"
        assert form.profile()["occupation_other"] == ""

    def test_unknown_choice_is_refused(self, version):
        form = SurveyForm(version=version, data=post(gender="X", education="sd"))
        assert not form.is_valid()
        assert list(form.errors) == ["gender"]


class TestSuggestionsAndService:
    def test_suggestion_box_follows_the_version(self):
        form = SurveyForm(version=survey_version_current(), data=post(suggestion="  Bagus  "))
        assert form.is_valid(), form.errors
        assert form.suggestion() == "Bagus"
        version = configure(ask_suggestions=False)
        form = SurveyForm(version=version, data=post(suggestion="Bagus"))
        assert "suggestion" not in form.fields
        assert form.is_valid(), form.errors
        assert form.suggestion() == ""

    def test_no_service_field_unless_services_given(self, version):
        form = SurveyForm(version=version, data=post())
        assert "service" not in form.fields
        assert form.is_valid(), form.errors
        assert form.service() is None

    def test_service_choice(self, version, service):
        form = SurveyForm(version=version, services=[service], data=post(service=str(service.pk)))
        assert form.is_valid(), form.errors
        assert form.service() == service

    def test_service_other_or_unknown(self, version, service):
        form = SurveyForm(version=version, services=[service], data=post(service=SERVICE_OTHER))
        assert form.is_valid(), form.errors
        assert form.service() is None
        missing = SurveyForm(version=version, services=[service], data=post())
        assert not missing.is_valid() and list(missing.errors) == ["service"]
        foreign = SurveyForm(version=version, services=[service], data=post(service="999999"))
        assert not foreign.is_valid() and list(foreign.errors) == ["service"]

    def test_cleaned_values_feed_the_service(self, version, utara):
        data = post(
            all_answers(4, waktu=2),
            gender="L",
            age="41",
            occupation="lainnya",
            occupation_other="Petani",
            suggestion="Antrean lama",
        )
        form = SurveyForm(version=version, data=data)
        assert form.is_valid(), form.errors
        response = survey_response_submit(
            channel=SurveyChannel.PAPER, kecamatan=utara, **form.submit_kwargs()
        )
        assert response.answers == all_answers(4, waktu=2)
        assert (response.gender, response.age, response.occupation_other) == ("L", 41, "Petani")
        assert response.suggestion == "Antrean lama"
        assert response.version == version
