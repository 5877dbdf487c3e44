"""The instrument and aspect pages of the evaluation admin: weights, rules and codes
refused on the row concerned, unfinished instruments saved with a warning, and
instruments of a closed period kept as they were."""

from decimal import Decimal

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from reporting.evaluation.admin.instruments import ThresholdsWidget
from reporting.evaluation.services import period_close
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    Metric,
    Source,
)
from tests.reporting.evaluation.factories import (
    denied,
    make_instrument,
    make_period,
    page_messages,
    report,
)
from tests.reporting.factories import UTARA, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestInstrumentAdmin:
    def test_admin_builds_an_instrument_through_the_forms(self, client, admin_pemda):
        logged_in(client, admin_pemda)
        response = client.post(
            reverse("evaluation_instruments:add"), instrument_data(Pelayanan="100")
        )
        instrument = EvaluationInstrument.objects.get(name="EKK Bontang", year=2027)
        aspect = instrument.aspects.get()
        # No indicator yet: saved, but the admin stays on the page with the warning.
        assert response.status_code == 302
        assert response.url == reverse("evaluation_instruments:edit", args=[instrument.pk])
        response = client.get(response.url)
        assert "Aspek Pelayanan belum punya indikator." in page_messages(response)

        response = client.post(
            reverse("evaluation_aspects:edit", args=[aspect.pk]),
            aspect_data(
                instrument,
                [
                    indicator_row(
                        "K1",
                        source=Source.COMPUTED,
                        metric=Metric.APPLICATIONS_FINISHED,
                        rule="linear",
                        target="10",
                        evidence_types="pdf",
                    ),
                    indicator_row("E1", thresholds="3=100\n2=60\n1=30", evidence_types="pdf,png"),
                ],
            ),
            follow=True,
        )
        assert "cannot score" not in page_messages(response)
        assert "tidak dapat" not in page_messages(response)
        k1, e1 = aspect.indicators.order_by("code").reverse()
        assert (k1.code, k1.metric, k1.target, k1.rule) == (
            "K1",
            "permohonan_selesai",
            10,
            "linear",
        )
        assert e1.thresholds == [
            {"bound": "3", "score": "100"},
            {"bound": "2", "score": "60"},
            {"bound": "1", "score": "30"},
        ]
        # The thresholds come back as lines on the edit page.
        response = client.get(reverse("evaluation_aspects:edit", args=[aspect.pk]))
        assert "3=100\n2=60\n1=30" in response.content.decode()

    def test_aspect_weights_not_100_refused(self, client, admin_pemda):
        logged_in(client, admin_pemda)
        response = client.post(
            reverse("evaluation_instruments:add"),
            instrument_data(Pelayanan="60", Pemerintahan="30"),
        )
        assert response.status_code == 200
        assert "Jumlah bobot aspek harus 100 % (sekarang 90,00 %)." in response.content.decode()
        assert not EvaluationInstrument.objects.exists()

    def test_odd_weights_allowed_when_the_instrument_does_not_require_100(
        self, client, admin_pemda
    ):
        logged_in(client, admin_pemda)
        data = instrument_data(Pelayanan="60", Pemerintahan="30")
        del data["weights_must_total_100"]
        response = client.post(reverse("evaluation_instruments:add"), data)
        assert response.status_code == 302
        instrument = EvaluationInstrument.objects.get()
        assert sorted(instrument.aspects.values_list("weight", flat=True)) == [30, 60]

    def test_indicator_without_rule_and_bad_threshold_refused(self, client, admin_pemda):
        html = refused_aspect(
            logged_in(client, admin_pemda),
            [
                indicator_row("E1", weight="50"),
                indicator_row("E2", weight="50", thresholds="banyak=100"),
            ],
        )
        assert "Indikator E1: Aturan ambang belum punya satu pun ambang nilai." in html
        assert "Indikator E2: batas ambang harus berupa angka (sekarang &#x27;banyak&#x27;)." in (
            html
        )
        assert not EvaluationAspect.objects.exists()

    def test_each_unscorable_indicator_refused_with_its_reason(self, client, admin_pemda):
        html = refused_aspect(
            logged_in(client, admin_pemda),
            [
                indicator_row("K1", weight="25", source=Source.COMPUTED, rule="linear"),
                indicator_row("E1", weight="25", thresholds="1=100", evidence_types="docx"),
                indicator_row("E2", weight="25", thresholds="1=100", metric=Metric.IKM, target="5"),
                indicator_row("E2", weight="25", rule="linear", target="0"),
            ],
        )
        for message in [
            "Indikator K1: Aturan linear memerlukan target.",
            "Indikator K1 dihitung dari data tetapi belum memilih metrik.",
            "Indikator E1: jenis berkas bukti tidak dikenal: docx",
            "Indikator E2 berbasis bukti dan tidak boleh memakai metrik.",
            "Target nol tidak dapat dipakai bila nilai lebih tinggi lebih baik.",
            "Kode E2 sudah dipakai dalam instrumen ini.",
        ]:
            assert message in html, message
        assert not EvaluationAspect.objects.exists()

    def test_indicator_weights_not_100_refused(self, client, admin_pemda):
        instrument = EvaluationInstrument.objects.create(name="X", year=2027)
        logged_in(client, admin_pemda)
        rows = [
            indicator_row("E1", weight="50", thresholds="1=100"),
            indicator_row("E2", weight="40", thresholds="1=100"),
        ]
        response = client.post(reverse("evaluation_aspects:add"), aspect_data(instrument, rows))
        assert response.status_code == 200
        assert (
            "Jumlah bobot indikator pada aspek Pelayanan harus 100 % (sekarang 90,00 %)."
            in response.content.decode()
        )
        assert not EvaluationAspect.objects.exists()
        rows[1]["weight"] = "50"
        response = client.post(reverse("evaluation_aspects:add"), aspect_data(instrument, rows))
        assert response.status_code == 302
        assert instrument.aspects.get().indicators.count() == 2

    def test_aspect_weight_that_breaks_the_instrument_total_refused(self, client, admin_pemda):
        instrument = make_instrument()  # Pelayanan publik 60 %, Pemerintahan umum 40 %
        aspect = instrument.aspects.get(name="Pemerintahan umum")
        e2 = aspect.indicators.get()
        row = indicator_row(
            "E2", id=str(e2.pk), weight="100", rule="linear", target="10", evidence_types="pdf"
        )
        data = aspect_data(instrument, [], name=aspect.name, weight="50")
        data.update(nested_form_data({"indicators": inline_formset([row], initial=1)}))
        logged_in(client, admin_pemda)
        response = client.post(reverse("evaluation_aspects:edit", args=[aspect.pk]), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Jumlah bobot aspek harus 100 % (sekarang 110,00 %)." in html
        assert "halaman instrumen" in html
        aspect.refresh_from_db()
        assert aspect.weight == 40

    def test_a_removed_aspect_leaves_the_total(self, client, admin_pemda):
        """Removing "Pemerintahan umum" (40 %) leaves 60 %: refused; with the other aspect
        raised to 100 % the removal is saved."""
        instrument = make_instrument()
        instrument.aspects.get(name="Pemerintahan umum").indicators.all().delete()

        def data(first_weight):
            rows = [
                {
                    "id": str(a.pk),
                    "name": a.name,
                    "weight": first_weight if a.name == "Pelayanan publik" else str(a.weight),
                    "sort_order": str(a.sort_order),
                    **({"DELETE": "1"} if a.name == "Pemerintahan umum" else {}),
                }
                for a in instrument.aspects.order_by("sort_order")
            ]
            return nested_form_data(
                {
                    "name": instrument.name,
                    "year": str(instrument.year),
                    "description": "",
                    "weights_must_total_100": "on",
                    "aspects": inline_formset(rows, initial=len(rows)),
                }
            )

        logged_in(client, admin_pemda)
        url = reverse("evaluation_instruments:edit", args=[instrument.pk])
        response = client.post(url, data("60"))
        assert response.status_code == 200
        assert "Jumlah bobot aspek harus 100 % (sekarang 60,00 %)." in response.content.decode()
        assert instrument.aspects.count() == 2
        response = client.post(url, data("100"))
        assert response.status_code == 302
        assert list(instrument.aspects.values_list("name", "weight")) == [("Pelayanan publik", 100)]

    def test_requiring_100_refused_while_indicators_do_not_total_100(self, client, admin_pemda):
        instrument = make_instrument(must_total=False)
        EvaluationIndicator.objects.filter(code="E2").update(weight=70)
        logged_in(client, admin_pemda)
        rows = [
            {"id": str(a.pk), "name": a.name, "weight": str(a.weight), "sort_order": str(n)}
            for n, a in enumerate(instrument.aspects.all())
        ]
        data = nested_form_data(
            {
                "name": instrument.name,
                "year": str(instrument.year),
                "description": "",
                "weights_must_total_100": "on",
                "aspects": inline_formset(rows, initial=len(rows)),
            }
        )
        response = client.post(reverse("evaluation_instruments:edit", args=[instrument.pk]), data)
        assert response.status_code == 200
        assert (
            "Jumlah bobot indikator pada aspek Pemerintahan umum harus 100 % (sekarang 70,00 %)."
            in response.content.decode()
        )
        instrument.refresh_from_db()
        assert not instrument.weights_must_total_100

    def test_instrument_of_a_closed_period_refused(self, client, admin_pemda):
        instrument = make_instrument()
        period = make_period(instrument)
        period_close(period=period, actor=admin_pemda)
        logged_in(client, admin_pemda)
        data = instrument_data()
        data.update(name="Nama lain", year="2026")
        response = client.post(reverse("evaluation_instruments:edit", args=[instrument.pk]), data)
        assert response.status_code == 200
        assert "dipakai periode yang sudah ditutup" in response.content.decode()
        instrument.refresh_from_db()
        assert instrument.name == "EKK Bontang"

    def test_indicator_with_values_cannot_be_removed(self, client, admin_pemda, camat, period):
        report(period, "E1", UTARA, 3, camat)
        aspect = EvaluationAspect.objects.get(name="Pelayanan publik")
        rows = []
        for ind in aspect.indicators.order_by("sort_order", "id"):
            row = indicator_row(
                ind.code,
                id=str(ind.pk),
                weight=str(ind.weight),
                rule=ind.rule,
                target="" if ind.target is None else str(ind.target),
                thresholds="\n".join(f"{t['bound']}={t['score']}" for t in ind.thresholds),
                source=ind.source,
                metric=ind.metric,
                evidence_types=ind.evidence_types,
            )
            if ind.code == "E1":
                row["DELETE"] = "1"
            rows.append(row)
        data = aspect_data(period.instrument, [], name=aspect.name, weight="60")
        data.update(nested_form_data({"indicators": inline_formset(rows, initial=len(rows))}))
        logged_in(client, admin_pemda)
        response = client.post(reverse("evaluation_aspects:edit", args=[aspect.pk]), data)
        assert response.status_code == 200
        assert "sudah punya nilai" in response.content.decode()
        assert aspect.indicators.filter(code="E1").exists()

    def test_only_pemda_admin_configures(self, client, camat, evaluator):
        for user in (camat, evaluator):
            logged_in(client, user)
            assert denied(client.get(reverse("evaluation_instruments:add")))
            assert denied(client.get(reverse("evaluation_periods:add")))


def test_thresholds_widget_round_trip():
    widget = ThresholdsWidget()
    data = {"t": "80=100\n 60,5 = 75 \n\n"}
    value = widget.value_from_datadict(data, {}, "t")
    assert value == '[{"bound": "80", "score": "100"}, {"bound": "60.5", "score": "75"}]'
    assert widget.format_value(value) == "80=100\n60.5=75"
    assert widget.value_from_datadict({"t": ""}, {}, "t") == "[]"


def instrument_data(**aspects):
    return nested_form_data(
        {
            "name": "EKK Bontang",
            "year": "2027",
            "description": "",
            "weights_must_total_100": "on",
            "aspects": inline_formset(
                [
                    {"name": name, "weight": weight, "sort_order": str(n)}
                    for n, (name, weight) in enumerate(aspects.items(), start=1)
                ]
            ),
        }
    )


def indicator_row(code, **fields):
    row = {
        "code": code,
        "name": f"Indikator {code}",
        "description": "",
        "weight": "50",
        "unit": "",
        "direction": "naik",
        "target": "",
        "rule": "ambang",
        "thresholds": "",
        "source": Source.EVIDENCE,
        "metric": "",
        "evidence_types": "pdf",
        "evidence_max_mb": "2",
        "sort_order": "0",
    }
    row.update(fields)
    return row


def refused_aspect(client, rows) -> str:
    """POST an aspect with ``rows`` to a new instrument; the page that refuses it (200)."""
    instrument = EvaluationInstrument.objects.create(name="X", year=2027)
    response = client.post(reverse("evaluation_aspects:add"), aspect_data(instrument, rows))
    assert response.status_code == 200
    return response.content.decode()


def aspect_data(instrument, rows, name="Pelayanan", weight="100"):
    return nested_form_data(
        {
            "instrument": str(instrument.pk),
            "name": name,
            "weight": weight,
            "sort_order": "1",
            "indicators": inline_formset(rows),
        }
    )


class TestDecimalComma:
    """Weights are typed and shown with the Indonesian decimal comma."""

    def test_30_comma_5_is_accepted_and_shown_back_as_typed(self, client, admin_pemda):
        logged_in(client, admin_pemda)
        data = instrument_data(Pelayanan="69,5", Pemerintahan="30,5")
        response = client.post(reverse("evaluation_instruments:add"), data)
        assert response.status_code == 302
        instrument = EvaluationInstrument.objects.get()
        assert sorted(instrument.aspects.values_list("weight", flat=True)) == [
            Decimal("30.5"),
            Decimal("69.5"),
        ]
        html = client.get(reverse("evaluation_instruments:edit", args=[instrument.pk])).content
        html = html.decode()
        assert 'value="30,5"' in html and 'value="69,5"' in html
        assert "30.50" not in html
        assert 'type="number"' not in html.split('name="aspects-0-weight"')[0].rsplit("<", 1)[1]

    def test_a_dot_still_works_and_a_word_is_refused_in_indonesian(self, client, admin_pemda):
        logged_in(client, admin_pemda)
        data = instrument_data(Pelayanan="70.5", Pemerintahan="banyak")
        response = client.post(reverse("evaluation_instruments:add"), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="70,5"' in html and 'value="banyak"' in html
        assert "Masukkan sebuah bilangan." in html
        assert not EvaluationInstrument.objects.exists()
