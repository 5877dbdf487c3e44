"""Kecamatan evaluation: instrument checks, period close, evidence,
verification, corrections, the scoreboard, and every computed metric from real records."""

import hashlib
from datetime import timedelta
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_verify
from reporting.evaluation import metrics
from reporting.evaluation.selectors import scoreboard, scoreboard_for_user
from reporting.evaluation.services import (
    EvaluationError,
    evidence_submit,
    evidence_verify,
    indicator_rule,
    instrument_validate,
    period_close,
    stored_value_hash,
    value_correct,
)
from reporting.models import (
    EvaluationIndicator,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Metric,
)
from tests.forms_builder.factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, submit
from tests.reporting.evaluation.factories import (
    finish,
    indicator,
    make_instrument,
    make_period,
    pdf,
    region,
    report,
)
from tests.reporting.factories import BARAT, SELATAN, UTARA

pytestmark = pytest.mark.django_db


def messages(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


# -- people (admin, evaluators and camat_barat come from conftest) ---------------------


# -- the instrument ------------------------------------------------------------------------


# -- instrument validation ------------------------------------------------------------------


class TestInstrumentValidate:
    def test_a_sound_instrument_passes(self, bontang):
        instrument_validate(instrument=make_instrument())

    def test_aspect_weights_not_100_refused(self, bontang):
        instrument = make_instrument()
        instrument.aspects.filter(name="Pemerintahan umum").update(weight=30)
        with pytest.raises(EvaluationError) as excinfo:
            instrument_validate(instrument=instrument)
        assert "Jumlah bobot aspek harus 100 % (sekarang 90,00 %)." in excinfo.value.messages

    def test_indicator_weights_not_100_refused(self, bontang):
        instrument = make_instrument()
        EvaluationIndicator.objects.filter(code="E1").update(weight=40)
        with pytest.raises(EvaluationError) as excinfo:
            instrument_validate(instrument=instrument)
        assert (
            "Jumlah bobot indikator pada aspek Pelayanan publik harus 100 % (sekarang 90,00 %)."
            in excinfo.value.messages
        )

    def test_weights_free_when_the_instrument_allows(self, bontang):
        instrument = make_instrument(must_total=False)
        instrument.aspects.update(weight=10)
        instrument_validate(instrument=instrument)

    def test_indicator_without_rule_refused(self, bontang):
        instrument = make_instrument()
        EvaluationIndicator.objects.filter(code="E1").update(thresholds=[])
        EvaluationIndicator.objects.filter(code="E2").update(target=None)
        with pytest.raises(EvaluationError) as excinfo:
            instrument_validate(instrument=instrument)
        assert excinfo.value.messages == [
            "Indikator E1: Aturan ambang belum punya satu pun ambang nilai.",
            "Indikator E2: Aturan linear memerlukan target.",
        ]

    def test_malformed_thresholds_refused(self, bontang):
        instrument = make_instrument()
        EvaluationIndicator.objects.filter(code="E1").update(
            thresholds=[{"bound": "x", "score": 1}]
        )
        with pytest.raises(EvaluationError, match="batas ambang harus berupa angka"):
            indicator_rule(indicator(instrument, "E1"))
        EvaluationIndicator.objects.filter(code="E1").update(thresholds=[{"min": 1}])
        with pytest.raises(EvaluationError, match="tepat 'bound' dan 'score'"):
            instrument_validate(instrument=instrument)

    def test_source_and_metric_must_agree(self, bontang):
        instrument = make_instrument()
        EvaluationIndicator.objects.filter(code="K1").update(metric="")
        EvaluationIndicator.objects.filter(code="E2").update(metric=Metric.IKM)
        with pytest.raises(EvaluationError) as excinfo:
            instrument_validate(instrument=instrument)
        assert excinfo.value.messages == [
            "Indikator K1 dihitung dari data tetapi belum memilih metrik.",
            "Indikator E2 berbasis bukti dan tidak boleh memakai metrik.",
        ]

    def test_unknown_evidence_type_refused(self, bontang):
        instrument = make_instrument()
        EvaluationIndicator.objects.filter(code="E2").update(evidence_types="pdf,docx")
        with pytest.raises(EvaluationError, match="jenis berkas bukti tidak dikenal: docx"):
            instrument_validate(instrument=instrument)

    def test_close_refuses_a_bad_instrument_and_stays_open(self, bontang, admin_pemda):
        instrument = make_instrument()
        instrument.aspects.filter(name="Pemerintahan umum").update(weight=30)
        period = make_period(instrument)
        with pytest.raises(EvaluationError, match="Jumlah bobot aspek"):
            period_close(period=period, actor=admin_pemda)
        period.refresh_from_db()
        assert period.status == EvaluationPeriod.Status.OPEN
        assert not IndicatorValue.objects.exists()


# -- the whole flow, ranked by hand -----------------------------------------------------


@pytest.fixture
def evaluated(
    service, utara, staff, staff_selatan, camat_barat, admin_pemda, evaluator, evaluator_utara
):
    """Three kecamatan through a whole period (see ``test_scoreboard_ranked_by_hand``)."""
    instrument = make_instrument()
    period = make_period(instrument)
    finish(service, UTARA, staff, n=2)
    finish(service, SELATAN, staff_selatan, n=1)
    # Bontang Barat finishes nothing; an unfinished application does not count.
    submit(service, kecamatan=region(BARAT))

    camat_utara, camat_selatan = staff["camat"], staff_selatan["camat"]
    evidence_verify(
        value=report(period, "E1", UTARA, 3, camat_utara), actor=evaluator, approve=True
    )
    evidence_verify(
        value=report(period, "E2", UTARA, 5, camat_utara), actor=evaluator, approve=True
    )
    # Selatan's E1 is verified by an evaluator assigned elsewhere (Utara): allowed.
    evidence_verify(
        value=report(period, "E1", SELATAN, 2, camat_selatan), actor=evaluator_utara, approve=True
    )
    report(period, "E2", SELATAN, 10, camat_selatan)  # never verified
    rejected = report(period, "E1", BARAT, 3, camat_barat)
    evidence_verify(value=rejected, actor=evaluator, approve=False, note="Foto loket tidak jelas.")
    evidence_verify(
        value=report(period, "E2", BARAT, "8.25", camat_barat), actor=evaluator, approve=True
    )
    period_close(period=period, actor=admin_pemda)
    period.refresh_from_db()
    return period


def test_scoreboard_ranked_by_hand(evaluated, django_assert_max_num_queries):
    """Worked out by hand (A = 60 %, B = 40 %; in A, K1 and E1 50 % each; B is E2):

    Bontang Utara (64.74.01): K1 = 2 finished → 2/2 × 100 = 100; E1 = 3 verified → 100;
        A = (100×50 + 100×50)/100 = 100; E2 = 5 verified → 5/10 × 100 = 50; B = 50;
        total = (100×60 + 50×40)/100 = 80.
    Bontang Selatan (64.74.02): K1 = 1 → 1/2 × 100 = 50; E1 = 2 verified → 60;
        A = (50×50 + 60×50)/100 = 55; E2 = 10 but only submitted → counts 0; B = 0;
        total = (55×60 + 0×40)/100 = 33.
    Bontang Barat (64.74.03): K1 = 0 → 0; E1 = 3 but rejected → 0; A = 0;
        E2 = 8.25 verified → 82.5; B = 82.5; total = (0×60 + 82.5×40)/100 = 33.
    Ranks: Utara 1; Selatan and Barat tie at 33.00 → both 2 (competition ranking).
    Kabupaten average: total (80 + 33 + 33)/3 = 48.666…; A (100 + 55 + 0)/3 = 51.666…;
        K1 (100 + 50 + 0)/3 = 50.
    """
    with django_assert_max_num_queries(4):
        board = scoreboard(period=evaluated)
    rows = {r.code: r for r in board.rows}
    a, b = (aspect.id for aspect in board.aspects)
    assert [(r.code, r.total, r.rank) for r in board.rows] == [
        (UTARA, D(80), 1),
        (SELATAN, D(33), 2),
        (BARAT, D(33), 2),
    ]
    assert rows[UTARA].aspects == {a: D(100), b: D(50)}
    assert rows[SELATAN].aspects == {a: D(55), b: D(0)}
    assert rows[BARAT].aspects == {a: D(0), b: D("82.5")}
    assert {c: cell.score for c, cell in rows[SELATAN].indicators.items()} == {
        "K1": D(50),
        "E1": D(60),
        "E2": D(0),
    }
    e2 = rows[SELATAN].indicators["E2"]
    assert (e2.value, e2.status, e2.counts) == (D(10), IndicatorValue.Status.SUBMITTED, False)
    barat_e1 = rows[BARAT].indicators["E1"]
    assert (barat_e1.status, barat_e1.score) == (IndicatorValue.Status.REJECTED, 0)
    assert board.count == 3
    assert board.average_total.quantize(D("0.001")) == D("48.667")
    assert board.average_aspects[a].quantize(D("0.001")) == D("51.667")
    assert board.average_indicators["K1"] == D(50)
    assert board.previous_period is None and rows[UTARA].change is None


def test_close_freezes_computed_values_with_hash_and_audit(evaluated):
    frozen = IndicatorValue.objects.filter(status=IndicatorValue.Status.FROZEN).order_by(
        "kecamatan_id"
    )
    assert [(v.kecamatan_id, v.indicator.code, v.value) for v in frozen] == [
        (UTARA, "K1", D(2)),
        (SELATAN, "K1", D(1)),
        (BARAT, "K1", D(0)),
    ]
    assert frozen[0].inputs == {"selesai": 2}
    event = AuditEvent.objects.get(action="evaluation.period_closed")
    assert event.payload["nilai_beku"][f"{UTARA}/K1"] == {
        "nilai": "2.0000",
        "hash": frozen[0].frozen_hash,
    }
    assert event.payload["bukti_belum_diverifikasi"] == 1  # Selatan's E2
    assert evaluated.status == EvaluationPeriod.Status.CLOSED and evaluated.closed_at
    assert audit_verify().ok


def test_values_are_reproducible(evaluated):
    """The stored hash is the hash of the stored row, the metric recomputed from the
    records gives the stored value and inputs, and the scoreboard is the same twice."""
    for value in IndicatorValue.objects.filter(status=IndicatorValue.Status.FROZEN):
        assert stored_value_hash(value) == value.frozen_hash
        recomputed, inputs = metrics.metric_compute(
            value.indicator.metric,
            kecamatan=value.kecamatan_id,
            start=evaluated.start_date,
            end=evaluated.end_date,
        )
        assert (recomputed, inputs) == (value.value, value.inputs)
        assert metrics.value_from_inputs(value.indicator.metric, value.inputs) == value.value
    first, second = scoreboard(period=evaluated), scoreboard(period=evaluated)
    assert [(r.code, r.total, r.rank) for r in first.rows] == [
        (r.code, r.total, r.rank) for r in second.rows
    ]


def test_closing_twice_refused(evaluated, admin_pemda):
    with pytest.raises(EvaluationError, match="sudah ditutup"):
        period_close(period=evaluated, actor=admin_pemda)
    assert AuditEvent.objects.filter(action="evaluation.period_closed").count() == 1


def test_only_pemda_admin_closes(bontang, camat):
    period = make_period(make_instrument())
    with pytest.raises(EvaluationError, match="Hanya admin pemda"):
        period_close(period=period, actor=camat)


def test_kecamatan_cannot_edit_frozen_value(evaluated, staff):
    k1 = indicator(evaluated.instrument, "K1")
    # Even with the period open again, a computed value is not the kecamatan's to enter.
    EvaluationPeriod.objects.filter(pk=evaluated.pk).update(status=EvaluationPeriod.Status.OPEN)
    evaluated.refresh_from_db()
    with pytest.raises(EvaluationError, match="sudah dibekukan; kecamatan tidak dapat"):
        evidence_submit(
            period=evaluated,
            kecamatan=UTARA,
            indicator=k1,
            value=99,
            files=[pdf()],
            actor=staff["camat"],
        )
    assert IndicatorValue.objects.get(kecamatan_id=UTARA, indicator=k1).value == D(2)


def test_no_evidence_after_close(evaluated, staff):
    with pytest.raises(EvaluationError, match="Periode sudah ditutup"):
        report(evaluated, "E2", UTARA, 7, staff["camat"])


def test_verification_after_close_counts_and_is_audited(evaluated, evaluator):
    value = IndicatorValue.objects.get(kecamatan_id=SELATAN, indicator__code="E2")
    evidence_verify(value=value, actor=evaluator, approve=True)
    rows = {r.code: r for r in scoreboard(period=evaluated).rows}
    # Selatan: B becomes 10/10 × 100 = 100; total = (55×60 + 100×40)/100 = 73 → rank 2.
    assert (rows[SELATAN].total, rows[SELATAN].rank, rows[BARAT].rank) == (D(73), 2, 3)
    assert (
        AuditEvent.objects.filter(
            action="evaluation.evidence_verified", kecamatan_id=SELATAN
        ).count()
        == 2
    )


def test_admin_correction_rehashes_and_audits(evaluated, admin_pemda, camat):
    value = IndicatorValue.objects.get(kecamatan_id=BARAT, indicator__code="K1")
    old_hash = value.frozen_hash
    with pytest.raises(EvaluationError, match="Hanya admin pemda"):
        value_correct(value=value, new_value=1, reason="x", actor=camat)
    with pytest.raises(EvaluationError, match="harus disertai alasan"):
        value_correct(value=value, new_value=1, reason=" ", actor=admin_pemda)
    value = value_correct(
        value=value,
        new_value=1,
        reason="Satu permohonan tercatat di kecamatan lain.",
        actor=admin_pemda,
    )
    value.refresh_from_db()
    assert value.value == D(1) and value.frozen_hash != old_hash
    assert stored_value_hash(value) == value.frozen_hash
    assert value.inputs["koreksi"][0]["nilai_lama"] == "0.0000"
    event = AuditEvent.objects.get(action="evaluation.value_corrected")
    assert (event.payload["nilai_lama"], event.payload["nilai_baru"]) == ("0.0000", "1.0000")
    assert (event.payload["hash_lama"], event.payload["hash_baru"]) == (old_hash, value.frozen_hash)
    # Barat: K1 = 1/2 × 100 = 50 → A = 25, total = (25×60 + 82.5×40)/100 = 48.
    rows = {r.code: r for r in scoreboard(period=evaluated).rows}
    assert rows[BARAT].total == D(48)


def test_change_against_the_previous_period(
    evaluated, admin_pemda, staff, evaluator, django_assert_max_num_queries
):
    """A later period of an instrument with the same name (next year's) compares with
    this one: Utara only reports E2 = 10 there (K1 0, E1 missing): A = 0, B = 100,
    total 40; change 40 − 80 = −40."""
    later = make_instrument(year=2027)
    period = make_period(later, end=evaluated.end_date + timedelta(days=1), days=0, name="2027")
    evidence_verify(
        value=report(period, "E2", UTARA, 10, staff["camat"]), actor=evaluator, approve=True
    )
    with django_assert_max_num_queries(4):
        board = scoreboard(period=period)
    rows = {r.code: r for r in board.rows}
    assert board.previous_period == evaluated
    assert (rows[UTARA].total, rows[UTARA].previous_total, rows[UTARA].change) == (
        D(40),
        D(80),
        D(-40),
    )


def test_camat_sees_own_row_average_and_rank_of_n(evaluated, camat_selatan, evaluator):
    board = scoreboard_for_user(period=evaluated, user=camat_selatan)
    assert [(r.code, r.rank) for r in board.rows] == [(SELATAN, 2)]
    assert board.count == 3
    assert board.average_total.quantize(D("0.001")) == D("48.667")
    assert len(scoreboard_for_user(period=evaluated, user=evaluator).rows) == 3
    assert scoreboard_for_user(period=evaluated, user=AnonymousUser()).rows == []


def test_audit_events_of_the_flow(evaluated):
    actions = list(
        AuditEvent.objects.filter(action__startswith="evaluation.").values_list("action", flat=True)
    )
    assert actions.count("evaluation.evidence_submitted") == 6
    assert actions.count("evaluation.evidence_verified") == 4
    assert actions.count("evaluation.evidence_rejected") == 1
    assert actions.count("evaluation.period_closed") == 1
    assert audit_verify().ok


# -- evidence and verification ------------------------------------------------------------


@pytest.fixture
def open_period(bontang):
    return make_period(make_instrument())


class TestEvidence:
    def test_submission_stores_files_with_hash(self, open_period, camat):
        value = report(
            open_period, "E1", UTARA, 2, camat, files=[pdf(), pdf("loket.png", PNG_BYTES)]
        )
        assert value.status == IndicatorValue.Status.SUBMITTED and value.value == D(2)
        stored = list(value.evidence.order_by("description"))
        assert [e.description for e in stored] == ["bukti.pdf", "loket.png"]
        assert stored[0].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
        assert stored[0].file.read() == PDF_BYTES
        assert AuditEvent.objects.filter(
            action="evaluation.evidence_submitted", kecamatan_id=UTARA
        ).exists()

    def test_disallowed_extension_refused_nothing_saved(self, open_period, camat):
        with pytest.raises(EvaluationError) as excinfo:
            report(open_period, "E1", UTARA, 2, camat, files=[pdf(), pdf("foto.jpg")])
        assert messages(excinfo) == (
            "Berkas foto.jpg tidak diizinkan: jenis berkas bukti yang diterima hanya pdf, png."
        )
        assert not IndicatorValue.objects.exists() and not Evidence.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="evaluation.").exists()

    def test_content_not_matching_extension_refused(self, open_period, camat):
        with pytest.raises(EvaluationError, match="Isi berkas program.pdf tidak sesuai"):
            report(open_period, "E1", UTARA, 2, camat, files=[pdf("program.pdf", EXE_BYTES)])
        assert not Evidence.objects.exists()

    def test_too_large_refused_nothing_saved(self, open_period, camat):
        big = PDF_BYTES + b"0" * (1024 * 1024)
        with pytest.raises(EvaluationError) as excinfo:
            report(open_period, "E1", UTARA, 2, camat, files=[pdf(), pdf("besar.pdf", big)])
        assert messages(excinfo) == "Berkas besar.pdf terlalu besar (1,0 MB); batasnya 1 MB."
        assert not IndicatorValue.objects.exists() and not Evidence.objects.exists()

    def test_a_file_is_required(self, open_period, camat):
        with pytest.raises(EvaluationError, match="sedikitnya satu berkas bukti"):
            report(open_period, "E1", UTARA, 2, camat, files=[])

    def test_only_staff_of_that_kecamatan(self, open_period, camat_selatan, evaluator, admin_pemda):
        for actor in (camat_selatan, evaluator, admin_pemda):
            with pytest.raises(EvaluationError, match="Hanya petugas kecamatan ini"):
                report(open_period, "E1", UTARA, 2, actor)

    def test_indicator_of_another_instrument_refused(self, open_period, camat):
        other = make_instrument(name="Lain")
        with pytest.raises(EvaluationError, match="bukan bagian dari instrumen"):
            evidence_submit(
                period=open_period,
                kecamatan=UTARA,
                indicator=indicator(other, "E1"),
                value=1,
                files=[pdf()],
                actor=camat,
            )

    def test_front_office_does_not_report_evidence(self, open_period, loket):
        """The same rule as the admin's evidence menu: camat and back office report."""
        with pytest.raises(EvaluationError, match="Hanya petugas kecamatan ini"):
            report(open_period, "E1", UTARA, 3, loket)
        assert not IndicatorValue.objects.exists()

    def test_computed_indicator_not_entered_by_kecamatan(self, open_period, camat):
        with pytest.raises(EvaluationError, match="K1 dihitung dari data tercatat"):
            report(open_period, "K1", UTARA, 2, camat)

    def test_resubmission_after_rejection(self, open_period, camat, evaluator):
        value = report(open_period, "E1", UTARA, 3, camat)
        evidence_verify(value=value, actor=evaluator, approve=False, note="Tidak terbaca.")
        value = report(open_period, "E1", UTARA, 2, camat, files=[pdf("ulang.pdf")])
        assert value.status == IndicatorValue.Status.SUBMITTED and value.value == D(2)
        assert value.evidence.count() == 2
        event = AuditEvent.objects.get(action="evaluation.evidence_resubmitted")
        assert (event.payload["nilai"], event.payload["nilai_sebelumnya"]) == ("2.0000", "3.0000")

    def test_verified_value_cannot_be_resubmitted(self, open_period, camat, evaluator):
        evidence_verify(
            value=report(open_period, "E1", UTARA, 3, camat), actor=evaluator, approve=True
        )
        with pytest.raises(EvaluationError, match="sudah diverifikasi"):
            report(open_period, "E1", UTARA, 1, camat)


