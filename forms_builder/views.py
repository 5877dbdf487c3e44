"""Public pages: apply online, the receipt, the tracker and document verification.

All of them work without JavaScript and show no personal data beyond the applicant's
initials. Lookups by tracking code are rate-limited per client address.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from paten.tracker import CodeTracker, TrackForm
from service_catalog.selectors import standard_for

from . import tracking
from .forms import ApplicationFormBuilder
from .notifications import tracker_path
from .pdf import receipt_pdf
from .selectors import application_by_code, application_by_token, service_applying
from .services.applications import (
    APPLICANT,
    TransitionNotAllowed,
    application_documents_replace,
    application_transition,
)
from .submission import application_form_submit, submission_errors_attach
from .validators import FILE_TYPE_LABELS
from .workflow import ApplicationState, back_office_step_at, next_state_hint

S = ApplicationState


TRACKER = CodeTracker(app="forms_builder", codes=tracking)


# -- apply ------------------------------------------------------------------------


# Reads need no transaction, and ``application_submit`` writes in its own: the request's
# transaction (ATOMIC_REQUESTS) would only turn that one into a savepoint and hold the
# connection's transaction open while the form and the files are checked.
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply online: choose the kecamatan, then fill in the service's current form."""
    applying = service_applying(code=code)
    if applying is None:
        raise Http404(_("No such service."))
    service, form_version, offering = applying.service, applying.form_version, applying.offering
    context = {"service": service, "offering": offering, "form_version": form_version}
    if form_version is None or not offering:
        return render(request, "forms_builder/apply_unavailable.html", context)

    chosen_code = request.GET.get("kecamatan") or (offering[0].code if len(offering) == 1 else "")
    kecamatan = next((k for k in offering if k.code == chosen_code), None)
    if kecamatan is None:
        context["unknown_kecamatan"] = bool(chosen_code)
        return render(request, "forms_builder/apply_choose.html", context)

    submission = application_form_submit(
        request, service=service, kecamatan=kecamatan, form_version=form_version, offering=offering
    )
    if submission.application is not None:
        return redirect("forms_builder:receipt", code=submission.application.tracking_code)
    if submission.error is not None:
        submission_errors_attach(
            submission.error, applicant_form=submission.applicant_form, form=submission.form
        )
    standard = standard_for(service, kecamatan)
    context.update(
        kecamatan=kecamatan,
        form=submission.form,
        applicant_form=submission.applicant_form,
        standard=standard,
        documents=list(service.required_documents.all()),
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "forms_builder/apply.html", context, status=status)


# -- receipt and tracker --------------------------------------------------------------


def _by_code_or_404(request: HttpRequest, code: str):
    try:
        normalised = tracking.parse(code)
    except tracking.TrackingCodeError:
        raise Http404 from None
    application = application_by_code(code=normalised)
    if application is None:
        raise Http404
    return application


def receipt(request: HttpRequest, code: str) -> HttpResponse:
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    application = _by_code_or_404(request, code)
    return render(
        request,
        "forms_builder/receipt.html",
        {"application": application, "tracker_url": _tracker_url(request, application)},
    )


def receipt_download(request: HttpRequest, code: str) -> HttpResponse:
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    application = _by_code_or_404(request, code)
    pdf = receipt_pdf(application=application, tracker_url=_tracker_url(request, application))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bukti-{application.display_code}.pdf"'
    return response


def _tracker_url(request: HttpRequest, application) -> str:
    return request.build_absolute_uri(tracker_path(application.display_code))


def _timeline(application) -> list[dict]:
    """One row per recorded event, in the order they happened. A procedure step appears
    where it was done: a back-office step when the back office marked it, a step that a
    transition records (registration, the camat's signature, handover) with that
    transition, never before it."""
    steps = list(application.service.procedure_steps.all())
    rows = []
    for event in application.events.all():
        title = (
            steps[event.step].title if event.step is not None and event.step < len(steps) else ""
        )
        label, detail = S(event.to_state).label, title
        if title and event.from_state == S.PROCESSING:
            if event.to_state == S.PROCESSING:
                label, detail = _("Step done: %(step)s") % {"step": title}, ""
            else:
                detail = _("step done: %(step)s") % {"step": title}
        rows.append({"at": event.at, "label": label, "step": detail, "state": event.to_state})
    return rows


def _survey_status(application) -> str:
    """The tracker's survey link: "open" once the service was delivered, then "done"."""
    if application.state not in (S.FINISHED, S.HANDED_OVER):
        return ""
    # The reverse one-to-one raises (an AttributeError) when there is no response.
    return "done" if hasattr(application, "survey_response") else "open"


