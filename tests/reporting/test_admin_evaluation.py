"""Kecamatan evaluation in the admin (issue #7): instruments, aspects and indicators
through the admin forms, periods and their closing, the kecamatan's evidence, the
evaluators' queue, private evidence downloads and the scoreboards."""

from datetime import timedelta
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.audit.models import AuditEvent
from paten.regions.models import Region
from reporting.evaluation.admin.instruments import ThresholdsWidget
from reporting.evaluation.services import evidence_verify, period_close
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Metric,
    Source,
)
from tests.forms_builder.factories import EXE_BYTES, PDF_BYTES
from tests.reporting.conftest import BARAT, SELATAN, UTARA
from tests.reporting.test_evaluation_services import (
    finish,
    indicator,
    make_instrument,
    make_period,
    report,
)

pytestmark = pytest.mark.django_db

#: The scoreboard page: session, user and Wagtail's menu, plus a fixed number for the
#: periods and the scoreboard (``reporting.evaluation.selectors``).
DASHBOARD_QUERIES = 25


@pytest.fixture(autouse=True)
def _setup(db, settings, tmp_path):
    settings.PATEN_PRIVATE_ROOT = tmp_path / "private"
    roles_sync_permissions()


@pytest.fixture
def period(bontang):
    return make_period(make_instrument())


def login(client, user):
    client.force_login(user)
    return client


