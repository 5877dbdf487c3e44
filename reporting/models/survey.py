"""Survei Kepuasan Masyarakat (SKM) per PermenPAN-RB 14/2017: set-up and responses.

The nine unsur are fixed by the regulation and identified by key (``reporting.survey.ikm``);
admins edit only their wording and answer labels (``SurveyQuestion``), the profile and
suggestion fields (``SurveySettings``) and the periods. Each response points at the
immutable ``SurveyVersion`` it was answered on. Writes go through
``reporting.survey.services``.
"""

import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from reporting.survey.constants import (
    ANSWER_FIELDS,
    MAX_AGE,
    MIN_AGE,
    UNSUR_CHOICES,
    Education,
    FollowUpStatus,
    Gender,
    Occupation,
    PeriodKind,
    SurveyChannel,
)
from reporting.survey.ikm import MAX_ANSWER, MIN_ANSWER


class SurveyQuestion(models.Model):
    """Wording and the four answer labels of one unsur (exactly nine rows, one per key)."""

    unsur = models.CharField(_("unsur"), max_length=16, choices=UNSUR_CHOICES, unique=True)
    text = models.TextField(_("question"))
    label_1 = models.CharField(_("answer 1 (worst)"), max_length=80)
    label_2 = models.CharField(_("answer 2"), max_length=80)
    label_3 = models.CharField(_("answer 3"), max_length=80)
    label_4 = models.CharField(_("answer 4 (best)"), max_length=80)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.get_unsur_display()

    @property
    def labels(self) -> tuple[str, str, str, str]:
        return (self.label_1, self.label_2, self.label_3, self.label_4)


# The smallest sample whose mean the IKM may grade a service by, whatever Krejcie–Morgan
# asks of a small population (docs/domain/skm-ikm.md, minimum respondents).
DEFAULT_MIN_RESPONDENTS = 30


@register_setting(icon="list-ul")
class SurveySettings(BaseGenericSetting):
    """Survey options an admin sets once for the whole pemda."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        default="Terima kasih telah menggunakan layanan kami. Jawaban Anda membantu kami "
        "memperbaiki pelayanan. Survei ini tanpa nama dan hanya membutuhkan satu menit.",
    )
    ask_gender = models.BooleanField(_("ask gender"), default=True)
    ask_age = models.BooleanField(_("ask age"), default=True)
    ask_education = models.BooleanField(_("ask education"), default=True)
    ask_occupation = models.BooleanField(_("ask occupation"), default=True)
    profile_required = models.BooleanField(
        _("profile answers required"),
        default=False,
        help_text=_("When off, respondents may leave the profile questions empty."),
    )
    ask_suggestions = models.BooleanField(
        _("suggestions box"),
        default=True,
        help_text=_("Suggestions are shown to staff only, never on public pages."),
    )
    report_template_0111 = models.BooleanField(
        _("also report the 0,111 template variant"),
        default=False,
        help_text=_(
            "Shows, beside the exact IKM (weight 1/9), the value computed with the "
            "weight 0,111 written in the common processing-sheet template. It is "
            "0.999 times the exact value and always labelled as such."
        ),
    )
    kiosk_min_interval_seconds = models.PositiveIntegerField(
        _("kiosk: seconds between two responses"),
        default=30,
        help_text=_("A kiosk refuses a response sent sooner than this after the previous one."),
    )
    kiosk_max_per_hour = models.PositiveIntegerField(
        _("kiosk: responses per hour"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("A kiosk refuses further responses once this many arrived in the last hour."),
    )
    public_min_respondents = models.PositiveIntegerField(
        _("public page: minimum respondents per service"),
        default=DEFAULT_MIN_RESPONDENTS,
        help_text=_(
            "A service's figure is published only when its sample is adequate "
            "(Krejcie–Morgan) and has at least this many respondents. 30 is the usual "
            "smallest sample for estimating a mean; a service below it is listed as "
            "“sample not yet adequate” and not graded."
        ),
    )

    class Meta:
        verbose_name = _("survey settings (SKM)")

    def profile_fields(self) -> list[str]:
        fields = []
        if self.ask_gender:
            fields.append("gender")
        if self.ask_age:
            fields.append("age")
        if self.ask_education:
            fields.append("education")
        if self.ask_occupation:
            fields.append("occupation")
        return fields


class SurveyVersion(models.Model):
    """An immutable snapshot of the questionnaire (wording, labels, profile fields).

    Created by ``survey_version_current`` whenever the set-up changed since the last
    snapshot; responses keep their version, so editing wording never rewrites history.
    """

    number = models.PositiveIntegerField(_("version"), unique=True)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return _("Questionnaire version %(number)s") % {"number": self.number}

    def question(self, key: str) -> dict:
        return self.definition["questions"][key]


class SurveyPeriod(models.Model):
    """A survey period: triwulan, semester, year or custom dates.

    Two periods of the same kind never overlap (``survey_period_save`` refuses it);
    periods of different kinds do (Triwulan I lies inside Semester I), so a response
    belongs to every period whose dates contain its ``answered_on``.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("1–4 for a quarter, 1–2 for a semester; empty for a year or custom dates."),
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Show this period's results on the public IKM page."),
    )
    notes = models.TextField(_("notes (methodology, team)"), blank=True)

    class Meta:
        verbose_name = _("survey period")
        verbose_name_plural = _("survey periods")
        ordering = ["-start_date", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")),
                name="reporting_period_dates_ordered",
            ),
            models.UniqueConstraint(fields=["kind", "start_date"], name="reporting_period_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


def _kiosk_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyKiosk(models.Model):
    """A tablet at a kecamatan office that collects responses at its own secret URL."""

    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="survey_kiosks",
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("E.g. “Tablet ruang tunggu”."))
    token = models.CharField(_("access key"), max_length=64, unique=True, default=_kiosk_token)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey kiosk")
        verbose_name_plural = _("survey kiosks")
        ordering = ["kecamatan", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kecamatan_id})"


