"""Public survey pages: by tracking code (once per finished application), the tracker's
link, and the kiosk tablet with its abuse limits."""

import re

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

import pytest

from forms_builder import tracking
from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState
from paten.log_redaction import redact
from reporting.models import SurveyKiosk, SurveyResponse, SurveySettings
from reporting.survey import views as survey_views
from reporting.survey.constants import ANSWER_FIELDS, SurveyChannel
from reporting.survey.forms import SERVICE_OTHER
from reporting.survey.services import survey_response_submit
from tests.forms_builder.factories import submit
from tests.reporting.factories import all_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
S = ApplicationState


def survey_url(application) -> str:
    return reverse("reporting:survey", args=[application.tracking_code])


def answers_post(answers=None, **extra) -> dict:
    answers = all_answers(4) if answers is None else answers
    return {ANSWER_FIELDS[key]: str(value) for key, value in answers.items()} | extra


def text(response) -> str:
    return response.content.decode()


def limits(**options) -> SurveySettings:
    config = SurveySettings.load()
    for name, value in options.items():
        setattr(config, name, value)
    config.save()
    return config


class TestStart:
    def test_urls_are_indonesian(self, finished):
        assert reverse("reporting:survey_start") == "/survei/"
        assert survey_url(finished) == f"/survei/{finished.tracking_code}/"
        assert reverse("reporting:kiosk", args=["abc"]) == "/survei/kios/abc/"

    def test_form_to_type_the_code(self, client):
        response = client.get("/survei/")
        assert response.status_code == 200
        assert 'name="kode"' in text(response)
        assert '<meta name="robots" content="noindex">' in text(response)

    def test_a_typed_code_is_posted_and_goes_to_its_questionnaire(self, client, finished):
        assert 'method="post"' in text(client.get("/survei/"))
        typed = finished.display_code.lower()
        response = client.post("/survei/", {"kode": typed})
        assert response.status_code == 302
        assert response.url == survey_url(finished)
        # The code travels as a path segment, which the access log redacts.
        assert finished.tracking_code not in redact(f'"GET {response.url} HTTP/1.1"')

    def test_an_old_link_with_the_code_in_the_query_still_works(self, client, finished):
        response = client.get("/survei/", {"kode": finished.display_code})
        assert response.status_code == 302
        assert response.url == survey_url(finished)

    def test_a_mistyped_code_is_explained(self, client, finished):
        code = finished.tracking_code
        swapped = code[1] + code[0] + code[2:] if code[0] != code[1] else code[::-1]
        response = client.post("/survei/", {"kode": swapped})
        assert response.status_code == 400
        assert "salah ketik" in text(response)

    def test_a_malformed_code_is_explained(self, client):
        response = client.post("/survei/", {"kode": "12"})
        assert response.status_code == 400
        assert "10 huruf dan angka" in text(response)


