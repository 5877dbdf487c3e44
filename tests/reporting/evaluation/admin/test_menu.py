"""The evaluation menu per role."""

from django.urls import reverse

import pytest

from tests.reporting.evaluation.factories import denied
from tests.reporting.factories import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


def test_menu_per_role(client, admin_pemda, camat, evaluator):
    """One "Evaluasi kecamatan" menu; each role sees its own pages in it."""
    expected = {
        admin_pemda: {"Papan nilai", "Verifikasi bukti", "Periode evaluasi", "Instrumen"},
        camat: {"Papan nilai", "Bukti kecamatan"},
        evaluator: {"Papan nilai", "Verifikasi bukti", "Periode evaluasi", "Instrumen"},
    }
    for user, labels in expected.items():
        logged_in(client, user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Evaluasi kecamatan" in html
        for label in labels:
            assert label in html, (user, label)
    logged_in(client, camat)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Verifikasi bukti" not in html and "Instrumen" not in html


def test_evaluator_reads_instruments_and_periods(client, evaluator, period):
    logged_in(client, evaluator)
    assert client.get(reverse("evaluation_instruments:index")).status_code == 200
    inspect = reverse("evaluation_periods:inspect", args=[period.pk])
    assert client.get(inspect).status_code == 200
    assert denied(client.get(reverse("evaluation_periods:edit", args=[period.pk])))
    assert denied(client.post(reverse("evaluation_periods:close", args=[period.pk])))
    html = client.get(reverse("evaluation_periods:index")).content.decode()
    assert "Tutup periode" not in html and "Peringkat" in html
