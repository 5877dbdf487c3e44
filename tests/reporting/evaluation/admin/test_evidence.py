"""The kecamatan's evidence pages: reporting values with files, and the files streamed
only to those who may see them."""

from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import (
    Evidence,
    IndicatorValue,
)
from tests.forms_builder.factories import EXE_BYTES, PDF_BYTES
from tests.reporting.evaluation.factories import denied, indicator, pdf, report
from tests.reporting.factories import UTARA, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestEvidenceAdmin:
    def test_camat_sees_evidence_indicators_of_own_kecamatan(self, client, camat, period):
        logged_in(client, camat)
        response = client.get(reverse("evaluation_evidence:index"))
        html = response.content.decode()
        assert [s["kecamatan"].code for s in response.context["sections"]] == [UTARA]
        codes = [r["indicator"].code for r in response.context["sections"][0]["rows"]]
        assert codes == ["E1", "E2"]  # K1 is computed, not entered
        assert "Belum diisi" in html

    def test_camat_submits_value_and_file(self, client, camat, period):
        e1 = indicator(period.instrument, "E1")
        logged_in(client, camat)
        response = client.post(
            submit_url(period, UTARA, e1),
            {"value": "2,5", "note": "Tiga loket", "files": [pdf()]},
        )
        assert response.status_code == 302
        value = IndicatorValue.objects.get(period=period, kecamatan_id=UTARA, indicator=e1)
        assert (value.value, value.status, value.note) == (
            D("2.5"),
            IndicatorValue.Status.SUBMITTED,
            "Tiga loket",
        )
        assert value.evidence.get().description == "bukti.pdf"
        response = client.get(reverse("evaluation_evidence:index"))
        assert "Diajukan, menunggu verifikasi" in response.content.decode()

    def test_back_office_may_submit(self, client, back_office, period):
        logged_in(client, back_office)
        e2 = indicator(period.instrument, "E2")
        response = client.post(submit_url(period, UTARA, e2), {"value": "4", "files": [pdf()]})
        assert response.status_code == 302
        assert IndicatorValue.objects.filter(indicator=e2, kecamatan_id=UTARA).exists()

    def test_disallowed_type_refused_nothing_saved(self, client, camat, period):
        e1 = indicator(period.instrument, "E1")
        logged_in(client, camat)
        response = client.post(
            submit_url(period, UTARA, e1),
            {"value": "3", "files": [SimpleUploadedFile("bukti.exe", EXE_BYTES)]},
        )
        assert response.status_code == 200
        assert (
            "Berkas bukti.exe tidak diizinkan: jenis berkas bukti yang diterima hanya pdf, png."
            in response.content.decode()
        )
        assert not IndicatorValue.objects.exists() and not Evidence.objects.exists()

    def test_too_large_refused(self, client, camat, period):
        e1 = indicator(period.instrument, "E1")  # at most 1 MB
        logged_in(client, camat)
        big = pdf(content=PDF_BYTES + b"0" * (1024 * 1024 + 1))
        response = client.post(submit_url(period, UTARA, e1), {"value": "3", "files": [big]})
        assert "terlalu besar" in response.content.decode()
        assert not Evidence.objects.exists()

    def test_camat_of_another_kecamatan_cannot_see_submit_or_download(
        self, client, camat, camat_barat, period
    ):
        e1 = indicator(period.instrument, "E1")
        value = report(period, "E1", UTARA, 3, camat)
        evidence = value.evidence.get()
        logged_in(client, camat_barat)
        html = client.get(reverse("evaluation_evidence:index")).content.decode()
        assert "Bontang Utara" not in html
        assert client.get(submit_url(period, UTARA, e1)).status_code == 404
        response = client.post(submit_url(period, UTARA, e1), {"value": "1", "files": [pdf()]})
        assert response.status_code == 404
        download = reverse("evaluation_evidence:download", args=[evidence.pk])
        assert client.get(download).status_code == 404
        kecamatan_page = reverse("evaluation_dashboard:kecamatan", args=[period.pk, UTARA])
        assert client.get(kecamatan_page).status_code == 404
        value.refresh_from_db()
        assert value.value == 3

    def test_own_camat_and_verifier_download(self, client, camat, evaluator, period):
        value = report(period, "E1", UTARA, 3, camat)
        url = reverse("evaluation_evidence:download", args=[value.evidence.get().pk])
        for user in (camat, evaluator):
            logged_in(client, user)
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Cache-Control"].startswith("private, no-store")

    def test_stored_and_served_under_the_detected_types_extension(self, client, camat, period):
        """An upload called ``laporan.PDF`` is stored as ``.pdf`` and served as
        ``laporan.pdf`` (application/pdf); the original name is kept as data."""
        value = report(period, "E1", UTARA, 3, camat, files=[pdf("Laporan Loket.PDF")])
        evidence = value.evidence.get()
        assert evidence.file.name.endswith(".pdf")
        assert evidence.description == "Laporan Loket.PDF"
        logged_in(client, camat)
        response = client.get(reverse("evaluation_evidence:download", args=[evidence.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="Laporan Loket.pdf"' in response["Content-Disposition"]

    def test_a_file_stored_under_another_extension_is_served_as_its_content(
        self, client, camat, period
    ):
        value = report(period, "E1", UTARA, 3, camat)
        evidence = value.evidence.get()
        Evidence.objects.filter(pk=evidence.pk).update(description="bukti.html")
        logged_in(client, camat)
        response = client.get(reverse("evaluation_evidence:download", args=[evidence.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="bukti.pdf"' in response["Content-Disposition"]

    def test_other_roles_of_the_kecamatan_do_not_download(self, client, camat, loket, period):
        """The scope alone is not enough: the kecamatan's front office (and its PPID) do not
        report or verify evidence, so they get a 404."""
        value = report(period, "E1", UTARA, 3, camat)
        url = reverse("evaluation_evidence:download", args=[value.evidence.get().pk])
        ppid = staff_create(
            username="ppid.utara", password="x", roles=[Role.PPID], kecamatan=[UTARA]
        )
        for user in (loket, ppid):
            logged_in(client, user)
            assert client.get(url).status_code == 404

    def test_evaluator_has_no_evidence_page(self, client, evaluator):
        logged_in(client, evaluator)
        assert denied(client.get(reverse("evaluation_evidence:index")))


def submit_url(period, code, ind):
    return reverse("evaluation_evidence:submit", args=[period.pk, code, ind.pk])
