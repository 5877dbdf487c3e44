"""Filling in an application: the applicant's details and the service's form, checked
and handed to ``application_submit``. Online apply (``views``) and counter intake
(``admin_views``) differ only in the applicant form and what they pass on."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .forms import ApplicationFormBuilder
from .models import Application, FormVersion
from .services.applications import Applicant, application_submit

APPLICANT_PREFIX = "pemohon"


class ApplicantForm(forms.Form):
    """The applicant's own details, as a citizen gives them online."""

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

    def submit_kwargs(self) -> dict:
        """What ``application_submit`` takes from this form."""
        data = self.cleaned_data
        return {"applicant": Applicant(name=data["name"], phone=data["phone"], email=data["email"])}


class CounterApplicantForm(ApplicantForm):
    """The applicant's details as the petugas loket enters them, and the originals seen."""

    name = forms.CharField(label=_("Applicant name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    originals_checked = forms.MultipleChoiceField(
        label=_("Originals checked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["originals_checked"].choices = [(d.key, d.name) for d in documents]

    def submit_kwargs(self) -> dict:
        return {
            **super().submit_kwargs(),
            "originals_checked": self.cleaned_data["originals_checked"],
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
    applicant_form_kwargs = {"prefix": APPLICANT_PREFIX, **(applicant_form_kwargs or {})}
    form_class = ApplicationFormBuilder.for_version(
        form_version, kecamatan=kecamatan
    ).get_form_class()
    if request.method != "POST":
        return Submission(applicant_form_class(**applicant_form_kwargs), form_class())
    submission = Submission(
        applicant_form_class(request.POST, **applicant_form_kwargs),
        form_class(request.POST, request.FILES),
    )
    if submission.applicant_form.is_valid() and submission.form.is_valid():
        try:
            submission.application = application_submit(
                service=service,
                kecamatan=kecamatan,
                form_data=request.POST,
                files=request.FILES,
                **submission.applicant_form.submit_kwargs(),
                **submit_kwargs,
            )
        except ValidationError as error:
            submission.error = error
    return submission
