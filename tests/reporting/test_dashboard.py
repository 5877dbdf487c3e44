"""Dasbor: the satisfaction and evaluation panel on the Wagtail admin home page
(``reporting.dashboard``)."""

import re

from django.contrib.auth import get_user_model
from django.test import RequestFactory

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_period_create, survey_response_submit
from tests.reporting.factories import SELATAN, UTARA, all_answers, client_for

pytestmark = pytest.mark.django_db

HOME = "/admin/"

#: The panel of a kecamatan user: the default period, the region names, the IKM of the
#: kecamatan (two), the user's roles, the newest closed evaluation and its scoreboard.
KECAMATAN_QUERIES = 9
#: A pemda-wide user: the same IKM queries for the kabupaten/kota, the roles, the newest
#: closed evaluation and how many kecamatan it evaluated (no scoreboard).
PEMDA_QUERIES = 6


def respond(kecamatan: str, value: int) -> None:
    survey_response_submit(
        answers=all_answers(value), channel=SurveyChannel.PAPER, kecamatan=kecamatan
    )


def ikm_row(html: str, key: str) -> str | None:
    row = re.search(rf'<tr data-ikm="{re.escape(key)}">(.*?)</tr>', html, re.S)
    return row.group(1) if row else None


def ikm_value(row: str) -> str:
    return re.search(r"data-ikm-value>([^<]+)<", row).group(1)


@pytest.fixture
def answered(bontang, quarter):
    """Utara: two questionnaires all 4 (IKM 100, A); Selatan: one all 3 (75, C). The
    kabupaten/kota: (4 + 4 + 3) / 3 × 25 = 91,67 (A)."""
    respond(UTARA, 4)
    respond(UTARA, 4)
    respond(SELATAN, 3)
    return quarter


class TestIkm:
    def test_kecamatan_user_sees_own_kecamatan_with_mutu(self, answered, camat, loket):
        for user in (camat, loket):
            html = client_for(user).get(HOME).content.decode()
            row = ikm_row(html, UTARA)
            assert row is not None and ikm_value(row) == "100,00"
            assert 'data-mutu="A"' in row and "Sangat baik" in row
            assert "Bontang Utara" in row and re.search(r"data-respondents>2\b", row)
            assert ikm_row(html, SELATAN) is None and ikm_row(html, "area") is None
            assert "Kepuasan dan evaluasi" in html
            assert f"/admin/skm/jawaban/?period={answered.pk}" in html

    def test_other_kecamatan_gets_its_own_category(self, answered, camat_selatan):
        row = ikm_row(client_for(camat_selatan).get(HOME).content.decode(), SELATAN)
        assert ikm_value(row) == "75,00"
        assert 'data-mutu="C"' in row and "Kurang baik" in row

    def test_pemda_sees_the_kabupaten(self, answered, bontang):
        pemda = staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA])
        html = client_for(pemda).get(HOME).content.decode()
        row = ikm_row(html, "area")
        assert "Kota Bontang" in row and ikm_value(row) == "91,67" and 'data-mutu="A"' in row
        assert re.search(r"data-respondents>3\b", row)
        assert ikm_row(html, UTARA) is None

    def test_no_period_published(self, camat):
        survey_period_create(kind="tahun", year=2020, is_published=False)
        html = client_for(camat).get(HOME).content.decode()
        assert "Belum ada periode survei yang diterbitkan." in html
        assert "data-dashboard-ikm" not in html

    def test_not_shown_without_survey_permission(self, bontang):
        ppid = staff_create(username="ppid", password="x", roles=[Role.PPID])
        assert 'id="paten-satisfaction' not in client_for(ppid).get(HOME).content.decode()

    def test_after_the_applications_panel_before_wagtails(self, answered, camat):
        html = client_for(camat).get(HOME).content.decode()
        assert html.index('id="paten-applications') < html.index('id="paten-satisfaction')


class TestEvaluationRank:
    def test_camat_sees_rank_of_n(self, closed_evaluation, camat, camat_selatan):
        html = client_for(camat).get(HOME).content.decode()
        assert "Bontang Utara: peringkat 1 dari 3 pada Periode uji (nilai total 80,00)." in html
        assert f"/admin/evaluasi/peringkat/?period={closed_evaluation.pk}" in html
        html = client_for(camat_selatan).get(HOME).content.decode()
        assert "Bontang Selatan: peringkat 2 dari 3" in html
        assert "Bontang Utara: peringkat" not in html

    def test_pemda_sees_the_period_and_n(self, closed_evaluation, admin_pemda):
        html = client_for(admin_pemda).get(HOME).content.decode()
        assert "Periode uji: 3 kecamatan dievaluasi." in html
        assert "data-evaluation-rank" not in html

    def test_only_closed_periods_count(self, closed_evaluation, camat):
        closed_evaluation.status = closed_evaluation.Status.OPEN
        closed_evaluation.save(update_fields=["status"])
        assert "data-evaluation-rank" not in client_for(camat).get(HOME).content.decode()

    def test_kecamatan_not_evaluated_has_no_rank(self, closed_evaluation, camat):
        closed_evaluation.kecamatan.remove(UTARA)
        assert "data-evaluation-rank" not in client_for(camat).get(HOME).content.decode()

    def test_counter_staff_cannot_open_the_scoreboard_so_get_no_rank(
        self, closed_evaluation, loket
    ):
        html = client_for(loket).get(HOME).content.decode()
        assert "data-evaluation-rank" not in html and "/admin/evaluasi/peringkat/" not in html


class TestQueries:
    def _panel(self, user):
        from reporting.dashboard import satisfaction_panel_for

        request = RequestFactory().get(HOME)
        request.user = user
        return satisfaction_panel_for(request), request

    def test_kecamatan_user(self, answered, closed_evaluation, camat, django_assert_num_queries):
        panel, request = self._panel(camat)
        with django_assert_num_queries(KECAMATAN_QUERIES):
            html = panel.render_html({"request": request})
        assert "data-evaluation-rank" in html and ikm_row(html, UTARA)

    def test_pemda_user(self, answered, closed_evaluation, admin_pemda, django_assert_num_queries):
        panel, request = self._panel(admin_pemda)
        with django_assert_num_queries(PEMDA_QUERIES):
            html = panel.render_html({"request": request})
        assert "data-evaluation-count" in html and ikm_row(html, "area")

    def test_same_cost_with_more_responses(self, answered, camat, django_assert_num_queries):
        panel, request = self._panel(camat)
        with django_assert_num_queries(KECAMATAN_QUERIES - 3):  # no closed evaluation
            panel.render_html({"request": request})
        for _ in range(20):
            respond(UTARA, 3)
        # A fresh user object, as in the next request: nothing cached on it.
        panel, request = self._panel(get_user_model().objects.get(pk=camat.pk))
        with django_assert_num_queries(KECAMATAN_QUERIES - 3):
            html = panel.render_html({"request": request})
        assert re.search(r"data-respondents>22\b", ikm_row(html, UTARA))
