"""Forms of the survey admin: set-up (questions, periods, kiosks, follow-up) and paper entry.

Every kecamatan choice is limited by ``kecamatan_scope_for``; the writes themselves go
through ``reporting.survey.services`` (the period form checks with
``survey_period_prepare``; paper entry is saved by the view through
``survey_response_submit``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from paten.accounts.selectors import kecamatan_scope_for
from paten.regions.selectors import installation_kecamatan_for
from reporting.models import FollowUpPlan, SurveyKiosk, SurveyPeriod, SurveyQuestion, SurveyVersion
from reporting.survey.constants import (
    PeriodKind,
)
from reporting.survey.forms import SurveyForm
from reporting.survey.services import (
    ROMAN,
    SurveyInputError,
    period_name,
    survey_period_prepare,
    survey_version_current,
)
from service_catalog.models import ServicePage

# -----------------------------------------------------------------------------
# Set-up
# -----------------------------------------------------------------------------


class SurveyQuestionForm(WagtailAdminModelForm):
    """Wording and labels of one unsur; the unsur itself is fixed by regulation."""

    class Meta:
        model = SurveyQuestion
        fields = ["unsur", "text", "label_1", "label_2", "label_3", "label_4"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown, never taken from the POST: PermenPAN-RB 14/2017 fixes the nine unsur.
        self.fields["unsur"].disabled = True
        self.fields["unsur"].help_text = _(
            "Fixed by PermenPAN-RB 14/2017; only the wording and the answer labels can change. "
            "Responses keep the wording they were answered on."
        )


def _standard_period_name(kind, year, number, start, end) -> str:
    if kind == PeriodKind.CUSTOM:
        return f"{start:%d-%m-%Y} s.d. {end:%d-%m-%Y}" if start and end else ""
    if not year or (kind != PeriodKind.YEAR and number not in ROMAN):
        return ""
    return period_name(kind=kind, year=year, number=number)


class SurveyPeriodForm(WagtailAdminModelForm):
    """A period; dates, name and slug are derived and checked by ``survey_period_prepare``."""

    PERIOD_FIELDS = ("kind", "year", "number", "start_date", "end_date", "name")

    class Meta:
        model = SurveyPeriod
        fields = [
            "kind",
            "year",
            "number",
            "start_date",
            "end_date",
            "name",
            "is_published",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("year", "start_date", "end_date", "name"):
            self.fields[name].required = False
        self.fields["year"].help_text = _("Not needed for custom dates.")
        for name in ("start_date", "end_date"):
            self.fields[name].help_text = _(
                "Custom dates only; a quarter, semester or year gets its dates from the year "
                "and number."
            )
        self.fields["name"].help_text = _("Empty: the standard name, e.g. “Triwulan I 2026”.")

    def _name_was_automatic(self) -> bool:
        initial = {name: self.initial.get(name) for name in self.PERIOD_FIELDS}
        return bool(initial["name"]) and initial["name"] == _standard_period_name(
            initial["kind"],
            initial["year"],
            initial["number"],
            initial["start_date"],
            initial["end_date"],
        )

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in self.PERIOD_FIELDS):
            return cleaned
        name = (cleaned.get("name") or "").strip()
        if self.instance.pk and name == self.initial.get("name") and self._name_was_automatic():
            name = ""  # derived from the old dates: derive it again from the new ones
        candidate = SurveyPeriod(
            pk=self.instance.pk,
            kind=cleaned.get("kind"),
            year=cleaned.get("year") or 0,
            number=cleaned.get("number"),
            start_date=cleaned.get("start_date"),
            end_date=cleaned.get("end_date"),
            name=name,
        )
        try:
            survey_period_prepare(period=candidate)
        except SurveyInputError as error:
            self.add_error(None, error)
            return cleaned
        for field in self.PERIOD_FIELDS:
            cleaned[field] = getattr(candidate, field)
        self.instance.slug = candidate.slug
        return cleaned


class SurveyKioskForm(WagtailAdminModelForm):
    regenerate_token = forms.BooleanField(
        label=_("Generate a new access key"),
        required=False,
        help_text=_("The old kiosk address stops working at once: open the new one on the tablet."),
    )

    class Meta:
        model = SurveyKiosk
        fields = ["kecamatan", "name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = installation_kecamatan_for(user=self.for_user)
        if not self.instance.pk:
            del self.fields["regenerate_token"]

    def save(self, commit=True):
        if self.cleaned_data.get("regenerate_token"):
            self.instance.token = SurveyKiosk._meta.get_field("token").get_default()
        return super().save(commit=commit)


class FollowUpPlanForm(WagtailAdminModelForm):
    class Meta:
        model = FollowUpPlan
        fields = [
            "period",
            "kecamatan",
            "unsur",
            "action",
            "responsible",
            "target_date",
            "status",
            "is_public",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kecamatan"]
        field.queryset = installation_kecamatan_for(user=self.for_user)
        if not kecamatan_scope_for(self.for_user).is_pemda_wide:
            # A kabupaten-wide plan (no kecamatan) is the pemda's, not a kecamatan's.
            field.required = True
            field.help_text = ""


# -----------------------------------------------------------------------------
# Paper questionnaire entry
# -----------------------------------------------------------------------------


class PaperEntryForm(SurveyForm):
    """One paper questionnaire, typed in by staff: the questionnaire of the current
    version (``SurveyForm``, the wording the response is stored with), plus the paper's
    kecamatan, service, survey date and number.

    Each answer is a row of radios "1 …" to "4 …" that takes a typed digit
    (``paper_entry.js``); the profile choices may be left empty unless the version
    requires them.
    """

    #: Fields kept by "Save and enter the next one".
    STICKY = ("kecamatan", "service", "answered_on")
    HEADER = ("kecamatan", "service", "answered_on", "paper_reference")

    def __init__(self, *args, user, version: SurveyVersion | None = None, **kwargs):
        super().__init__(*args, version=version or survey_version_current(), **kwargs)
        self.fields["kecamatan"] = forms.ModelChoiceField(
            label=_("Kecamatan"), queryset=installation_kecamatan_for(user=user)
        )
        self.fields["service"] = forms.ModelChoiceField(
            label=_("Service"),
            queryset=ServicePage.objects.live().order_by("title"),
            required=False,
            empty_label=_("— not recorded —"),
        )
        self.fields["answered_on"] = forms.DateField(
            label=_("Survey date"), widget=AdminDateInput()
        )
        self.fields["paper_reference"] = forms.CharField(
            label=_("Paper questionnaire number"), max_length=40, required=False
        )
        for name in self.question_names:
            field = self.fields[name]
            field.help_text = field.label
            field.label = f"U{field.unsur_number} {field.unsur_name}"
            field.choices = [(value, f"{value} {text}".strip()) for value, text in field.choices]
            field.widget = forms.RadioSelect(
                attrs={"data-survey-answer": field.unsur_key}, choices=field.choices
            )
            field.error_messages["required"] = _("Answer this unsur (1–4).")
        for name in ("gender", "education", "occupation"):
            if name in self.fields:
                field = self.fields[name]
                field.choices = [("", "—"), *field.choices]
                field.widget = forms.RadioSelect() if name == "gender" else forms.Select()
                field.widget.choices = field.choices

    @property
    def answer_fields(self):
        return self.question_fields

    @property
    def header_fields(self):
        return [self[name] for name in self.HEADER]

    @property
    def profile_fields(self):
        suggestion = [self.suggestion_field] if self.suggestion_field is not None else []
        return [*super().profile_fields, *suggestion]

    def clean_answered_on(self):
        day = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The survey date cannot be in the future."))
        return day
