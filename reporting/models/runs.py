"""Report runs: one row per requested report, generated only by Celery workers.

A run is claimed by a worker with a short *lease* that the worker renews while it
reports progress. A worker that dies leaves an expired lease behind: the re-delivered
message (``acks_late``) or the periodic ``report_runs_recover`` task starts it again.
Each output format is a ``ReportOutput`` row, unique per run, so a run that is
generated twice (re-delivery, restart) still has exactly one file per format.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from forms_builder.models.application import private_storage
from paten.dates import date_range


class ReportKind(models.TextChoices):
    MONTHLY_RECAP = "rekap_bulanan", _("Monthly service recap")
    SLA = "sla", _("SLA compliance and overdue applications")
    IKM = "ikm", _("Satisfaction survey (SKM/IKM) report")
    COMPARISON = "perbandingan", _("Kecamatan comparison")
    APPLICATIONS_EXPORT = "ekspor_permohonan", _("Applications export")
    EVALUATION_RANKING = "peringkat_evaluasi", _("Kecamatan evaluation ranking")
    PPID_REQUEST_REGISTER = "ppid_register", _("PPID register of information requests")
    PPID_OBJECTION_REGISTER = "ppid_keberatan", _("PPID register of objections")
    PPID_ANNUAL = "ppid_laporan", _("Public information service report (annual or semester)")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"


class ReportStatus(models.TextChoices):
    QUEUED = "antri", _("Queued")
    RUNNING = "berjalan", _("Running")
    DONE = "selesai", _("Done")
    FAILED = "gagal", _("Failed")


class ReportRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    # Period and options, JSON-serialisable: {"start": "2026-10-01", "end": "2026-10-31", ...}
    parameters = models.JSONField(_("parameters"), default=dict)
    formats = models.JSONField(_("formats"), default=list)
    # The scope is never wider than the requester's: one kecamatan, or none = pemda-wide
    # (only for pemda-wide users). Checked by ``report_run_request``.
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("worker lease until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    schedule = models.ForeignKey(
        "reporting.ReportSchedule",
        verbose_name=_("schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reporting_run_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period_label}"

    @property
    def period_label(self) -> str:
        start, end = self.parameters.get("start"), self.parameters.get("end")
        return date_range(start, end) if start and end else ""

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


def report_output_upload_to(instance: "ReportOutput", filename: str) -> str:
    return f"reports/{instance.run_id}/{filename}"


class ReportOutput(models.Model):
    run = models.ForeignKey(
        ReportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="outputs"
    )
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=report_output_upload_to, max_length=255
    )
    filename = models.CharField(_("file name"), max_length=160)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "format"], name="reporting_output_one_per_format"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class RelativePeriod(models.TextChoices):
    LAST_MONTH = "bulan_lalu", _("Last month")
    THIS_MONTH = "bulan_ini", _("This month so far")
    LAST_QUARTER = "triwulan_lalu", _("Last quarter")
    LAST_SEMESTER = "semester_lalu", _("Last semester")
    LAST_YEAR = "tahun_lalu", _("Last year")
    LAST_7_DAYS = "7_hari", _("Last 7 days")


class ScheduleFrequency(models.TextChoices):
    MONTHLY = "bulanan", _("Monthly")
    WEEKLY = "mingguan", _("Weekly")
    DAILY = "harian", _("Daily")


class ReportSchedule(models.Model):
    """A periodic report set up in the admin; django-celery-beat runs it.

    ``report_schedule_save`` keeps one ``django_celery_beat.PeriodicTask`` in step with
    each schedule (crontab in the installation's time zone), so beat reads the database
    and a new schedule needs no deploy.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole kabupaten/kota."),
    )
    period = models.CharField(
        _("period covered"),
        max_length=16,
        choices=RelativePeriod.choices,
        default=RelativePeriod.LAST_MONTH,
    )
    formats = models.JSONField(_("formats"), default=list)
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=ScheduleFrequency.choices,
        default=ScheduleFrequency.MONTHLY,
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, help_text=_("For monthly schedules: 1–28.")
    )
    day_of_week = models.PositiveSmallIntegerField(
        _("day of the week"),
        default=1,
        help_text=_("For weekly schedules: 1 = Monday … 7 = Sunday."),
    )
    hour = models.PositiveSmallIntegerField(_("hour"), default=6)
    minute = models.PositiveSmallIntegerField(_("minute"), default=0)
    recipients = models.TextField(
        _("email recipients"), blank=True, help_text=_("One address per line.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28),
                name="reporting_schedule_day_of_month",
            ),
            models.CheckConstraint(
                condition=models.Q(day_of_week__gte=1, day_of_week__lte=7),
                name="reporting_schedule_day_of_week",
            ),
            models.CheckConstraint(
                condition=models.Q(hour__lte=23, minute__lte=59), name="reporting_schedule_time"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


@register_setting(icon="doc-full")
class ReportSettings(BaseGenericSetting):
    retention_days = models.PositiveIntegerField(
        _("keep report runs for (days)"),
        default=90,
        help_text=_("Older runs and their files are removed every night."),
    )
    max_request_rows = models.PositiveIntegerField(
        _("rows exported directly in the browser"),
        default=2000,
        help_text=_("Larger exports run as a report on the Celery worker."),
    )

    class Meta:
        verbose_name = _("report settings")