class SurveyResponse(models.Model):
    """One completed questionnaire: nine answers (1–4) stored by unsur key, plus profile."""

    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("questionnaire version"), on_delete=models.PROTECT
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    service = models.ForeignKey(
        "service_catalog.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    # One response per application, enforced by the database (OneToOne = unique).
    application = models.OneToOneField(
        "forms_builder.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_response",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=SurveyChannel.choices)
    answered_on = models.DateField(_("survey date"), db_index=True)
    submitted_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    u_persyaratan = models.PositiveSmallIntegerField("U1 persyaratan")
    u_prosedur = models.PositiveSmallIntegerField("U2 prosedur")
    u_waktu = models.PositiveSmallIntegerField("U3 waktu")
    u_biaya = models.PositiveSmallIntegerField("U4 biaya")
    u_produk = models.PositiveSmallIntegerField("U5 produk")
    u_kompetensi = models.PositiveSmallIntegerField("U6 kompetensi")
    u_perilaku = models.PositiveSmallIntegerField("U7 perilaku")
    u_sarana = models.PositiveSmallIntegerField("U8 sarana")
    u_pengaduan = models.PositiveSmallIntegerField("U9 pengaduan")

    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)],
    )
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=10, choices=Occupation.choices, blank=True
    )
    occupation_other = models.CharField(_("occupation (other)"), max_length=80, blank=True)
    # Shown to staff only: never on public pages, the API or the CSV.
    suggestion = models.TextField(_("suggestions"), blank=True)

    kiosk = models.ForeignKey(
        SurveyKiosk,
        verbose_name=_("kiosk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paper_reference = models.CharField(_("paper questionnaire number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-id"]
        indexes = [
            models.Index(fields=["kecamatan", "answered_on"]),
            models.Index(fields=["service", "answered_on"]),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": MIN_ANSWER, f"{field}__lte": MAX_ANSWER}),
                    name=f"reporting_response_{field}_1_4",
                )
                for field in ANSWER_FIELDS.values()
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__gte=MIN_AGE, age__lte=MAX_AGE),
                name="reporting_response_age_range",
            ),
        ]

    def __str__(self) -> str:
        return f"SKM #{self.pk} {self.kecamatan_id} {self.answered_on}"

    @property
    def answers(self) -> dict[str, int]:
        return {key: getattr(self, field) for key, field in ANSWER_FIELDS.items()}


class FollowUpPlan(models.Model):
    """Rencana tindak lanjut: what the unit will improve, per period and unsur (docs/domain/skm-ikm.md, process and report)."""

    period = models.ForeignKey(
        SurveyPeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="follow_up_plans",
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a plan for the whole kabupaten/kota."),
    )
    unsur = models.CharField(_("unsur"), max_length=16, choices=UNSUR_CHOICES)
    action = models.TextField(_("planned action"))
    responsible = models.CharField(_("responsible"), max_length=120, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    is_public = models.BooleanField(_("show on the public IKM page"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        ordering = ["period", "kecamatan", "unsur"]

    def __str__(self) -> str:
        return f"{self.period} · {self.get_unsur_display()}"
