"""Kecamatan evaluation: instruments, indicators, periods, values, evidence.

An admin defines an instrument per year (aspects with weights, indicators with weight,
unit, direction, target, scoring rule and source). A period says which kecamatan are
evaluated and when. Each (period, kecamatan, indicator) has one ``IndicatorValue``:
computed values are taken from the records at period close and frozen with a hash in
the audit chain; evidence values count only once an evaluator from outside the
kecamatan has verified them. Writes go through ``reporting.evaluation.services``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from forms_builder.models.application import private_storage
from reporting.evaluation.scoring import Direction, Rule

_PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Source(models.TextChoices):
    COMPUTED = "hitung", _("Computed from recorded data")
    EVIDENCE = "bukti", _("Reported with evidence, verified by an evaluator")


class Metric(models.TextChoices):
    """The fixed, documented set of metrics the platform computes."""

    APPLICATIONS_RECEIVED = "permohonan_diterima", _("Applications received")
    APPLICATIONS_FINISHED = "permohonan_selesai", _("Applications finished")
    SLA_PERCENT = "persen_tepat_waktu", _("% finished within the service standard time")
    MEDIAN_WORKING_DAYS = "median_hari_kerja", _("Median working days to finish")
    IKM = "ikm", _("IKM of the period (25–100)")
    SURVEY_SAMPLE_ADEQUATE = "sampel_skm_memadai", _("Survey sample adequate (1 = yes, 0 = no)")
    DELEGATED_SERVICES_OFFERED = "layanan_dilimpahkan", _("Delegated services actually offered")
    STANDARDS_COMPLETE_PERCENT = (
        "persen_standar_lengkap",
        _("% of services with a complete, published standard"),
    )
    PPID_ON_TIME = "persen_ppid_tepat_waktu", _("% of PPID requests answered on time")
    DAYS_SINCE_SYNC = (
        "hari_sejak_sinkron",
        _("Days since the offline kecamatan's last sync (0 when online)"),
    )


DIRECTION_CHOICES = [
    (Direction.HIGHER.value, _("Higher is better")),
    (Direction.LOWER.value, _("Lower is better")),
]
RULE_CHOICES = [
    (Rule.THRESHOLDS.value, _("Thresholds → score")),
    (Rule.LINEAR.value, _("Linear to the target")),
]


class EvaluationInstrument(ClusterableModel):
    name = models.CharField(_("name"), max_length=160)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    description = models.TextField(_("description"), blank=True)
    weights_must_total_100 = models.BooleanField(
        _("weights must total 100 %"),
        default=True,
        help_text=_("Within each aspect, and across the aspects of the instrument."),
    )

    class Meta:
        verbose_name = _("evaluation instrument")
        verbose_name_plural = _("evaluation instruments")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="reporting_instrument_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class EvaluationAspect(ClusterableModel):
    # ParentalKeys let the admin edit aspects inline on the instrument, and indicators
    # inline on their aspect.
    instrument = ParentalKey(EvaluationInstrument, on_delete=models.CASCADE, related_name="aspects")
    name = models.CharField(_("aspect"), max_length=160)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=6, decimal_places=2, validators=_PERCENT
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["instrument", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class EvaluationIndicator(models.Model):
    aspect = ParentalKey(EvaluationAspect, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("indicator"), max_length=255)
    description = models.TextField(_("what counts"), blank=True)
    weight = models.DecimalField(
        _("weight within the aspect (%)"), max_digits=6, decimal_places=2, validators=_PERCENT
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=5, choices=DIRECTION_CHOICES, default=Direction.HIGHER.value
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    rule = models.CharField(
        _("scoring rule"), max_length=8, choices=RULE_CHOICES, default=Rule.THRESHOLDS.value
    )
    # [{"bound": "80", "score": "100"}, {"bound": "60", "score": "75"}, ...]
    thresholds = models.JSONField(_("thresholds"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    metric = models.CharField(
        _("computed metric"), max_length=32, choices=Metric.choices, blank=True
    )
    evidence_types = models.CharField(
        _("evidence file types"),
        max_length=80,
        default="pdf,jpg,jpeg,png",
        help_text=_("Comma-separated extensions, e.g. pdf,jpg,png."),
    )
    evidence_max_mb = models.PositiveSmallIntegerField(
        _("largest evidence file (MB)"), default=5, validators=[MinValueValidator(1)]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["aspect", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EvaluationPeriod(models.Model):
    class Status(models.TextChoices):
        OPEN = "terbuka", _("Open: evidence is collected")
        CLOSED = "ditutup", _("Closed: values frozen")

    instrument = models.ForeignKey(
        EvaluationInstrument, on_delete=models.PROTECT, related_name="periods"
    )
    name = models.CharField(_("name"), max_length=120)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    kecamatan = models.ManyToManyField(
        "regions.Region", verbose_name=_("kecamatan evaluated"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    public_ranking = models.BooleanField(
        _("publish the ranking"),
        default=False,
        help_text=_("Show this period's ranking on the public site."),
    )

    class Meta:
        verbose_name = _("evaluation period")
        verbose_name_plural = _("evaluation periods")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__lte=models.F("end_date")),
                name="reporting_evaluation_period_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    class Status(models.TextChoices):
        FROZEN = "beku", _("Computed and frozen")
        SUBMITTED = "diajukan", _("Submitted, awaiting verification")
        VERIFIED = "terverifikasi", _("Verified")
        REJECTED = "ditolak", _("Rejected")

    period = models.ForeignKey(EvaluationPeriod, on_delete=models.CASCADE, related_name="values")
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        EvaluationIndicator, on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices)
    # What the value was computed from (counts, dates), and its SHA-256, also in the
    # audit chain: recomputing from these inputs gives the same value.
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    frozen_hash = models.CharField(_("hash"), max_length=64, blank=True)
    note = models.TextField(_("kecamatan note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(_("evaluator note"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kecamatan", "indicator"], name="reporting_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.kecamatan_id}: {self.value}"

    @property
    def counts(self) -> bool:
        """Only frozen computed values and verified evidence enter the score."""
        return self.status in (self.Status.FROZEN, self.Status.VERIFIED)


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    import os
    import uuid

    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"evaluation/{instance.value.period_id}/{instance.value.kecamatan_id}/{uuid.uuid4().hex}{ext}"


class Evidence(models.Model):
    value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_upload_to)
    description = models.CharField(_("description"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.description or self.file.name
