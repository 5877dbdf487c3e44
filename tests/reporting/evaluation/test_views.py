"""The public ranking of the kecamatan evaluation: only closed periods with a
published ranking, newest first, no evidence, notes or staff names."""

from datetime import timedelta

from django.urls import reverse

import pytest

from reporting.models import EvaluationPeriod, Evidence
from tests.reporting.evaluation.factories import (
    REJECTION,
    SECRET_NOTE,
    evaluated_periods,
    make_instrument,
    make_period,
)

pytestmark = pytest.mark.django_db
#: Scoreboard (previous period, indicators, values, kecamatan), the period, the list of
#: published periods and what base.html reads; none of it grows with the kecamatan.
QUERIES = 13


def period_url(period) -> str:
    return reverse("reporting:evaluation_period", args=[period.pk])


class TestIndex:
    def test_lists_only_public_closed_periods_newest_first(self, periods, client):
        previous, period = periods
        instrument = period.instrument
        still_open = make_period(instrument, name="Masih terbuka")
        EvaluationPeriod.objects.filter(pk=still_open.pk).update(public_ranking=True)
        hidden = make_period(instrument, end=period.end_date - timedelta(days=80), name="Tertutup")
        EvaluationPeriod.objects.filter(pk=hidden.pk).update(
            status=EvaluationPeriod.Status.CLOSED, public_ranking=False
        )
        response = client.get(reverse("reporting:evaluation_index"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Periode kini" in html and "Periode lalu" in html
        assert html.index("Periode kini") < html.index("Periode lalu")
        assert "Masih terbuka" not in html
        assert "Tertutup" not in html
        assert period_url(period) in html
        assert "<script" not in html

    def test_no_published_period(self, bontang, client):
        response = client.get(reverse("reporting:evaluation_index"))
        assert response.status_code == 200
        assert "Belum ada hasil evaluasi" in response.content.decode()


class TestPeriodPage:
    def test_ranking_table(self, periods, client):
        _previous, period = periods
        response = client.get(period_url(period))
        assert response.status_code == 200
        html = response.content.decode()
        assert (
            html.index("Bontang Utara")
            < html.index("Bontang Selatan")
            < html.index("Bontang Barat")
        )
        # Indonesian by default: decimal commas, positive changes signed.
        assert "70,00" in html and "38,00" in html and "+70,00" in html
        assert "Pelayanan publik" in html and "Pemerintahan umum" in html
        assert "Periode lalu" in html  # the change is against it
        assert "<script" not in html and "cdn" not in html.lower()

    def test_no_evidence_notes_or_staff_leak(self, periods, client):
        _previous, period = periods
        html = client.get(period_url(period)).content.decode()
        assert SECRET_NOTE not in html
        assert REJECTION not in html
        for evidence in Evidence.objects.all():
            assert evidence.file.name not in html
            assert evidence.description not in html
        for username in ("camat.eval", "tim.penilai", "admin.pemda"):
            assert username not in html
        # Indicator values are not published either.
        assert "E1" not in html and "K1" not in html

    def test_fixed_number_of_queries(self, periods, client, django_assert_max_num_queries):
        _previous, period = periods
        with django_assert_max_num_queries(QUERIES):
            assert client.get(period_url(period)).status_code == 200

    def test_not_public_is_404(self, people, client):
        _previous, period = evaluated_periods(people, public=False)
        assert client.get(period_url(period)).status_code == 404

    def test_open_period_is_404_even_when_public(self, bontang, client):
        period = make_period(make_instrument(), name="Terbuka")
        EvaluationPeriod.objects.filter(pk=period.pk).update(public_ranking=True)
        assert client.get(period_url(period)).status_code == 404

    def test_unknown_period_is_404(self, bontang, client):
        assert client.get("/evaluasi/999999/").status_code == 404