class TestVerification:
    def test_same_kecamatan_refused(self, open_period, camat, evaluator_utara):
        value = report(open_period, "E1", UTARA, 3, camat)
        with pytest.raises(EvaluationError) as excinfo:
            evidence_verify(value=value, actor=evaluator_utara, approve=True)
        assert messages(excinfo) == (
            "Verifikasi oleh petugas dari kecamatan yang sama tidak diizinkan."
        )
        value.refresh_from_db()
        assert value.status == IndicatorValue.Status.SUBMITTED

    def test_evaluator_from_outside_allowed(self, open_period, camat_selatan, evaluator_utara):
        value = report(open_period, "E1", SELATAN, 3, camat_selatan)
        value = evidence_verify(value=value, actor=evaluator_utara, approve=True)
        assert value.status == IndicatorValue.Status.VERIFIED
        assert value.verified_by == evaluator_utara
        assert AuditEvent.objects.filter(action="evaluation.evidence_verified").count() == 1

    def test_needs_evaluator_or_admin_role(self, open_period, camat, camat_selatan):
        value = report(open_period, "E1", UTARA, 3, camat)
        with pytest.raises(EvaluationError, match="Hanya evaluator atau admin pemda"):
            evidence_verify(value=value, actor=camat_selatan, approve=True)

    def test_superuser_may_verify_as_the_queue_offers(self, open_period, camat):
        """The queue is shown to a superuser; the service lets them verify as well."""
        root = get_user_model().objects.create_superuser("root", "root@contoh.id", "x")
        value = evidence_verify(
            value=report(open_period, "E1", UTARA, 3, camat), actor=root, approve=True
        )
        assert value.status == IndicatorValue.Status.VERIFIED

    def test_rejection_needs_a_note(self, open_period, camat, evaluator):
        value = report(open_period, "E1", UTARA, 3, camat)
        with pytest.raises(EvaluationError, match="Penolakan harus disertai catatan"):
            evidence_verify(value=value, actor=evaluator, approve=False, note="  ")

    def test_only_submitted_values(self, open_period, camat, evaluator):
        value = evidence_verify(
            value=report(open_period, "E1", UTARA, 3, camat), actor=evaluator, approve=True
        )
        with pytest.raises(EvaluationError, match="sedang diajukan"):
            evidence_verify(value=value, actor=evaluator, approve=False, note="x")

    def test_unverified_evidence_counts_zero(self, open_period, camat):
        report(open_period, "E1", UTARA, 3, camat)
        row = next(r for r in scoreboard(period=open_period).rows if r.code == UTARA)
        assert row.indicators["E1"].score == 0 and row.total == 0


# -- the metrics, from real records -------------------------------------------------------
