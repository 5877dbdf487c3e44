"""The evaluation period pages: the kecamatan of the installation, closing a period."""

from django.urls import reverse

import pytest

from reporting.evaluation.services import period_close
from reporting.models import (
    EvaluationAspect,
    EvaluationPeriod,
    IndicatorValue,
)
from tests.reporting.evaluation.factories import denied, make_instrument, page_messages
from tests.reporting.factories import BARAT, SELATAN, UTARA, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestPeriodAdmin:
    def test_admin_creates_a_period_with_installation_kecamatan_only(self, client, admin_pemda):
        instrument = make_instrument()
        logged_in(client, admin_pemda)
        response = client.get(reverse("evaluation_periods:add"))
        choices = {str(c[0]) for c in response.context["form"].fields["kecamatan"].choices}
        assert choices == {UTARA, SELATAN, BARAT}  # not Kalimantan Timur, not a desa
        response = client.post(
            reverse("evaluation_periods:add"),
            {
                "instrument": instrument.pk,
                "name": "Semester I 2026",
                "start_date": "2026-01-01",
                "end_date": "2026-06-30",
                "kecamatan": [UTARA, SELATAN],
                "public_ranking": "on",
            },
        )
        assert response.status_code == 302
        period = EvaluationPeriod.objects.get(name="Semester I 2026")
        assert set(period.kecamatan.values_list("code", flat=True)) == {UTARA, SELATAN}
        assert period.public_ranking and period.status == EvaluationPeriod.Status.OPEN

    def test_closed_period_keeps_its_dates_and_kecamatan(self, client, admin_pemda, period):
        period_close(period=period, actor=admin_pemda)
        logged_in(client, admin_pemda)
        data = {
            "instrument": period.instrument_id,
            "name": "Nama baru",
            "start_date": period.start_date.isoformat(),
            "end_date": period.end_date.isoformat(),
            "kecamatan": [UTARA],
            "public_ranking": "on",
        }
        url = reverse("evaluation_periods:edit", args=[period.pk])
        response = client.post(url, data)
        assert "hanya nama dan peringkat publiknya yang dapat diubah" in response.content.decode()
        data["kecamatan"] = [UTARA, SELATAN, BARAT]
        assert client.post(url, data).status_code == 302
        period.refresh_from_db()
        assert (period.name, period.public_ranking) == ("Nama baru", True)

    def test_close_through_the_admin(self, client, admin_pemda, period):
        logged_in(client, admin_pemda)
        url = reverse("evaluation_periods:close", args=[period.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, follow=True)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.CLOSED
        assert "Periode Periode uji ditutup; 3 nilai hitung dibekukan." in page_messages(response)
        assert IndicatorValue.objects.filter(status=IndicatorValue.Status.FROZEN).count() == 3
        # Closing again shows the service's message.
        response = client.post(url, follow=True)
        assert f"Periode {period.name} sudah ditutup." in page_messages(response)

    def test_close_of_a_bad_instrument_shows_why(self, client, admin_pemda, period):
        EvaluationAspect.objects.filter(name="Pemerintahan umum").update(weight=10)
        logged_in(client, admin_pemda)
        response = client.post(reverse("evaluation_periods:close", args=[period.pk]), follow=True)
        assert "Jumlah bobot aspek harus 100 % (sekarang 70,00 %)." in page_messages(response)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.OPEN

    def test_camat_cannot_close(self, client, camat, period):
        logged_in(client, camat)
        response = client.post(reverse("evaluation_periods:close", args=[period.pk]))
        assert denied(response)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.OPEN
