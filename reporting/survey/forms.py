"""The SKM questionnaire as a Django form, built from a ``SurveyVersion`` definition.

One form for every channel: the citizen page (by tracking code), the kiosk tablet and
staff paper entry. It checks only the shape of the input (one answer 1–4 per unsur,
valid profile choices); the rules (a finished application, one response per
application, kiosk limits, no future dates) stay in ``reporting.survey.services``.
"""

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import SurveyVersion
from reporting.survey.constants import (
    ANSWER_FIELDS,
    MAX_AGE,
    MIN_AGE,
    Education,
    Gender,
    Occupation,
)
from reporting.survey.ikm import MAX_ANSWER, MIN_ANSWER

#: Value of the service choice for "other service / I don't know" (no service recorded).
SERVICE_OTHER = "lainnya"
PROFILE_FIELDS = ("gender", "age", "education", "occupation")
SUGGESTION_MAX_LENGTH = 4000


class ScaleRadioSelect(forms.RadioSelect):
    """Radio buttons drawn as large, tappable cards (styles in ``survey/_styles.html``)."""

    template_name = "reporting/survey/widgets/choices.html"


class SurveyForm(forms.Form):
    """The nine unsur (U1…U9 in questionnaire order), the profile fields the version
    asks, and the suggestions box when the version has one.

    Answer fields are named like the model columns (``u_persyaratan`` … ``u_pengaduan``),
    profile fields like theirs (``gender``, ``age``, ``education``, ``occupation``,
    ``occupation_other``), plus ``suggestion``. ``services`` (kiosk, paper entry) adds
    a required ``service`` choice that ends with "other / I don't know". Typical use::

        form = SurveyForm(version=survey_version_current(), data=request.POST or None)
        if form.is_valid():
            survey_response_submit(channel=..., **form.submit_kwargs(), ...)
    """

    template_name = "reporting/survey/_questionnaire.html"

    def __init__(
        self,
        *args,
        version: SurveyVersion,
        services: Iterable | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.version = version
        definition = version.definition
        self._services = {str(s.pk): s for s in services} if services is not None else None
        if self._services is not None:
            self.fields["service"] = forms.ChoiceField(
                label=_("Which service did you use today?"),
                choices=[
                    ("", _("— choose a service —")),
                    *((pk, s.title) for pk, s in self._services.items()),
                    (SERVICE_OTHER, _("Another service / I don't know")),
                ],
                error_messages={"required": _("Please choose the service you used.")},
            )

        questions = sorted(definition["questions"].items(), key=lambda item: item[1]["number"])
        self.question_names = []
        for key, question in questions:
            name = ANSWER_FIELDS[key]
            field = forms.TypedChoiceField(
                label=question["text"],
                choices=[
                    (value, label)
                    for value, label in zip(
                        range(MIN_ANSWER, MAX_ANSWER + 1), question["labels"], strict=True
                    )
                ],
                coerce=int,
                widget=ScaleRadioSelect,
                error_messages={"required": _("Please choose an answer.")},
            )
            field.unsur_key = key
            field.unsur_number = question["number"]
            field.unsur_name = question["unsur"]
            self.fields[name] = field
            self.question_names.append(name)

        required = bool(definition.get("profile_required"))
        asked = [f for f in PROFILE_FIELDS if f in definition.get("profile", [])]
        self.profile_names = []
        for name in asked:
            self.fields[name] = self._profile_field(name, required=required)
            self.profile_names.append(name)
            if name == "occupation":
                self.fields["occupation_other"] = forms.CharField(
                    label=_("If other: your occupation"),
                    max_length=80,
                    required=False,
                )
                self.profile_names.append("occupation_other")

        self.has_suggestions = bool(definition.get("suggestions"))
        if self.has_suggestions:
            self.fields["suggestion"] = forms.CharField(
                label=_("Suggestions for improving our service (optional)"),
                help_text=_("Read by the staff only; never published."),
                max_length=SUGGESTION_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    @staticmethod
    def _profile_field(name: str, *, required: bool) -> forms.Field:
        if name == "age":
            return forms.IntegerField(
                label=_("Age (years)"),
                min_value=MIN_AGE,
                max_value=MAX_AGE,
                required=required,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        label, choices = {
            "gender": (_("Gender"), Gender.choices),
            "education": (_("Highest education"), Education.choices),
            "occupation": (_("Main occupation"), Occupation.choices),
        }[name]
        return forms.ChoiceField(
            label=label, choices=choices, required=required, widget=ScaleRadioSelect
        )

    # -- groups for templates ---------------------------------------------------------

    @property
    def service_field(self):
        return self["service"] if "service" in self.fields else None

    @property
    def question_fields(self) -> list:
        return [self[name] for name in self.question_names]

    @property
    def profile_fields(self) -> list:
        return [self[name] for name in self.profile_names]

    @property
    def suggestion_field(self):
        return self["suggestion"] if self.has_suggestions else None

    # -- cleaned values, ready for survey_response_submit --------------------------------

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("occupation") != Occupation.LAINNYA:
            cleaned["occupation_other"] = ""
        return cleaned

    def answers(self) -> dict[str, int]:
        """``{unsur key: 1…4}`` for the nine unsur; call after ``is_valid()``."""
        return {
            self.fields[name].unsur_key: self.cleaned_data[name] for name in self.question_names
        }

    def profile(self) -> dict:
        """The profile fields this version asks (empty ones as ``""``/``None``)."""
        profile = {}
        for name in self.profile_names:
            value = self.cleaned_data.get(name)
            profile[name] = value if value not in ("", None) else (None if name == "age" else "")
        return profile

    def suggestion(self) -> str:
        return (self.cleaned_data.get("suggestion") or "").strip() if self.has_suggestions else ""

    def service(self):
        """The chosen ``ServicePage``, or None for "other / I don't know" or no choice."""
        if self._services is None:
            return None
        return self._services.get(self.cleaned_data.get("service") or "")

    def submit_kwargs(self) -> dict:
        """``answers``, ``profile``, ``suggestion`` and the questionnaire ``version`` the
        person saw, for ``survey_response_submit`` (which then need not look it up again)."""
        return {
            "version": self.version,
            "answers": self.answers(),
            "profile": self.profile(),
            "suggestion": self.suggestion(),
        }