class TestSurveyByCode:
    def test_finished_application_shows_the_questionnaire(self, client, finished):
        response = client.get(survey_url(finished))
        assert response.status_code == 200
        content = text(response)
        assert content.count('type="radio" name="u_') == 36
        assert finished.service.title in content and "Bontang Utara" in content
        assert finished.display_code in content

    def test_no_personal_data_on_the_page(self, client, finished):
        # The survey says it is anonymous: not even the applicant's initials are shown.
        content = text(client.get(survey_url(finished)))
        assert finished.applicant_initials not in content
        assert "Pemohon" not in content
        assert finished.applicant_name not in content
        assert finished.applicant_email not in content

    def test_lower_case_code_redirects_to_the_canonical_url(self, client, finished):
        response = client.get(f"/survei/{finished.display_code.lower()}/")
        assert response.status_code == 302
        assert response.url == survey_url(finished)

    def test_submit_records_one_tracking_response(self, client, finished):
        data = answers_post(all_answers(4, waktu=3), gender="P", age="35", suggestion="Cepat")
        response = client.post(survey_url(finished), data)
        assert response.status_code == 302
        assert response.url == reverse("reporting:survey_thanks")
        saved = SurveyResponse.objects.get()
        assert saved.channel == SurveyChannel.TRACKING
        assert saved.application == finished
        assert (saved.kecamatan, saved.service) == (finished.kecamatan, finished.service)
        assert saved.answers == all_answers(4, waktu=3)
        assert (saved.gender, saved.age, saved.suggestion) == ("P", 35, "Cepat")
        thanks = client.get(response.url)
        assert thanks.status_code == 200
        assert "Terima kasih telah mengisi survei!" in text(thanks)

    def test_handed_over_application_may_answer(self, client, finished, staff):
        handed_over = application_transition(
            application=finished, to_state=S.HANDED_OVER, actor=staff["loket"]
        )
        response = client.post(survey_url(handed_over), answers_post())
        assert response.status_code == 302
        assert SurveyResponse.objects.filter(application=handed_over).exists()

    def test_unfinished_application_is_refused(self, client, service, utara):
        application = submit(service, utara)
        page = client.get(survey_url(application))
        assert page.status_code == 200
        assert "belum selesai" in text(page)
        assert 'type="radio"' not in text(page)
        response = client.post(survey_url(application), answers_post())
        assert response.status_code == 409
        assert "belum selesai" in text(response)
        assert not SurveyResponse.objects.exists()

    def test_unknown_code_is_refused(self, client, finished):
        code = tracking.tracking_code_new()
        while code == finished.tracking_code:
            code = tracking.tracking_code_new()
        response = client.get(f"/survei/{code}/")
        assert response.status_code == 404
        assert "Tidak ada permohonan dengan kode ini" in text(response)
        response = client.post(f"/survei/{code}/", answers_post())
        assert response.status_code == 404
        assert not SurveyResponse.objects.exists()

    @pytest.mark.parametrize("code", ["kios", "ABCD", "<script>", "0" * 40])
    def test_malformed_code_in_the_url_is_a_404(self, client, code):
        response = client.get(f"/survei/{code}/")
        assert response.status_code == 404
        assert "<script>" not in text(response).split("<main", 1)[1]

    def test_already_answered_says_so(self, client, finished):
        survey_response_submit(
            answers=all_answers(4), channel=SurveyChannel.TRACKING, application=finished
        )
        page = client.get(survey_url(finished))
        assert page.status_code == 200
        assert "sudah mengisi" in text(page)
        assert 'type="radio"' not in text(page)

    def test_double_post_shows_already_answered(self, client, finished):
        first = client.post(survey_url(finished), answers_post())
        second = client.post(survey_url(finished), answers_post(all_answers(1)))
        assert first.status_code == 302
        assert second.status_code == 409
        assert "sudah mengisi" in text(second)
        assert SurveyResponse.objects.get().answers == all_answers(4)

    def test_concurrent_post_shows_already_answered(self, client, finished, monkeypatch):
        """Another request saved between this request's check and its insert."""
        real_submit = survey_views.survey_response_submit

        def submit_after_a_concurrent_one(**kwargs):
            real_submit(
                answers=all_answers(2), channel=SurveyChannel.TRACKING, application=finished
            )
            return real_submit(**kwargs)

        monkeypatch.setattr(survey_views, "survey_response_submit", submit_after_a_concurrent_one)
        response = client.post(survey_url(finished), answers_post())
        assert response.status_code == 409
        assert "sudah mengisi" in text(response)
        assert SurveyResponse.objects.get().answers == all_answers(2)

    def test_missing_answers_show_errors(self, client, finished):
        answers = all_answers(4)
        del answers["sarana"]
        response = client.post(survey_url(finished), answers_post(answers))
        assert response.status_code == 400
        assert "Silakan pilih satu jawaban." in text(response)
        assert 'value="4" required id="id_u_waktu_3" checked' in text(response)
        assert not SurveyResponse.objects.exists()

    @pytest.mark.parametrize(
        "garbage",
        [
            {"u_waktu": "9"},
            {"u_waktu": "<b>1</b>"},
            {"age": "-3"},
            {"gender": "Z"},
            {"suggestion": "x" * 5000},
        ],
    )
    def test_bad_input_is_a_400_not_a_500(self, client, finished, garbage):
        response = client.post(survey_url(finished), answers_post() | garbage)
        assert response.status_code == 400
        assert not SurveyResponse.objects.exists()

    def test_lookups_are_rate_limited(self, client, finished, settings):
        settings.FORMS_BUILDER_LOOKUP_RATE = (2, 600)
        codes = [client.get(survey_url(finished)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        response = client.post(survey_url(finished), answers_post())
        assert response.status_code == 429
        assert "Terlalu banyak pencarian" in text(response)
        assert not SurveyResponse.objects.exists()

    def test_sets_no_language_cookie(self, client, finished):
        response = client.get(survey_url(finished))
        assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies


class TestTrackerLink:
    def track(self, client, application) -> str:
        response = client.get(
            reverse("forms_builder:track"), {"kode": application.display_code}, follow=True
        )
        assert response.status_code == 200
        return text(response)

    def test_finished_application_links_to_the_survey(self, client, finished):
        content = self.track(client, finished)
        assert f'href="{survey_url(finished)}"' in content
        assert "Isi survei kepuasan" in content

    def test_surveyed_application_says_thank_you(self, client, finished):
        survey_response_submit(
            answers=all_answers(3), channel=SurveyChannel.TRACKING, application=finished
        )
        content = self.track(client, finished)
        assert "Terima kasih, survei sudah diisi." in content
        assert survey_url(finished) not in content

    def test_unfinished_application_has_no_survey(self, client, service, utara):
        content = self.track(client, submit(service, utara))
        assert "/survei/" not in content
        assert "survei sudah diisi" not in content


@pytest.fixture
def kiosk(utara):
    return SurveyKiosk.objects.create(kecamatan=utara, name="Tablet ruang tunggu")


def kiosk_url(kiosk) -> str:
    return reverse("reporting:kiosk", args=[kiosk.token])


class TestKiosk:
    def test_page_for_a_tablet(self, client, kiosk, service):
        response = client.get(kiosk_url(kiosk))
        assert response.status_code == 200
        content = text(response)
        assert '<meta name="robots" content="noindex">' in content
        assert 'name="csrfmiddlewaretoken"' in content
        assert 'class="sv-kiosk"' in content
        assert content.count('type="radio" name="u_') == 36
        assert f'<option value="{service.pk}">{service.title}</option>' in content
        assert f'<option value="{SERVICE_OTHER}">Layanan lain / tidak tahu</option>' in content
        assert "Bontang Utara" in content

    def test_sets_no_language_or_session_cookie(self, client, kiosk):
        response = client.get(kiosk_url(kiosk))
        assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies
        assert django_settings.SESSION_COOKIE_NAME not in response.cookies

    def test_submit_then_thank_you_returns_to_a_blank_form(self, client, kiosk, service):
        response = client.post(kiosk_url(kiosk), answers_post(service=str(service.pk)))
        assert response.status_code == 302
        assert response.url == reverse("reporting:kiosk_thanks", args=[kiosk.token])
        saved = SurveyResponse.objects.get()
        assert saved.channel == SurveyChannel.KIOSK
        assert (saved.kiosk, saved.kecamatan, saved.service) == (kiosk, kiosk.kecamatan, service)
        assert saved.application is None
        thanks = client.get(response.url)
        assert thanks.status_code == 200
        refresh = re.search(
            r'<meta http-equiv="refresh" content="(\d+);url=([^"]+)">', text(thanks)
        )
        assert refresh and int(refresh.group(1)) > 0
        assert refresh.group(2) == kiosk_url(kiosk)
        assert '<meta name="robots" content="noindex">' in text(thanks)

    def test_other_service_records_none(self, client, kiosk, service):
        response = client.post(kiosk_url(kiosk), answers_post(service=SERVICE_OTHER))
        assert response.status_code == 302
        assert SurveyResponse.objects.get().service is None

    def test_service_must_be_chosen(self, client, kiosk, service):
        response = client.post(kiosk_url(kiosk), answers_post())
        assert response.status_code == 400
        assert "Silakan pilih layanan yang Anda gunakan." in text(response)
        assert not SurveyResponse.objects.exists()

    def test_csrf_is_required(self, kiosk, service):
        browser = Client(enforce_csrf_checks=True)
        refused = browser.post(kiosk_url(kiosk), answers_post(service=str(service.pk)))
        assert refused.status_code == 403
        page = browser.get(kiosk_url(kiosk))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
        data = answers_post(service=str(service.pk), csrfmiddlewaretoken=token)
        assert browser.post(kiosk_url(kiosk), data).status_code == 302
        assert SurveyResponse.objects.count() == 1

    def test_minimum_interval_refuses_with_429_and_keeps_the_answers(self, client, kiosk, service):
        limits(kiosk_min_interval_seconds=600, kiosk_max_per_hour=60)
        data = answers_post(all_answers(3, waktu=1), service=str(service.pk))
        assert client.post(kiosk_url(kiosk), data).status_code == 302
        refused = client.post(kiosk_url(kiosk), data)
        assert refused.status_code == 429
        assert 'role="alert"' in text(refused)
        assert 'value="1" required id="id_u_waktu_0" checked' in text(refused)
        assert SurveyResponse.objects.count() == 1

    def test_hourly_limit_refuses_with_429(self, client, kiosk, service):
        limits(kiosk_min_interval_seconds=0, kiosk_max_per_hour=2)
        data = answers_post(service=str(service.pk))
        codes = [client.post(kiosk_url(kiosk), data).status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert SurveyResponse.objects.count() == 2

    def test_limits_are_per_kiosk(self, client, kiosk, service, selatan):
        limits(kiosk_min_interval_seconds=600)
        other = SurveyKiosk.objects.create(kecamatan=selatan, name="Tablet loket")
        data = answers_post(service=SERVICE_OTHER)
        assert client.post(kiosk_url(kiosk), data).status_code == 302
        assert client.post(kiosk_url(other), data).status_code == 302
        assert SurveyResponse.objects.filter(kecamatan=selatan, kiosk=other).count() == 1

    def test_inactive_kiosk_is_a_404(self, client, kiosk, service):
        kiosk.is_active = False
        kiosk.save()
        assert client.get(kiosk_url(kiosk)).status_code == 404
        data = answers_post(service=str(service.pk))
        assert client.post(kiosk_url(kiosk), data).status_code == 404
        thanks = reverse("reporting:kiosk_thanks", args=[kiosk.token])
        assert client.get(thanks).status_code == 404
        assert not SurveyResponse.objects.exists()

    def test_unknown_token_is_a_404(self, client, kiosk):
        assert client.get("/survei/kios/tidak-ada/").status_code == 404
        assert client.get(f"/survei/kios/{kiosk.token}x/").status_code == 404

    @pytest.mark.parametrize(
        "garbage",
        [{"service": "abc"}, {"service": "-1"}, {"u_biaya": ""}, {"age": "1e9"}],
    )
    def test_bad_input_is_a_400_not_a_500(self, client, kiosk, service, garbage):
        data = answers_post(service=str(service.pk)) | garbage
        assert client.post(kiosk_url(kiosk), data).status_code == 400
        assert not SurveyResponse.objects.exists()