def pdf(name="bukti.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def denied(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def page_messages(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


# -- instruments, aspects and indicators ------------------------------------------------


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


class TestInstrumentAdmin:
    def test_admin_builds_an_instrument_through_the_forms(self, client, admin):
        login(client, admin)
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

    def test_aspect_weights_not_100_refused(self, client, admin):
        login(client, admin)
        response = client.post(
            reverse("evaluation_instruments:add"),
            instrument_data(Pelayanan="60", Pemerintahan="30"),
        )
        assert response.status_code == 200
        assert "Jumlah bobot aspek harus 100 % (sekarang 90,00 %)." in response.content.decode()
        assert not EvaluationInstrument.objects.exists()

    def test_odd_weights_allowed_when_the_instrument_does_not_require_100(self, client, admin):
        login(client, admin)
        data = instrument_data(Pelayanan="60", Pemerintahan="30")
        del data["weights_must_total_100"]
        response = client.post(reverse("evaluation_instruments:add"), data)
        assert response.status_code == 302
        instrument = EvaluationInstrument.objects.get()
        assert sorted(instrument.aspects.values_list("weight", flat=True)) == [30, 60]

    def test_indicator_without_rule_and_bad_threshold_refused(self, client, admin):
        instrument = EvaluationInstrument.objects.create(name="X", year=2027)
        login(client, admin)
        response = client.post(
            reverse("evaluation_aspects:add"),
            aspect_data(
                instrument,
                [
                    indicator_row("E1", weight="50"),
                    indicator_row("E2", weight="50", thresholds="banyak=100"),
                ],
            ),
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Indikator E1: Aturan ambang belum punya satu pun ambang nilai." in html
        assert "Indikator E2: batas ambang harus berupa angka (sekarang &#x27;banyak&#x27;)." in (
            html
        )
        assert not EvaluationAspect.objects.exists()

    def test_each_unscorable_indicator_refused_with_its_reason(self, client, admin):
        instrument = EvaluationInstrument.objects.create(name="X", year=2027)
        login(client, admin)
        response = client.post(
            reverse("evaluation_aspects:add"),
            aspect_data(
                instrument,
                [
                    indicator_row("K1", weight="25", source=Source.COMPUTED, rule="linear"),
                    indicator_row("E1", weight="25", thresholds="1=100", evidence_types="docx"),
                    indicator_row(
                        "E2", weight="25", thresholds="1=100", metric=Metric.IKM, target="5"
                    ),
                    indicator_row("E2", weight="25", rule="linear", target="0"),
                ],
            ),
        )
        assert response.status_code == 200
        html = response.content.decode()
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

    def test_indicator_weights_not_100_refused(self, client, admin):
        instrument = EvaluationInstrument.objects.create(name="X", year=2027)
        login(client, admin)
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

    def test_aspect_weight_that_breaks_the_instrument_total_refused(self, client, admin):
        instrument = make_instrument()  # Pelayanan publik 60 %, Pemerintahan umum 40 %
        aspect = instrument.aspects.get(name="Pemerintahan umum")
        e2 = aspect.indicators.get()
        row = indicator_row(
            "E2", id=str(e2.pk), weight="100", rule="linear", target="10", evidence_types="pdf"
        )
        data = aspect_data(instrument, [], name=aspect.name, weight="50")
        data.update(nested_form_data({"indicators": inline_formset([row], initial=1)}))
        login(client, admin)
        response = client.post(reverse("evaluation_aspects:edit", args=[aspect.pk]), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Jumlah bobot aspek harus 100 % (sekarang 110,00 %)." in html
        assert "halaman instrumen" in html
        aspect.refresh_from_db()
        assert aspect.weight == 40

    def test_a_removed_aspect_leaves_the_total(self, client, admin):
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

        login(client, admin)
        url = reverse("evaluation_instruments:edit", args=[instrument.pk])
        response = client.post(url, data("60"))
        assert response.status_code == 200
        assert "Jumlah bobot aspek harus 100 % (sekarang 60,00 %)." in response.content.decode()
        assert instrument.aspects.count() == 2
        response = client.post(url, data("100"))
        assert response.status_code == 302
        assert list(instrument.aspects.values_list("name", "weight")) == [("Pelayanan publik", 100)]

    def test_requiring_100_refused_while_indicators_do_not_total_100(self, client, admin):
        instrument = make_instrument(must_total=False)
        EvaluationIndicator.objects.filter(code="E2").update(weight=70)
        login(client, admin)
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

    def test_instrument_of_a_closed_period_refused(self, client, admin):
        instrument = make_instrument()
        period = make_period(instrument)
        period_close(period=period, actor=admin)
        login(client, admin)
        data = instrument_data()
        data.update(name="Nama lain", year="2026")
        response = client.post(reverse("evaluation_instruments:edit", args=[instrument.pk]), data)
        assert response.status_code == 200
        assert "dipakai periode yang sudah ditutup" in response.content.decode()
        instrument.refresh_from_db()
        assert instrument.name == "EKK Bontang"

    def test_indicator_with_values_cannot_be_removed(self, client, admin, camat, period):
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
        login(client, admin)
        response = client.post(reverse("evaluation_aspects:edit", args=[aspect.pk]), data)
        assert response.status_code == 200
        assert "sudah punya nilai" in response.content.decode()
        assert aspect.indicators.filter(code="E1").exists()

    def test_only_pemda_admin_configures(self, client, camat, evaluator):
        for user in (camat, evaluator):
            login(client, user)
            assert denied(client.get(reverse("evaluation_instruments:add")))
            assert denied(client.get(reverse("evaluation_periods:add")))


def test_thresholds_widget_round_trip():
    widget = ThresholdsWidget()
    data = {"t": "80=100\n 60,5 = 75 \n\n"}
    value = widget.value_from_datadict(data, {}, "t")
    assert value == '[{"bound": "80", "score": "100"}, {"bound": "60.5", "score": "75"}]'
    assert widget.format_value(value) == "80=100\n60.5=75"
    assert widget.value_from_datadict({"t": ""}, {}, "t") == "[]"


# -- periods ----------------------------------------------------------------------------


class TestPeriodAdmin:
    def test_admin_creates_a_period_with_installation_kecamatan_only(self, client, admin):
        instrument = make_instrument()
        login(client, admin)
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

    def test_closed_period_keeps_its_dates_and_kecamatan(self, client, admin, period):
        period_close(period=period, actor=admin)
        login(client, admin)
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

    def test_close_through_the_admin(self, client, admin, period):
        login(client, admin)
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

    def test_close_of_a_bad_instrument_shows_why(self, client, admin, period):
        EvaluationAspect.objects.filter(name="Pemerintahan umum").update(weight=10)
        login(client, admin)
        response = client.post(reverse("evaluation_periods:close", args=[period.pk]), follow=True)
        assert "Jumlah bobot aspek harus 100 % (sekarang 70,00 %)." in page_messages(response)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.OPEN

    def test_camat_cannot_close(self, client, camat, period):
        login(client, camat)
        response = client.post(reverse("evaluation_periods:close", args=[period.pk]))
        assert denied(response)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.OPEN


# -- the kecamatan's evidence -----------------------------------------------------------


def submit_url(period, code, ind):
    return reverse("evaluation_evidence:submit", args=[period.pk, code, ind.pk])


class TestEvidenceAdmin:
    def test_camat_sees_evidence_indicators_of_own_kecamatan(self, client, camat, period):
        login(client, camat)
        response = client.get(reverse("evaluation_evidence:index"))
        html = response.content.decode()
        assert [s["kecamatan"].code for s in response.context["sections"]] == [UTARA]
        codes = [r["indicator"].code for r in response.context["sections"][0]["rows"]]
        assert codes == ["E1", "E2"]  # K1 is computed, not entered
        assert "Belum diisi" in html

    def test_camat_submits_value_and_file(self, client, camat, period):
        e1 = indicator(period.instrument, "E1")
        login(client, camat)
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
        login(client, back_office)
        e2 = indicator(period.instrument, "E2")
        response = client.post(submit_url(period, UTARA, e2), {"value": "4", "files": [pdf()]})
        assert response.status_code == 302
        assert IndicatorValue.objects.filter(indicator=e2, kecamatan_id=UTARA).exists()

    def test_disallowed_type_refused_nothing_saved(self, client, camat, period):
        e1 = indicator(period.instrument, "E1")
        login(client, camat)
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
        login(client, camat)
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
        login(client, camat_barat)
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
            login(client, user)
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Cache-Control"].startswith("private, no-store")

    def test_evaluator_has_no_evidence_page(self, client, evaluator):
        login(client, evaluator)
        assert denied(client.get(reverse("evaluation_evidence:index")))


# -- verification -----------------------------------------------------------------------


class TestVerificationAdmin:
    def test_evaluator_approves_and_rejects(self, client, camat, camat_selatan, evaluator, period):
        utara = report(period, "E1", UTARA, 3, camat)
        selatan = report(period, "E1", SELATAN, 2, camat_selatan)
        login(client, evaluator)
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
        login(client, camat_selatan)
        html = client.get(reverse("evaluation_evidence:index")).content.decode()
        assert "Foto kabur." in html

    def test_evaluator_of_the_same_kecamatan_refused(self, client, camat, evaluator_utara, period):
        value = report(period, "E1", UTARA, 3, camat)
        login(client, evaluator_utara)
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
        login(client, camat_selatan)
        assert denied(client.get(reverse("evaluation_verification:index")))
        response = client.post(
            reverse("evaluation_verification:verify", args=[value.pk]), {"decision": "approve"}
        )
        assert denied(response)


# -- scoreboards ------------------------------------------------------------------------


@pytest.fixture
def evaluated(service, staff, camat_selatan, loket_selatan, camat_barat, admin, evaluator):
    """As ``test_evaluation_services.evaluated``: Utara 80, Selatan 33, Barat 33."""
    back_office_selatan = staff_create(
        username="backoffice.selatan", password="x", roles=[Role.BACK_OFFICE], kecamatan=[SELATAN]
    )
    staff_selatan = {
        "loket": loket_selatan,
        "back_office": back_office_selatan,
        "camat": camat_selatan,
    }
    period = make_period(make_instrument())
    finish(service, UTARA, staff, n=2)
    finish(service, SELATAN, staff_selatan, n=1)
    for args in [("E1", UTARA, 3, staff["camat"]), ("E2", UTARA, 5, staff["camat"])]:
        evidence_verify(value=report(period, *args), actor=evaluator, approve=True)
    evidence_verify(
        value=report(period, "E1", SELATAN, 2, camat_selatan), actor=evaluator, approve=True
    )
    report(period, "E2", SELATAN, 10, camat_selatan)
    evidence_verify(
        value=report(period, "E2", BARAT, "8.25", camat_barat), actor=evaluator, approve=True
    )
    period_close(period=period, actor=admin)
    period.refresh_from_db()
    return period


class TestScoreboard:
    def test_ranking_for_pemda(self, client, admin, evaluated):
        login(client, admin)
        response = client.get(reverse("evaluation_dashboard:index"), {"period": evaluated.pk})
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

    def test_drill_down_shows_indicators_and_evidence(self, client, evaluator, evaluated):
        login(client, evaluator)
        response = client.get(
            reverse("evaluation_dashboard:kecamatan", args=[evaluated.pk, SELATAN])
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

    def test_camat_sees_own_rank_and_average_only(self, client, camat_selatan, evaluated):
        login(client, camat_selatan)
        response = client.get(reverse("evaluation_dashboard:index"))
        assert [r["row"].code for r in response.context["rows"]] == [SELATAN]
        html = response.content.decode()
        assert "Bontang Utara" not in html and "Bontang Barat" not in html
        assert "48,67" in html  # the kabupaten average
        assert "2 / 3" in html

    def test_query_count_pinned(self, client, admin, evaluated, django_assert_num_queries):
        """The page costs the same whatever the number of kecamatan evaluated."""
        login(client, admin)
        url = reverse("evaluation_dashboard:index")
        client.get(url, {"period": evaluated.pk})  # warm the session and caches
        with django_assert_num_queries(DASHBOARD_QUERIES):
            client.get(url, {"period": evaluated.pk})
        Region.objects.create(code="64.74.04", name="Bontang Timur", parent_id="64.74")
        evaluated.kecamatan.add("64.74.04")
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(url, {"period": evaluated.pk})
        assert len(response.context["rows"]) == 4


class TestCorrection:
    """The pemda correction of a frozen or verified value (``value_correct``) from the
    drill-down: Selatan's K1 was frozen at 1 (one application finished, target 2 → 50)."""

    def k1(self, period, code=SELATAN):
        return IndicatorValue.objects.get(period=period, kecamatan_id=code, indicator__code="K1")

    def test_admin_corrects_a_frozen_value_and_the_ranking_follows(self, client, admin, evaluated):
        value = self.k1(evaluated)
        old_hash = value.frozen_hash
        login(client, admin)
        drill_down = reverse("evaluation_dashboard:kecamatan", args=[evaluated.pk, SELATAN])
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
        rows = client.get(reverse("evaluation_dashboard:index"), {"period": evaluated.pk})
        totals = {r["row"].code: r["total"] for r in rows.context["rows"]}
        assert totals[SELATAN] == "48,00"
        html = client.get(url).content.decode()
        assert "Satu permohonan dicatat di kecamatan lain" in html  # the history
        assert "dikoreksi 1 kali" in client.get(drill_down).content.decode()

    def test_reason_and_number_required_nothing_changed(self, client, admin, evaluated):
        value = self.k1(evaluated)
        login(client, admin)
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

    def test_submitted_value_cannot_be_corrected(self, client, admin, evaluated):
        submitted = IndicatorValue.objects.get(
            period=evaluated, kecamatan_id=SELATAN, indicator__code="E2"
        )
        login(client, admin)
        url = reverse("evaluation_dashboard:correct", args=[submitted.pk])
        response = client.post(url, {"value": "3", "reason": "x"})
        assert "Hanya nilai yang sudah dibekukan atau diverifikasi" in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.value == 10

    def test_only_pemda_admin_corrects(self, client, evaluator, camat_selatan, evaluated):
        value = self.k1(evaluated)
        url = reverse("evaluation_dashboard:correct", args=[value.pk])
        for user in (evaluator, camat_selatan):
            login(client, user)
            assert denied(client.post(url, {"value": "2", "reason": "x"}))
            drill_down = reverse("evaluation_dashboard:kecamatan", args=[evaluated.pk, SELATAN])
            assert url not in client.get(drill_down).content.decode()
        value.refresh_from_db()
        assert value.value == 1


def test_evaluator_reads_instruments_and_periods(client, evaluator, period):
    login(client, evaluator)
    assert client.get(reverse("evaluation_instruments:index")).status_code == 200
    inspect = reverse("evaluation_periods:inspect", args=[period.pk])
    assert client.get(inspect).status_code == 200
    assert denied(client.get(reverse("evaluation_periods:edit", args=[period.pk])))
    assert denied(client.post(reverse("evaluation_periods:close", args=[period.pk])))
    html = client.get(reverse("evaluation_periods:index")).content.decode()
    assert "Tutup periode" not in html and "Peringkat" in html


def test_menu_per_role(client, admin, camat, evaluator):
    """One "Evaluasi kecamatan" menu; each role sees its own pages in it."""
    expected = {
        admin: {"Papan nilai", "Verifikasi bukti", "Periode evaluasi", "Instrumen"},
        camat: {"Papan nilai", "Bukti kecamatan"},
        evaluator: {"Papan nilai", "Verifikasi bukti", "Periode evaluasi", "Instrumen"},
    }
    for user, labels in expected.items():
        login(client, user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Evaluasi kecamatan" in html
        for label in labels:
            assert label in html, (user, label)
    login(client, camat)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Verifikasi bukti" not in html and "Instrumen" not in html


def test_ranking_shows_change_against_previous_period(client, admin, camat, evaluator):
    """Previous period: K1 frozen at 0 everywhere, totals 0. This period: Utara's E2 = 5
    verified → B = 50 → total 50 × 40 % = 20, so +20,00; the others stay at 0,00."""
    instrument = make_instrument()
    today = timezone.localdate()
    before = make_period(instrument, end=today - timedelta(days=40), name="Lalu")
    period_close(period=before, actor=admin)
    period = make_period(instrument, name="Kini")
    evidence_verify(value=report(period, "E2", UTARA, 5, camat), actor=evaluator, approve=True)
    period_close(period=period, actor=admin)
    login(client, admin)
    response = client.get(reverse("evaluation_dashboard:index"), {"period": period.pk})
    rows = response.context["rows"]
    assert [(r["row"].code, r["total"], r["change"]) for r in rows] == [
        (UTARA, "20,00", "+20,00"),
        (SELATAN, "0,00", "0,00"),
        (BARAT, "0,00", "0,00"),
    ]
    assert "Perubahan dibandingkan Lalu." in response.content.decode()
