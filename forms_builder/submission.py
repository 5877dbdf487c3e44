"""Filling in an application: the applicant's details and the service's form, checked
and handed to ``application_submit``. Online apply (``views``) and counter intake
(``admin_views``) differ only in the applicant form and what they pass on."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .constants import APPLICANT_FIELD_TYPES
from .forms import ApplicationFormBuilder
from .models import Application, FormVersion
from .services.applications import Applicant, application_submit

APPLICANT_PREFIX = "pemohon"


def applicant_field_keys(schema) -> dict[str, str]:
    """``{"name"|"phone"|"email": key}``: the service form's fields that give the
    applicant's details (the first field of each ``APPLICANT_FIELD_TYPES`` type)."""
    keys: dict[str, str] = {}
    for detail, field_type in APPLICANT_FIELD_TYPES.items():
        for spec in schema or ():
            if spec.get("type") == field_type and spec.get("key"):
                keys[detail] = spec["key"]
                break
    return keys


class ApplicantForm(forms.Form):
    """The applicant's own details, as a citizen gives them online.

    A detail the service's form asks already (``applicant_field_keys``) is not asked
    again: it is read from that form (``applicant``).
    """

    name = forms.CharField(label=_("Your full name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, schema=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.from_service_form = applicant_field_keys(schema)
        for detail in self.from_service_form:
            del self.fields[detail]

    def applicant(self, service_form) -> Applicant:
        """The applicant from this form and the valid service form ``service_form``."""
        values = {}
        for detail in APPLICANT_FIELD_TYPES:
            key = self.from_service_form.get(detail)
            source = service_form.cleaned_data.get(key) if key else self.cleaned_data[detail]
            values[detail] = str(source or "")
        return Applicant(**values)

    def submit_kwargs(self, service_form) -> dict:
        """What ``application_submit`` takes from this form (and the service form)."""
        return {"applicant": self.applicant(service_form)}

    def field_for(self, detail: str) -> str | None:
        """Where an error about the applicant's ``detail`` goes: ``"form:<key>"`` for a
        field of the service form, the field's name here, or None."""
        if detail in self.from_service_form:
            return "form:" + self.from_service_form[detail]
        return detail if detail in self.fields else None


class CounterApplicantForm(ApplicantForm):
    """The applicant's details as the petugas loket enters them, and the originals seen."""

    name = forms.CharField(label=_("Applicant name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    originals_checked = forms.MultipleChoiceField(
        label=_("Originals checked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A document whose original you have seen need not be scanned, unless the "
            "service asks for it as a digital file."
        ),
    )
    complete = forms.BooleanField(
        label=_("The file is complete and valid: register and start processing at once"),
        required=False,
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["originals_checked"].choices = [(d.key, d.name) for d in documents]

    def originals(self) -> list[str]:
        """The checked originals of a bound form (valid or not), as document keys."""
        if hasattr(self, "cleaned_data") and "originals_checked" in self.cleaned_data:
            return list(self.cleaned_data["originals_checked"])
        return []

    def submit_kwargs(self, service_form) -> dict:
        return {
            **super().submit_kwargs(service_form),
            "originals_checked": self.cleaned_data["originals_checked"],
            "verified_complete": self.cleaned_data["complete"],
        }


@dataclass
class Submission:
    applicant_form: ApplicantForm
    form: forms.Form
    application: Application | None = None
    error: ValidationError | None = None


def application_form_submit(
    request: HttpRequest,
    *,
    service,
    kecamatan,
    form_version: FormVersion,
    applicant_form_class: type[ApplicantForm] = ApplicantForm,
    applicant_form_kwargs: dict | None = None,
    **submit_kwargs,
) -> Submission:
    """The forms of ``service`` in ``kecamatan``; on POST, both checked and, when valid,
    submitted (``submit_kwargs`` go to ``application_submit`` as they are).

    The result has the application, or the service's refusal as ``error`` (nothing
    saved), or neither when a form is invalid or nothing was posted.
    """
    applicant_form_kwargs = {
        "prefix": APPLICANT_PREFIX,
        "schema": form_version.schema,
        **(applicant_form_kwargs or {}),
    }
    if request.method != "POST":
        form_class = ApplicationFormBuilder.for_version(
            form_version, kecamatan=kecamatan
        ).get_form_class()
        return Submission(applicant_form_class(**applicant_form_kwargs), form_class())
    applicant_form = applicant_form_class(request.POST, **applicant_form_kwargs)
    applicant_valid = applicant_form.is_valid()
    # The originals the petugas loket checked make their scans optional (counter only).
    originals = applicant_form.originals() if hasattr(applicant_form, "originals") else []
    form_class = ApplicationFormBuilder.for_version(
        form_version, kecamatan=kecamatan, originals_checked=originals
    ).get_form_class()
    submission = Submission(applicant_form, form_class(request.POST, request.FILES))
    if applicant_valid and submission.form.is_valid():
        try:
            submission.application = application_submit(
                service=service,
                kecamatan=kecamatan,
                form_data=request.POST,
                files=request.FILES,
                **applicant_form.submit_kwargs(submission.form),
                **submit_kwargs,
            )
        except ValidationError as error:
            submission.error = error
    return submission


def submission_errors_attach(error: ValidationError, *, applicant_form, form) -> None:
    """Put the service's refusal of a submission on the fields it is about."""
    details = {"applicant_name": "name", "applicant_phone": "phone", "applicant_email": "email"}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        target = applicant_form.field_for(details[key]) if key in details else key
        if target and target.startswith("form:") and target[5:] in form.fields:
            form.add_error(target[5:], messages)
        elif target in applicant_form.fields and key in details:
            applicant_form.add_error(target, messages)
        elif target in form.fields:
            form.add_error(target, messages)
        else:
            form.add_error(None, messages)
