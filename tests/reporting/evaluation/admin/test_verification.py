"""The verification queue: values of other kecamatan, approved or rejected with a note."""

from django.urls import reverse

import pytest

from reporting.models import IndicatorValue
from tests.reporting.evaluation.factories import denied, page_messages, report
from tests.reporting.factories import SELATAN, UTARA, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestVerificationAdmin:
    def test_evaluator_approves_and_rejects(self, client, camat, camat_selatan, evaluator, period):
        utara = report(period, "E1", UTARA, 3, camat)
        selatan = report(period, "E1", SELATAN, 2, camat_selatan)
        logged_in(client, evaluator)
        response = client.get(reverse("evaluation_verification:index"))
        assert {r["value"].pk for r in response.context["rows"]} == {utara.pk, selatan.pk}
        client.post(
            reverse("evaluation_verification:verify", args=[utara.pk]), {"decision": "approve"}
        )
        response = client.post(
            reverse("evaluation_verification:verify", args=[selatan.pk]),
            {"decision": "reject", "note": ""},
            follow=True,
        )
        assert "Penolakan harus disertai catatan untuk kecamatan." in page_messages(response)
        client.post(
            reverse("evaluation_verification:verify", args=[selatan.pk]),
            {"decision": "reject", "note": "Foto kabur."},
        )
        utara.refresh_from_db()
        selatan.refresh_from_db()
        assert utara.status == IndicatorValue.Status.VERIFIED
        assert (selatan.status, selatan.verification_note) == (
            IndicatorValue.Status.REJECTED,
            "Foto kabur.",
        )
        # The camat of Selatan sees the rejection and its note.
        logged_in(client, camat_selatan)
        html = client.get(reverse("evaluation_evidence:index")).content.decode()
        assert "Foto kabur." in html

    def test_evaluator_of_the_same_kecamatan_refused(self, client, camat, evaluator_utara, period):
        value = report(period, "E1", UTARA, 3, camat)
        logged_in(client, evaluator_utara)
        response = client.get(reverse("evaluation_verification:index"))
        assert response.context["rows"] == []  # not listed
        response = client.post(
            reverse("evaluation_verification:verify", args=[value.pk]),
            {"decision": "approve"},
            follow=True,
        )
        assert "Verifikasi oleh petugas dari kecamatan yang sama tidak diizinkan." in (
            page_messages(response)
        )
        value.refresh_from_db()
        assert value.status == IndicatorValue.Status.SUBMITTED

    def test_camat_cannot_verify(self, client, camat, camat_selatan, period):
        value = report(period, "E1", UTARA, 3, camat)
        logged_in(client, camat_selatan)
        assert denied(client.get(reverse("evaluation_verification:index")))
        response = client.post(
            reverse("evaluation_verification:verify", args=[value.pk]), {"decision": "approve"}
        )
        assert denied(response)
