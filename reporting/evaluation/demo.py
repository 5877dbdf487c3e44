"""Demo data of the kecamatan evaluation for Kota Bontang.

``evaluation_demo_load()`` creates the instrument "Monitoring dan evaluasi PATEN" of last
year and of this year (aspects Substantif, Administratif and Teknis: the three
requirement groups of Permendagri 4/2010, docs/domain/paten.md, the three requirement groups), the two semesters of last
year, closed with their ranking published, and an open period for this year.

Everything goes through the services: the camat of each kecamatan submits the
evidence, the evaluator verifies it (one document is rejected and one still waits),
and the pemda admin closes the period, which computes and freezes the computed
indicators from the recorded applications, catalog and survey.

Idempotent: instruments, periods and values are created only when missing, and a
closed period is left alone. Needs the regions and the demo staff of
``load_demo_data`` (``camat.<kecamatan>``, ``evaluator``, ``adminpemda``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from paten.demo import DEMO_KECAMATAN
from reporting.evaluation.services import (
    evidence_submit,
    evidence_verify,
    instrument_validate,
    period_close,
)
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    IndicatorValue,
    Metric,
    Source,
)

INSTRUMENT_NAME = "Monitoring dan evaluasi PATEN"
UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"
ADMIN_USERNAME = "adminpemda"
EVALUATOR_USERNAME = "evaluator"
#: A minimal PDF: evidence_submit checks that the content sniffs as PDF.
DEMO_PDF = b"%PDF-1.4\n% PATEN demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PRESENT = [{"bound": "1", "score": "100"}]  # a document that exists (1) scores 100

# (aspect, weight, [(code, name, weight, unit, source, metric, rule, target, thresholds)])
ASPECTS = (
    (
        "Substantif",
        Decimal(35),
        (
            (
                "SUB1",
                "Jenis layanan yang dilimpahkan dan benar-benar dilayani",
                Decimal(60),
                "layanan",
                Source.COMPUTED,
                Metric.DELEGATED_SERVICES_OFFERED,
                "linear",
                Decimal(10),
                [],
            ),
            (
                "SUB2",
                "Perwali tentang pelimpahan sebagian kewenangan wali kota kepada camat "
                "beserta daftar jenis layanan",
                Decimal(40),
                "ada (1) / tidak (0)",
                Source.EVIDENCE,
                "",
                "ambang",
                None,
                PRESENT,
            ),
        ),
    ),
    (
        "Administratif",
        Decimal(35),
        (
            (
                "ADM1",
                "Layanan dengan standar pelayanan lengkap dan dipublikasikan",
                Decimal(30),
                "%",
                Source.COMPUTED,
                Metric.STANDARDS_COMPLETE_PERCENT,
                "linear",
                Decimal(100),
                [],
            ),
            (
                "ADM2",
                "Permohonan selesai tepat waktu sesuai standar pelayanan",
                Decimal(25),
                "%",
                Source.COMPUTED,
                Metric.SLA_PERCENT,
                "ambang",
                None,
                [
                    {"bound": "90", "score": "100"},
                    {"bound": "75", "score": "75"},
                    {"bound": "50", "score": "50"},
                    {"bound": "0", "score": "25"},
                ],
            ),
            (
                "ADM3",
                "SK Camat tentang uraian tugas personil pelaksana PATEN",
                Decimal(25),
                "ada (1) / tidak (0)",
                Source.EVIDENCE,
                "",
                "ambang",
                None,
                PRESENT,
            ),
            (
                "ADM4",
                "Permohonan informasi publik dijawab PPID dalam batas waktu UU 14/2008",
                Decimal(20),
                "%",
                Source.COMPUTED,
                Metric.PPID_ON_TIME,
                "linear",
                Decimal(100),
                [],
            ),
        ),
    ),
    (
        "Teknis",
        Decimal(30),
        (
            (
                "TEK1",
                "SK Camat tentang pelaksana teknis PATEN",
                Decimal(30),
                "ada (1) / tidak (0)",
                Source.EVIDENCE,
                "",
                "ambang",
                None,
                PRESENT,
            ),
            (
                "TEK2",
                "Sarana: ruang tunggu, loket, tempat pengaduan, tempat pembayaran, "
                "tempat penyerahan dokumen",
                Decimal(40),
                "sarana tersedia (0–5)",
                Source.EVIDENCE,
                "",
                "linear",
                Decimal(5),
                [],
            ),
            (
                "TEK3",
                "Indeks Kepuasan Masyarakat (SKM)",
                Decimal(30),
                "25–100",
                Source.COMPUTED,
                Metric.IKM,
                "ambang",
                None,
                [
                    {"bound": "88.31", "score": "100"},
                    {"bound": "76.61", "score": "80"},
                    {"bound": "65", "score": "60"},
                    {"bound": "25", "score": "30"},
                ],
            ),
        ),
    ),
)

VERIFY, REJECT, PENDING = "verify", "reject", "pending"
REJECTION_NOTE = "Lampiran belum memuat tanda tangan dan stempel; mohon unggah ulang."

#: Evidence per period key and kecamatan: {indicator: (value, what the evaluator does)}.
EVIDENCE = {
    "s1": {
        UTARA: {"SUB2": (1, VERIFY), "ADM3": (1, VERIFY), "TEK1": (1, VERIFY), "TEK2": (4, VERIFY)},
        SELATAN: {"SUB2": (1, VERIFY), "ADM3": (1, VERIFY), "TEK2": (3, VERIFY)},
        BARAT: {"SUB2": (1, VERIFY), "TEK1": (1, REJECT), "TEK2": (2, VERIFY)},
    },
    "s2": {
        UTARA: {"SUB2": (1, VERIFY), "ADM3": (1, VERIFY), "TEK1": (1, VERIFY), "TEK2": (5, VERIFY)},
        SELATAN: {
            "SUB2": (1, VERIFY),
            "ADM3": (1, VERIFY),
            "TEK1": (1, VERIFY),
            "TEK2": (3, VERIFY),
        },
        BARAT: {
            "SUB2": (1, VERIFY),
            "ADM3": (1, PENDING),
            "TEK1": (1, VERIFY),
            "TEK2": (3, VERIFY),
        },
    },
    "current": {
        UTARA: {"SUB2": (1, VERIFY), "TEK2": (5, PENDING)},
        SELATAN: {"SUB2": (1, PENDING)},
    },
}


@dataclass
class EvaluationDemoResult:
    instruments_created: int = 0
    periods_created: int = 0
    periods_closed: int = 0
    values_submitted: int = 0

    @property
    def message(self) -> str:
        return (
            f"evaluation: {self.instruments_created} instruments, {self.periods_created} "
            f"periods created ({self.periods_closed} closed), {self.values_submitted} "
            "evidence values submitted"
        )


def _instrument(year: int, result: EvaluationDemoResult) -> EvaluationInstrument:
    # The name carries no year: the instrument's year field does (str() shows
    # "Monitoring dan evaluasi PATEN <year>"), and the scoreboard compares periods of
    # instruments with the same name, so this year's ranking shows the change.
    instrument, created = EvaluationInstrument.objects.get_or_create(
        name=INSTRUMENT_NAME,
        year=year,
        defaults={
            "description": "Instrumen contoh (demo): persyaratan substantif, administratif "
            "dan teknis PATEN (Permendagri 4/2010)."
        },
    )
    if created:
        result.instruments_created += 1
        for order, (aspect_name, weight, indicators) in enumerate(ASPECTS, start=1):
            aspect = EvaluationAspect.objects.create(
                instrument=instrument, name=aspect_name, weight=weight, sort_order=order
            )
            for position, spec in enumerate(indicators, start=1):
                code, name, i_weight, unit, source, metric, rule, target, thresholds = spec
                EvaluationIndicator.objects.create(
                    aspect=aspect,
                    code=code,
                    name=name,
                    weight=i_weight,
                    unit=unit,
                    source=source,
                    metric=metric,
                    rule=rule,
                    target=target,
                    thresholds=thresholds,
                    evidence_types="pdf,jpg,jpeg,png",
                    sort_order=position,
                )
    instrument_validate(instrument=instrument)
    return instrument


def _period(instrument, name: str, start: date, end: date, *, public: bool, result):
    period, created = EvaluationPeriod.objects.get_or_create(
        instrument=instrument,
        name=name,
        defaults={"start_date": start, "end_date": end, "public_ranking": public},
    )
    if created:
        period.kecamatan.set(list(DEMO_KECAMATAN))
        result.periods_created += 1
    return period


def _evidence(period, plan: dict, users: dict, result: EvaluationDemoResult) -> None:
    indicators = {
        i.code: i
        for i in EvaluationIndicator.objects.filter(
            aspect__instrument=period.instrument
        ).select_related("aspect")
    }
    for code, entries in plan.items():
        for indicator_code, (value, action) in entries.items():
            indicator = indicators[indicator_code]
            stored = IndicatorValue.objects.filter(
                period=period, kecamatan_id=code, indicator=indicator
            ).first()
            if stored is None and period.status == EvaluationPeriod.Status.OPEN:
                stored = evidence_submit(
                    period=period,
                    kecamatan=code,
                    indicator=indicator,
                    value=value,
                    files=[
                        SimpleUploadedFile(
                            f"{indicator_code.lower()}-{code}.pdf",
                            DEMO_PDF,
                            content_type="application/pdf",
                        )
                    ],
                    note="Data contoh (demo).",
                    actor=users[code],
                )
                result.values_submitted += 1
            if stored is None or stored.status != IndicatorValue.Status.SUBMITTED:
                continue
            if action == VERIFY:
                evidence_verify(value=stored, actor=users["evaluator"], approve=True)
            elif action == REJECT:
                evidence_verify(
                    value=stored, actor=users["evaluator"], approve=False, note=REJECTION_NOTE
                )


def _users() -> dict:
    names = {code: f"camat.{slug}" for code, slug in DEMO_KECAMATAN.items()}
    names |= {"evaluator": EVALUATOR_USERNAME, "admin": ADMIN_USERNAME}
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names.values())}
    missing = sorted(set(names.values()) - set(found))
    if missing:
        raise RuntimeError(
            f"evaluation demo needs the demo staff first (missing: {', '.join(missing)})"
        )
    return {key: found[username] for key, username in names.items()}


@transaction.atomic
def evaluation_demo_load() -> EvaluationDemoResult:
    """Create the demo instruments, periods, evidence and verifications if missing, and
    close last year's semesters. Safe to run again: a rerun creates nothing."""
    result = EvaluationDemoResult()
    users = _users()
    year = timezone.localdate().year
    last = _instrument(year - 1, result)
    current = _instrument(year, result)
    semesters = (
        ("s1", f"Semester I {year - 1}", date(year - 1, 1, 1), date(year - 1, 6, 30)),
        ("s2", f"Semester II {year - 1}", date(year - 1, 7, 1), date(year - 1, 12, 31)),
    )
    for key, name, start, end in semesters:
        period = _period(last, name, start, end, public=True, result=result)
        _evidence(period, EVIDENCE[key], users, result)
        if period.status == EvaluationPeriod.Status.OPEN:
            period_close(period=period, actor=users["admin"])
            result.periods_closed += 1
    period = _period(
        current,
        f"Tahun {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        public=False,
        result=result,
    )
    _evidence(period, EVIDENCE["current"], users, result)
    return result
