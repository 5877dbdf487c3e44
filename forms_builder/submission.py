"""Filling in an application: the applicant's details and the service's form, checked
and handed to ``application_submit``. Online apply (``views``) and counter intake
(``admin_views``) differ only in the applicant form and what they pass on."""

import secrets
from contextlib import nullcontext
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .constants import APPLICANT_FIELD_TYPES, FieldType
from .forms import application_form_class
from .models import Application, FormVersion
from .services.applications import Applicant, application_submit
from .services.uploads import (
    KeptUpload,
    pending_upload_find,
    pending_upload_keep,
    pending_upload_open,
    pending_uploads_claim,
    pending_uploads_consume,
)

APPLICANT_PREFIX = "pemohon"
# The hidden input that carries a kept file's token: ``<prefix><field key>``.
KEPT_UPLOAD_PREFIX = "berkas-tersimpan-"
# The session's own random value that kept files are bound to (never sent in a form).
UPLOAD_OWNER_SESSION_KEY = "forms_builder_upload_owner"


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
    kept: dict = field(default_factory=dict)


def _upload_owner(request: HttpRequest, *, create: bool = False) -> str | None:
    owner = request.session.get(UPLOAD_OWNER_SESSION_KEY)
    if owner is None and create:
        owner = secrets.token_urlsafe(32)
        request.session[UPLOAD_OWNER_SESSION_KEY] = owner
    return owner


def _file_keys(form_class) -> list[str]:
    return [
        key for key, spec in form_class.field_specs.items() if spec.field_type == FieldType.FILE
    ]


def _kept_files(request: HttpRequest, *, form_version: FormVersion, keys) -> tuple[dict, dict, set]:
    """The files kept from an earlier refused post that this post sends back by token:
    ``({key: PendingUpload}, {key: token}, {keys whose token is not honoured})``.
    A file chosen again replaces the kept one."""
    owner = _upload_owner(request)
    found, tokens, stale = {}, {}, set()
    for key in keys:
        token = request.POST.get(KEPT_UPLOAD_PREFIX + key, "")
        if not token or request.FILES.get(key):
            continue
        upload = pending_upload_find(
            owner=owner, form_version=form_version, field_key=key, token=token
        )
        if upload is None:
            stale.add(key)
        else:
            found[key], tokens[key] = upload, token
    return found, tokens, stale


def _refused_keys(error: ValidationError | None, form) -> set[str]:
    """The file fields that the service's refusal is about (by field or document key)."""
    if error is None or not hasattr(error, "error_dict"):
        return set()
    keys = set(error.error_dict)
    return {
        key
        for key, spec in form.field_specs.items()
        if key in keys or (spec.required_document_key and spec.required_document_key in keys)
    }


def _keep_valid_files(
    request: HttpRequest, submission: Submission, *, form_version, kept, tokens
) -> None:
    """After a refusal: keep each valid file of the post for the next one, and have the
    re-rendered form show it instead of asking for it again."""
    form = submission.form
    cleaned = getattr(form, "cleaned_data", {})
    refused = _refused_keys(submission.error, form)
    for key in _file_keys(type(form)):
        if key in form.errors or key in refused:
            continue
        if key in kept:
            shown = KeptUpload(token=tokens[key], name=kept[key].original_name)
        elif request.FILES.get(key) and cleaned.get(key):
            shown = pending_upload_keep(
                owner=_upload_owner(request, create=True),
                form_version=form_version,
                field_key=key,
                uploaded=cleaned[key],
            )
        else:
            continue
        submission.kept[key] = shown
        form.kept_uploads[key] = shown
        # Not asked again: the kept file is sent by its token.
        form.fields[key].required = False
        form.fields[key].widget.attrs["aria-describedby"] = f"{form[key].auto_id}_kept"


class _KeptFilesTaken(Exception):
    """Another post has just used kept files of this one (their field keys)."""

    def __init__(self, keys: set[str]):
        super().__init__(keys)
        self.keys = keys


def application_form_submit(
    request: HttpRequest,
    *,
    service,
    kecamatan,
    form_version: FormVersion,
    applicant_form_class: type[ApplicantForm] = ApplicantForm,
    applicant_form_kwargs: dict | None = None,
    offering=None,
    **submit_kwargs,
) -> Submission:
    """The forms of ``service`` in ``kecamatan``; on POST, both checked and, when valid,
    submitted (``submit_kwargs`` go to ``application_submit`` as they are).

    ``form_version`` is the service's current version and ``offering`` (optional) the
    kecamatan offering it, both as the caller has just read them: the service form is
    built and validated once here and handed on, not read and checked again.
    The result has the application, or the service's refusal as ``error`` (nothing
    saved), or neither when a form is invalid or nothing was posted.
    """
    applicant_form_kwargs = {
        "prefix": APPLICANT_PREFIX,
        "schema": form_version.schema,
        **(applicant_form_kwargs or {}),
    }
    if request.method != "POST":
        form_class = application_form_class(form_version, service=service, kecamatan=kecamatan)
        return Submission(applicant_form_class(**applicant_form_kwargs), form_class())
    applicant_form = applicant_form_class(request.POST, **applicant_form_kwargs)
    applicant_valid = applicant_form.is_valid()
    # The originals the petugas loket checked make their scans optional (counter only).
    originals = applicant_form.originals() if hasattr(applicant_form, "originals") else []
    form_class = application_form_class(
        form_version, service=service, kecamatan=kecamatan, originals_checked=originals
    )
    kept, tokens, stale = _kept_files(
        request, form_version=form_version, keys=_file_keys(form_class)
    )
    files = request.FILES.copy()
    opened = {key: pending_upload_open(upload) for key, upload in kept.items()}
    for key, uploaded in opened.items():
        files[key] = uploaded  # MultiValueDict.update would append, not replace
    try:
        submission = Submission(applicant_form, form_class(request.POST, files))
        form = submission.form
        form.is_valid()
        for key in stale:
            form.add_error(
                key,
                _(
                    "The file you uploaded earlier is no longer available here "
                    "(it expired or belongs to another session). Choose it again."
                ),
            )
        if applicant_valid and form.is_valid():
            try:
                # Kept files are claimed and used in one savepoint (none without them).
                with transaction.atomic() if kept else nullcontext():
                    taken = pending_uploads_claim(uploads=kept)
                    if taken:
                        raise _KeptFilesTaken(taken)
                    submission.application = application_submit(
                        service=service,
                        kecamatan=kecamatan,
                        form=form,
                        form_version=form_version,
                        offering=offering,
                        **applicant_form.submit_kwargs(form),
                        **submit_kwargs,
                    )
                    pending_uploads_consume(uploads=kept.values())
            except ValidationError as error:
                submission.error = error
            except _KeptFilesTaken as taken:
                for key in sorted(taken.keys):
                    form.add_error(
                        key,
                        _(
                            "This file has just been sent with another submission of this "
                            "form (it may have been sent twice). Check the status of your "
                            "application before sending it again."
                        ),
                    )
        if submission.application is None:
            _keep_valid_files(
                request, submission, form_version=form_version, kept=kept, tokens=tokens
            )
    finally:
        for uploaded in opened.values():
            uploaded.close()
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
