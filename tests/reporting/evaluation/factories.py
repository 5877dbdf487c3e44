"""Builders of the evaluation tests: an instrument with computed and evidence indicators,
periods, reported values and finished applications."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.regions.models import Region
from reporting.evaluation.services import (
    evidence_submit,
    evidence_verify,
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
from tests.forms_builder.factories import PDF_BYTES, advance, submit
from tests.reporting.factories import BARAT, SELATAN, UTARA


def pdf(name="bukti.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_instrument(name="EKK Bontang", year=2026, *, must_total=True) -> EvaluationInstrument:
    """Two aspects: A "Pelayanan publik" (60 %) with K1 (computed: applications finished,
    linear to a target of 2, 50 %) and E1 (evidence: counters open, thresholds ≥3 → 100,
    ≥2 → 60, ≥1 → 30, 50 %); B "Pemerintahan umum" (40 %) with E2 (evidence: Forkopimcam
    meetings, linear to a target of 10, 100 %)."""
    instrument = EvaluationInstrument.objects.create(
        name=name, year=year, weights_must_total_100=must_total
    )
    a = EvaluationAspect.objects.create(
        instrument=instrument, name="Pelayanan publik", weight=60, sort_order=1
    )
    b = EvaluationAspect.objects.create(
        instrument=instrument, name="Pemerintahan umum", weight=40, sort_order=2
    )
    EvaluationIndicator.objects.create(
        aspect=a,
        code="K1",
        name="Permohonan selesai",
        weight=50,
        rule="linear",
        target=2,
        source=Source.COMPUTED,
        metric=Metric.APPLICATIONS_FINISHED,
    )
    EvaluationIndicator.objects.create(
        aspect=a,
        code="E1",
        name="Loket pelayanan yang buka",
        weight=50,
        rule="ambang",
        thresholds=[
            {"bound": "3", "score": "100"},
            {"bound": "2", "score": "60"},
            {"bound": "1", "score": "30"},
        ],
        source=Source.EVIDENCE,
        evidence_types="pdf,png",
        evidence_max_mb=1,
        sort_order=1,
    )
    EvaluationIndicator.objects.create(
        aspect=b,
        code="E2",
        name="Rapat Forkopimcam",
        weight=100,
        rule="linear",
        target=10,
        source=Source.EVIDENCE,
    )
    return instrument


def make_period(instrument, *, days=30, end=None, name="Periode uji") -> EvaluationPeriod:
    end = end or timezone.localdate()
    period = EvaluationPeriod.objects.create(
        instrument=instrument, name=name, start_date=end - timedelta(days=days), end_date=end
    )
    period.kecamatan.set([UTARA, SELATAN, BARAT])
    return period


def indicator(instrument, code) -> EvaluationIndicator:
    return EvaluationIndicator.objects.get(aspect__instrument=instrument, code=code)


def report(period, code, kecamatan, value, actor, **kwargs) -> IndicatorValue:
    return evidence_submit(
        period=period,
        kecamatan=kecamatan,
        indicator=indicator(period.instrument, code),
        value=value,
        files=kwargs.pop("files", [pdf()]),
        note=kwargs.pop("note", ""),
        actor=actor,
    )


def region(code) -> Region:
    return Region.objects.get(code=code)


def finish(service, kecamatan, people, n=1):
    return [
        advance(submit(service, kecamatan=region(kecamatan)), **people, until="selesai")
        for _ in range(n)
    ]


SECRET_NOTE = "Catatan rahasia kecamatan 0812"


REJECTION = "Stempel tidak terbaca"


def evaluation_people() -> dict:
    people = {
        "admin": staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA]),
        "evaluator": staff_create(username="tim.penilai", password="x", roles=[Role.EVALUATOR]),
    }
    for code, slug in ((UTARA, "utara"), (SELATAN, "selatan"), (BARAT, "barat")):
        people[code] = staff_create(
            username=f"camat.eval.{slug}", password="x", roles=[Role.CAMAT], kecamatan=[code]
        )
    return people


def evaluated_periods(people: dict, *, public: bool = True) -> tuple:
    """A previous closed period (nothing reported: every total 0) and the current one:
    Utara E1 = 3, E2 = 10 (total 70); Selatan E1 = 2, E2 = 5 (total 38); Barat's E1 is
    rejected and its E2 still waits for verification (total 0)."""
    instrument = make_instrument()
    today = timezone.localdate()
    previous = make_period(instrument, end=today - timedelta(days=40), name="Periode lalu")
    period_close(period=previous, actor=people["admin"])
    period = make_period(instrument, name="Periode kini")
    verify = people["evaluator"]
    for code, e1, e2 in ((UTARA, 3, 10), (SELATAN, 2, 5)):
        evidence_verify(
            value=report(period, "E1", code, e1, people[code], note=SECRET_NOTE),
            actor=verify,
            approve=True,
        )
        evidence_verify(
            value=report(period, "E2", code, e2, people[code]), actor=verify, approve=True
        )
    evidence_verify(
        value=report(period, "E1", BARAT, 3, people[BARAT], note=SECRET_NOTE),
        actor=verify,
        approve=False,
        note=REJECTION,
    )
    report(period, "E2", BARAT, 10, people[BARAT])
    period_close(period=period, actor=people["admin"])
    EvaluationPeriod.objects.filter(pk__in=[previous.pk, period.pk]).update(public_ranking=public)
    period.refresh_from_db()
    previous.refresh_from_db()
    return previous, period


def denied(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def page_messages(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])
