"""Paper questionnaire entry in the admin: saved through the service, the kecamatan
limited to the user's scope, "save and next" keeps the header."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from paten.audit.models import AuditEvent
from reporting.models import SurveyResponse
from reporting.survey.constants import SurveyChannel
from tests.reporting.factories import PAPER_ENTRY, all_answers, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestPaperEntry:
    def test_form_preselects_the_users_only_kecamatan_and_today(self, client, loket, utara):
        response = logged_in(client, loket).get(reverse(PAPER_ENTRY))

        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["kecamatan"] == utara.code
        assert form.initial["answered_on"] == timezone.localdate()
        assert list(form.fields["kecamatan"].queryset) == [utara]
        html = response.content.decode()
        assert 'data-survey-answer="sarana"' in html and 'value="4"' in html

    def test_saves_through_the_service_with_an_audit_event(self, client, loket, utara, service):
        logged_in(client, loket)

        response = client.post(
            reverse(PAPER_ENTRY), paper_data(utara, service=str(service.pk), save="1")
        )

        assert response.status_code == 302
        saved = SurveyResponse.objects.get()
        assert saved.channel == SurveyChannel.PAPER
        assert saved.entered_by == loket
        assert (saved.kecamatan, saved.service, saved.paper_reference) == (utara, service, "K-017")
        assert saved.answers["biaya"] == 4 and saved.answers["waktu"] == 3
        assert (saved.gender, saved.age, saved.suggestion) == ("P", 34, "Petugas ramah")
        event = AuditEvent.objects.get(action="survey.response_entered")
        assert event.actor == loket and event.kecamatan_id == utara.code

    def test_save_and_next_keeps_kecamatan_service_and_date(self, client, loket, utara, service):
        logged_in(client, loket)
        day = timezone.localdate() - timedelta(days=3)

        response = client.post(
            reverse(PAPER_ENTRY),
            paper_data(utara, service=str(service.pk), answered_on=day.isoformat(), save_next="1"),
        )

        assert response.status_code == 302
        follow = client.get(response.url)
        initial = follow.context["form"].initial
        assert initial["kecamatan"] == utara.code
        assert initial["service"] == service.pk
        assert str(initial["answered_on"]) == day.isoformat()
        assert "paper_reference" not in initial and "u_waktu" not in initial

    def test_crafted_post_for_another_kecamatan_is_refused(self, client, loket, selatan):
        logged_in(client, loket)

        response = client.post(reverse(PAPER_ENTRY), paper_data(selatan, save="1"))

        assert response.status_code == 403
        assert response.context["form"].errors["kecamatan"]
        assert not SurveyResponse.objects.exists()
        assert not AuditEvent.objects.filter(action="survey.response_entered").exists()

    def test_missing_answer_and_future_date_are_refused(self, client, loket, utara):
        logged_in(client, loket)
        data = paper_data(utara, answered_on=(timezone.localdate() + timedelta(days=1)).isoformat())
        del data["u_pengaduan"]

        response = client.post(reverse(PAPER_ENTRY), data)

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "u_pengaduan" in errors and "answered_on" in errors
        assert not SurveyResponse.objects.exists()

    def test_answer_outside_one_to_four_is_refused(self, client, loket, utara):
        logged_in(client, loket)

        response = client.post(reverse(PAPER_ENTRY), paper_data(utara, u_waktu="5"))

        assert "u_waktu" in response.context["form"].errors
        assert not SurveyResponse.objects.exists()


def paper_data(kecamatan, **extra) -> dict:
    data = {
        "kecamatan": kecamatan.code,
        "answered_on": timezone.localdate().isoformat(),
        "paper_reference": "K-017",
        **{f"u_{key}": str(value) for key, value in all_answers(3, biaya=4).items()},
        "gender": "P",
        "age": "34",
        "education": "sma",
        "occupation": "wirausaha",
        "suggestion": "Petugas ramah",
    }
    data.update(extra)
    return data
