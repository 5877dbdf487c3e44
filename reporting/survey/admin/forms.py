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
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan_for
from reporting.models import FollowUpPlan, SurveyKiosk, SurveyPeriod, SurveyQuestion, SurveySettings
from reporting.survey.constants import (
    ANSWER_FIELDS,
    MAX_AGE,
    MIN_AGE,
    Education,
    Gender,
    Occupation,
    PeriodKind,
)
from reporting.survey.ikm import MAX_ANSWER, MIN_ANSWER, UNSUR, UNSUR_KEYS
from reporting.survey.services import ROMAN, SurveyInputError, period_name, survey_period_prepare
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


def answer_field_name(key: str) -> str:
    return ANSWER_FIELDS[key]


class PaperEntryForm(forms.Form):
    """One paper questionnaire, typed in by staff: nine 1–4 answers, profile, suggestion.

    The answer labels are today's wording (``SurveyQuestion``), the wording of the
    questionnaire version the response will be stored with.
    """

    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Region.objects.none())
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServicePage.objects.none(),
        required=False,
        empty_label=_("— not recorded —"),
    )
    answered_on = forms.DateField(label=_("Survey date"), widget=AdminDateInput())
    paper_reference = forms.CharField(
        label=_("Paper questionnaire number"), max_length=40, required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", "—"), *Gender.choices],
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=MIN_AGE, max_value=MAX_AGE)
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=[("", "—"), *Education.choices]
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), required=False, choices=[("", "—"), *Occupation.choices]
    )
    occupation_other = forms.CharField(label=_("Occupation (other)"), max_length=80, required=False)
    suggestion = forms.CharField(
        label=_("Suggestions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to staff only, never on public pages."),
    )

    #: Fields kept by "Save and enter the next one".
    STICKY = ("kecamatan", "service", "answered_on")

    def __init__(self, *args, user, config: SurveySettings | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config or SurveySettings.load()
        self.fields["kecamatan"].queryset = installation_kecamatan_for(user=user)
        self.fields["service"].queryset = ServicePage.objects.live().order_by("title")
        questions = {q.unsur: q for q in SurveyQuestion.objects.all()}
        for key in UNSUR_KEYS:
            unsur = UNSUR[key]
            question = questions.get(key)
            labels = question.labels if question else ("", "", "", "")
            self.fields[answer_field_name(key)] = forms.TypedChoiceField(
                label=f"U{unsur.questionnaire_number} {unsur.name}",
                help_text=question.text if question else "",
                coerce=int,
                choices=[
                    (value, f"{value} {labels[value - 1]}".strip())
                    for value in range(MIN_ANSWER, MAX_ANSWER + 1)
                ],
                widget=forms.RadioSelect(attrs={"data-survey-answer": key}),
                error_messages={"required": _("Answer this unsur (1–4).")},
            )
        asked = set(self.config.profile_fields())
        for name in ("gender", "age", "education", "occupation"):
            if name not in asked:
                del self.fields[name]
            elif self.config.profile_required:
                self.fields[name].required = True
        if "occupation" not in asked:
            del self.fields["occupation_other"]
        if not self.config.ask_suggestions:
            del self.fields["suggestion"]

    @property
    def answer_fields(self):
        return [self[answer_field_name(key)] for key in UNSUR_KEYS]

    @property
    def header_fields(self):
        return [self[name] for name in ("kecamatan", "service", "answered_on", "paper_reference")]

    @property
    def profile_fields(self):
        names = ("gender", "age", "education", "occupation", "occupation_other", "suggestion")
        return [self[name] for name in names if name in self.fields]

    def clean_answered_on(self):
        day = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The survey date cannot be in the future."))
        return day

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[answer_field_name(key)] for key in UNSUR_KEYS}

    def profile(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("gender", "age", "education", "occupation", "occupation_other")
        }
