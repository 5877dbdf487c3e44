"""The evaluation scoreboard: the ranking for pemda-wide staff, a kecamatan's own row and
rank for its staff, the drill-down, and the pemda correction of a value."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from paten.audit.models import AuditEvent
from paten.regions.models import Region
from reporting.evaluation.services import evidence_verify, period_close
from reporting.models import IndicatorValue
from tests.reporting.evaluation.factories import (
    denied,
    make_instrument,
    make_period,
    report,
)
from tests.reporting.factories import BARAT, SELATAN, UTARA, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]

#: At most this many queries on the scoreboard page (session, user, Wagtail's menu, the
#: installation's sync role, the periods and the scoreboard), however many kecamatan;
#: fewer when process-wide caches are already warm.
DASHBOARD_QUERIES = 26


# -- instruments, aspects and indicators ------------------------------------------------


# -- periods ----------------------------------------------------------------------------


# -- the kecamatan's evidence -----------------------------------------------------------


# -- verification -----------------------------------------------------------------------


# -- scoreboards ------------------------------------------------------------------------


class TestScoreboard:
    def test_ranking_for_pemda(self, client, admin_pemda, closed_evaluation):
        logged_in(client, admin_pemda)
        response = client.get(
            reverse("evaluation_dashboard:index"), {"period": closed_evaluation.pk}
        )
        rows = response.context["rows"]
        assert [(r["row"].name, r["row"].rank, r["total"]) for r in rows] == [
            ("Bontang Utara", 1, "80,00"),
            ("Bontang Selatan", 2, "33,00"),
            ("Bontang Barat", 2, "33,00"),
        ]
        assert rows[0]["aspects"] == ["100,00", "50,00"]
        assert response.context["average_total"] == "48,67"
        html = response.content.decode()
        assert html.index("Bontang Utara") < html.index("Bontang Selatan")

    def test_drill_down_shows_indicators_and_evidence(self, client, evaluator, closed_evaluation):
        logged_in(client, evaluator)
        response = client.get(
            reverse("evaluation_dashboard:kecamatan", args=[closed_evaluation.pk, SELATAN])
        )
        indicators = {
            i["indicator"].code: i for a in response.context["aspects"] for i in a["indicators"]
        }
        assert (indicators["K1"]["value"], indicators["K1"]["score"]) == ("1,00", "50,00")
        assert (indicators["E1"]["score"], indicators["E1"]["target"]) == ("60,00", "—")
        assert (indicators["E2"]["value"], indicators["E2"]["score"]) == ("10,00", "0,00")
        assert indicators["E2"]["target"] == "10,00"
        assert len(indicators["E2"]["evidence"]) == 1
        html = response.content.decode()
        download = reverse(
            "evaluation_evidence:download", args=[indicators["E2"]["evidence"][0].pk]
        )
        assert download in html
        assert "Peringkat 2 dari 3" in html

    def test_camat_sees_own_rank_and_average_only(self, client, camat_selatan, closed_evaluation):
        logged_in(client, camat_selatan)
        response = client.get(reverse("evaluation_dashboard:index"))
        assert [r["row"].code for r in response.context["rows"]] == [SELATAN]
        html = response.content.decode()
        assert "Bontang Utara" not in html and "Bontang Barat" not in html
        assert "48,67" in html  # the kabupaten average
        assert "2 / 3" in html

    def test_query_count_pinned(self, client, admin_pemda, closed_evaluation):
        """The page costs the same whatever the number of kecamatan closed_evaluation."""
        logged_in(client, admin_pemda)
        url = reverse("evaluation_dashboard:index")
        client.get(url, {"period": closed_evaluation.pk})  # warm the session and caches
        with CaptureQueriesContext(connection) as three:
            client.get(url, {"period": closed_evaluation.pk})
        Region.objects.create(code="64.74.04", name="Bontang Timur", parent_id="64.74")
        closed_evaluation.kecamatan.add("64.74.04")
        with CaptureQueriesContext(connection) as four:
            response = client.get(url, {"period": closed_evaluation.pk})
        assert len(four) == len(three) <= DASHBOARD_QUERIES
        assert len(response.context["rows"]) == 4


class TestCorrection:
    """The pemda correction of a frozen or verified value (``value_correct``) from the
    drill-down: Selatan's K1 was frozen at 1 (one application finished, target 2 → 50)."""

    def k1(self, period, code=SELATAN):
        return IndicatorValue.objects.get(period=period, kecamatan_id=code, indicator__code="K1")

    def test_admin_corrects_a_frozen_value_and_the_ranking_follows(
        self, client, admin_pemda, closed_evaluation
    ):
        value = self.k1(closed_evaluation)
        old_hash = value.frozen_hash
        logged_in(client, admin_pemda)
        drill_down = reverse("evaluation_dashboard:kecamatan", args=[closed_evaluation.pk, SELATAN])
        url = reverse("evaluation_dashboard:correct", args=[value.pk])
        assert url in client.get(drill_down).content.decode()
        response = client.post(
            url,
            {"value": "2", "reason": "Satu permohonan dicatat di kecamatan lain (BA 12/2026)."},
        )
        assert response.status_code == 302 and response.url == drill_down
        value.refresh_from_db()
        assert value.value == 2 and value.frozen_hash != old_hash
        assert value.inputs["koreksi"][0]["nilai_lama"] == "1.0000"
        event = AuditEvent.objects.filter(action="evaluation.value_corrected").get()
        assert event.payload["alasan"].startswith("Satu permohonan")
        assert (event.payload["hash_lama"], event.payload["hash_baru"]) == (
            old_hash,
            value.frozen_hash,
        )
        # K1 now scores 100: Selatan = (100 × 50 % + 60 × 50 %) × 60 % + 0 × 40 % = 48.
        rows = client.get(reverse("evaluation_dashboard:index"), {"period": closed_evaluation.pk})
        totals = {r["row"].code: r["total"] for r in rows.context["rows"]}
        assert totals[SELATAN] == "48,00"
        html = client.get(url).content.decode()
        assert "Satu permohonan dicatat di kecamatan lain" in html  # the history
        assert "dikoreksi 1 kali" in client.get(drill_down).content.decode()

    def test_reason_and_number_required_nothing_changed(
        self, client, admin_pemda, closed_evaluation
    ):
        value = self.k1(closed_evaluation)
        logged_in(client, admin_pemda)
        url = reverse("evaluation_dashboard:correct", args=[value.pk])
        response = client.post(url, {"value": "dua", "reason": ""})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"reason"}  # required, checked first
        assert "harus diisi" in response.content.decode()
        response = client.post(url, {"value": "dua", "reason": "Salah catat"})
        assert "Nilai harus berupa angka (sekarang &#x27;dua&#x27;)." in response.content.decode()
        value.refresh_from_db()
        assert value.value == 1 and "koreksi" not in value.inputs
        assert not AuditEvent.objects.filter(action="evaluation.value_corrected").exists()

    def test_submitted_value_cannot_be_corrected(self, client, admin_pemda, closed_evaluation):
        submitted = IndicatorValue.objects.get(
            period=closed_evaluation, kecamatan_id=SELATAN, indicator__code="E2"
        )
        logged_in(client, admin_pemda)
        url = reverse("evaluation_dashboard:correct", args=[submitted.pk])
        response = client.post(url, {"value": "3", "reason": "x"})
        assert "Hanya nilai yang sudah dibekukan atau diverifikasi" in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.value == 10

    def test_only_pemda_admin_corrects(self, client, evaluator, camat_selatan, closed_evaluation):
        value = self.k1(closed_evaluation)
        url = reverse("evaluation_dashboard:correct", args=[value.pk])
        for user in (evaluator, camat_selatan):
            logged_in(client, user)
            assert denied(client.post(url, {"value": "2", "reason": "x"}))
            drill_down = reverse(
                "evaluation_dashboard:kecamatan", args=[closed_evaluation.pk, SELATAN]
            )
            assert url not in client.get(drill_down).content.decode()
        value.refresh_from_db()
        assert value.value == 1


def test_ranking_shows_change_against_previous_period(client, admin_pemda, camat, evaluator):
    """Previous period: K1 frozen at 0 everywhere, totals 0. This period: Utara's E2 = 5
    verified → B = 50 → total 50 × 40 % = 20, so +20,00; the others stay at 0,00."""
    instrument = make_instrument()
    today = timezone.localdate()
    before = make_period(instrument, end=today - timedelta(days=40), name="Lalu")
    period_close(period=before, actor=admin_pemda)
    period = make_period(instrument, name="Kini")
    evidence_verify(value=report(period, "E2", UTARA, 5, camat), actor=evaluator, approve=True)
    period_close(period=period, actor=admin_pemda)
    logged_in(client, admin_pemda)
    response = client.get(reverse("evaluation_dashboard:index"), {"period": period.pk})
    rows = response.context["rows"]
    assert [(r["row"].code, r["total"], r["change"]) for r in rows] == [
        (UTARA, "20,00", "+20,00"),
        (SELATAN, "0,00", "0,00"),
        (BARAT, "0,00", "0,00"),
    ]
    assert "Perubahan dibandingkan Lalu." in response.content.decode()