# The lookup changes nothing (it reads a code and redirects), so it needs no CSRF token,
# and the bare lookup page stays free of one and thus compressible (paten/compression.py).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """The tracker's lookup: the code is posted, then the status lives at /lacak/<code>/.

    The code authorises cancelling and uploading, so it never travels in a query string
    (access logs keep those); the path segment is redacted from the logs
    (paten/log_redaction.py). Old links and printed QR codes with ``?kode=`` are sent
    on to the same address.
    """
    return TRACKER.lookup(request)


@require_GET
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    """The public tracker: status, timeline, due date, what is missing, next step."""

    def describe(application) -> dict:
        return {
            **_status_context(application),
            "sent": request.GET.get("terkirim") == "1" and application.state == S.SUBMITTED,
        }

    return TRACKER.status(
        request,
        code,
        find=lambda normalised: application_by_code(code=normalised),
        not_found=_("No application has this code. Check it against your receipt."),
        describe=describe,
    )


def _documents_form(application, *, data=None, files=None):
    """The returned application's upload form (file fields of its own version), or None."""
    if application.state != S.RETURNED:
        return None
    form_class = ApplicationFormBuilder.for_documents(
        application.form_version, kecamatan=application.kecamatan
    ).get_form_class()
    if not form_class.base_fields:
        return None
    return form_class(data=data, files=files)


def _document_rows(form) -> list[dict]:
    """Label, input and limits of each upload: document labels only, never a file name."""
    if form is None:
        return []
    rows = []
    for key in form.field_specs:
        field = form.fields[key]
        rows.append(
            {
                "field": form[key],
                "types": ", ".join(
                    FILE_TYPE_LABELS[t] for t in field.accepted_types if t in FILE_TYPE_LABELS
                )
                or ", ".join(FILE_TYPE_LABELS.values()),
                "max_size_mb": field.max_size_mb,
            }
        )
    return rows


def _current_step(application, steps):
    """The back-office step a processed application is at, or None."""
    if application.state != S.PROCESSING:
        return None
    at = back_office_step_at(steps, application.current_step)
    return steps[at] if at is not None else None


def _status_context(application, *, documents_form=None) -> dict:
    """What the tracker shows of ``application``: no personal data beyond initials."""
    steps = list(application.service.procedure_steps.all())
    if documents_form is None:
        documents_form = _documents_form(application)
    return {
        "application": application,
        "timeline": _timeline(application),
        "next_hint": next_state_hint(application.state),
        "current_step": _current_step(application, steps),
        "can_cancel": application.state in (S.SUBMITTED, S.VERIFYING, S.RETURNED),
        "can_resubmit": application.state == S.RETURNED,
        "overdue": application.is_overdue(),
        "survey": _survey_status(application),
        "documents_form": documents_form,
        "document_rows": _document_rows(documents_form),
    }


@require_POST
def track_action(request: HttpRequest) -> HttpResponse:
    """The applicant cancels or resubmits; holding the code is the authorisation."""
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    application = _by_code_or_404(request, request.POST.get("kode", ""))
    target = {"batal": S.CANCELLED, "ajukan_ulang": S.SUBMITTED}.get(request.POST.get("aksi"))
    if target is None:
        return HttpResponse(status=400)
    if target == S.CANCELLED and not request.POST.get("yakin"):
        # Cancelling cannot be undone: only with the confirmation ticked.
        return redirect(tracker_path(application.display_code) + "#batal")
    try:
        application_transition(application=application, to_state=target, actor=APPLICANT)
    except (TransitionNotAllowed, ValidationError):
        pass  # the tracker shows the state as it is
    return redirect(tracker_path(application.display_code))


@require_POST
def track_upload(request: HttpRequest) -> HttpResponse:
    """The applicant sends new or missing documents of a returned application.

    Holding the code is the authorisation, as for resubmitting. The files are checked
    as at intake; on success the application is resubmitted. A bad file re-renders the
    tracker with the message (status 400) and changes nothing.
    """
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    application = _by_code_or_404(request, request.POST.get("kode", ""))
    tracker = tracker_path(application.display_code)
    form = _documents_form(application, data=request.POST, files=request.FILES)
    if form is None:
        return redirect(tracker)  # no longer returned: the tracker shows the state as it is
    if form.is_valid():
        if not form.files_by_document():
            form.add_error(
                None,
                _(
                    "Choose at least one file to upload, or resubmit without new files "
                    "with the button below."
                ),
            )
        else:
            try:
                application_documents_replace(
                    application=application, files=request.FILES, actor=APPLICANT
                )
            except TransitionNotAllowed:
                return redirect(tracker)
            except ValidationError as error:
                _attach_document_errors(error, form=form)
            else:
                return redirect(f"{tracker}?terkirim=1")
    context = {"form": TrackForm(initial={"kode": application.display_code})}
    context.update(_status_context(application, documents_form=form))
    return render(request, "forms_builder/track.html", context, status=400)


def _attach_document_errors(error: ValidationError, *, form) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    by_document = {spec.required_document_key: key for key, spec in form.field_specs.items()}
    for key, messages in error.message_dict.items():
        field = key if key in form.fields else by_document.get(key)
        form.add_error(field, messages)


# -- verification -------------------------------------------------------------------------


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public check of an issued document: number, service, kecamatan, dates only."""
    application = application_by_token(token=token)
    if application is None:
        return render(request, "forms_builder/verify.html", {"found": False}, status=404)
    today = timezone.localdate()
    return render(
        request,
        "forms_builder/verify.html",
        {
            "found": True,
            "number": application.result_number,
            "service": application.service.title,
            "kecamatan": application.kecamatan.name,
            "issued_on": timezone.localdate(application.issued_at),
            "valid_until": application.valid_until,
            "expired": application.valid_until is not None and application.valid_until < today,
        },
    )
