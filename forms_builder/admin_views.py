"""Staff pages in the Wagtail admin: work queue, application detail, counter intake.

Every read goes through ``selectors``, which ask ``permissions`` (the permission to view
applications AND the kecamatan scope): an application the user may not see is a 404,
never a 403 that confirms it exists; the queue itself is refused without the permission.
Every write goes through ``services.applications``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from wagtail.admin.widgets import AdminDateInput

from paten.accounts.selectors import kecamatan_scope_for
from paten.dates import long_date
from paten.files import private_file_response, private_headers
from paten.pagination import admin_page, query_without_page
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan
from service_catalog.models import ServicePage
from service_catalog.selectors import (
    kecamatan_offering,
    service_queryset,
)

from .constants import QUEUE_OPEN, QUEUE_WAITING, FieldType
from .models import FormVersion
from .notifications import tracker_path
from .pdf import receipt_pdf, result_pdf, result_preview_pdf
from .permissions import (
    actor_roles,
    user_may_register_at_counter,
    user_may_review_personal_data_access,
    user_may_unmask,
    user_may_view_applications,
)
from .personal_data import mask_email, mask_name, mask_phone, mask_value, spec_is_personal
from .selectors import (
    application_get_for_user,
    application_list_for_user,
    attachment_get_for_user,
    personal_data_access_list_for_user,
    search_q,
)
from .services.access import personal_data_download_record, personal_data_view_record
from .services.applications import (
    TransitionNotAllowed,
    application_transition,
    application_transitions_for,
)
from .submission import CounterApplicantForm, application_form_submit
from .validators import extension_for
from .workflow import (
    OPEN_STATES,
    ApplicationState,
    Channel,
    back_office_step_at,
    states_waiting_for,
)

PER_PAGE = 50


# -- work queue ---------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("", gettext_lazy("All states")),
            (QUEUE_OPEN, gettext_lazy("All open states")),
            (QUEUE_WAITING, gettext_lazy("Waiting for my role")),
            *ApplicationState.choices,
        ],
    )
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"), required=False, coerce=int, empty_value=None
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    today = forms.BooleanField(label=gettext_lazy("Received today"), required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]


class QueueSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Tracking code, applicant name or NIK"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def queue(request: HttpRequest) -> HttpResponse:
    """The applications of the user's kecamatan; query count independent of the rows.

    The search box posts (a NIK never goes into a URL, the browser history or an access
    log); the admin's global search box sends ``?q=`` (logs redact NIKs, see
    ``paten.log_redaction``). A posted search shows its first page only.
    """
    if not user_may_view_applications(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    search_form = QueueSearchForm(request.POST if posted else request.GET or None)
    search = None
    if search_form.is_bound and search_form.is_valid() and "q" in search_form.data:
        search = search_form.cleaned_data["q"]
    services = list(ServicePage.objects.order_by("title").values_list("pk", "title"))
    form = QueueFilterForm(request.GET or None, services=services)
    filters = form.cleaned_data if form.is_valid() else {}
    state = filters.get("state") or None
    states = None
    if state == QUEUE_OPEN:
        state, states = None, OPEN_STATES
    elif state == QUEUE_WAITING:
        # As ``application_transition``: a superuser may act in every role.
        roles = actor_roles(request.user)
        state, states = None, states_waiting_for(roles)
    queryset = application_list_for_user(
        user=request.user,
        search=search,
        state=state,
        states=states,
        service_id=filters.get("service"),
        overdue=bool(filters.get("overdue")),
        submitted_on=timezone.localdate() if filters.get("today") else None,
    )
    page = admin_page(request, queryset, PER_PAGE, first=posted)
    now = timezone.now()
    rows = [
        {
            "application": application,
            # Masked as on the detail page: enough to tell rows apart (personal_data).
            "applicant": mask_name(application.applicant_name),
            "overdue": application.is_overdue(now),
            "due_soon": application.is_due_soon(now),
        }
        for application in page.object_list
    ]
    return TemplateResponse(
        request,
        "forms_builder/admin/queue.html",
        {
            "header_title": _("Applications"),
            "page_title": _("Applications"),
            "header_icon": "form",
            "form": form,
            "search_form": search_form,
            "search": search,
            "search_too_short": search is not None and search_q(search) is None,
            "posted": posted,
            "page": page,
            "rows": rows,
            "can_intake": user_may_register_at_counter(request.user),
            "query_string": query_without_page(request),
        },
    )


# -- detail and transitions ---------------------------------------------------------


def _data_rows(application, *, reveal: bool = False) -> list[dict]:
    """The form data labelled from the application's OWN form version.

    Fields marked personal (``personal_data.spec_is_personal``) are masked unless
    ``reveal``; data under a key the version does not know is treated as personal.
    Files of a document come newest first; a file sent on resubmission is marked as
    the replacement, and the files it replaced stay listed (they are evidence).
    """
    all_attachments = sorted(
        application.attachments.all(), key=lambda a: a.uploaded_at, reverse=True
    )
    replacements = {a.replaced_by_id for a in all_attachments if a.replaced_by_id}
    attachments: dict[str, list] = {}
    for attachment in all_attachments:
        attachments.setdefault(attachment.required_document_key, []).append(
            {
                "attachment": attachment,
                "replaced": attachment.is_replaced,
                "replacement": attachment.pk in replacements,
            }
        )

    def shown(value, *, personal: bool, field_type: str = ""):
        if personal and not reveal:
            return mask_value(value, field_type=field_type)
        return value

    rows = []
    seen = set()
    schema = application.form_version.schema
    region_names = dict(
        Region.objects.filter(
            code__in=[
                str(application.data.get(spec.get("key")))
                for spec in schema
                if spec.get("type") == FieldType.REGION and application.data.get(spec.get("key"))
            ]
        ).values_list("code", "name")
    )
    for spec in schema:
        key = spec.get("key")
        seen.add(key)
        personal = spec_is_personal(spec)
        if spec.get("type") == FieldType.FILE:
            rows.append(
                {
                    "label": spec.get("label", key),
                    "files": attachments.pop(spec.get("required_document_key"), []),
                    "personal": personal,
                }
            )
        elif key in application.data:
            value = application.data[key]
            if spec.get("type") == FieldType.REGION:
                value = region_names.get(str(value), value)
            elif spec.get("type") in (FieldType.DATE, FieldType.BIRTH_DATE):
                value = long_date(value) or value
            elif isinstance(value, list):
                value = ", ".join(map(str, value))
            elif isinstance(value, bool):
                value = _("Yes") if value else _("No")
            rows.append(
                {
                    "label": spec.get("label", key),
                    "value": shown(value, personal=personal, field_type=spec.get("type", "")),
                    "personal": personal,
                }
            )
    for key, value in application.data.items():
        if key not in seen:
            rows.append({"label": key, "value": shown(value, personal=True), "personal": True})
    for key, files in attachments.items():
        rows.append({"label": key, "files": files, "personal": True})
    return rows


def _applicant(application, *, reveal: bool) -> dict:
    """The applicant's name and contact as the detail page shows them."""
    if reveal:
        return {
            "name": application.applicant_name,
            "phone": application.applicant_phone,
            "email": application.applicant_email,
        }
    return {
        "name": mask_name(application.applicant_name),
        "phone": mask_phone(application.applicant_phone),
        "email": mask_email(application.applicant_email),
    }


def _detail_or_404(request: HttpRequest, pk):
    application = application_get_for_user(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


# Transitions that end an application for good: shown apart from the next step, and
# confirmed before they are taken.
DESTRUCTIVE = frozenset({ApplicationState.CANCELLED, ApplicationState.REJECTED})


def _detail_response(request: HttpRequest, application, *, reveal: bool) -> HttpResponse:
    steps = list(application.service.procedure_steps.all())
    transitions = application_transitions_for(application=application, actor=request.user)
    documents = {d.key: d.name for d in application.service.required_documents.all()}
    response = TemplateResponse(
        request,
        "forms_builder/admin/detail.html",
        {
            "header_title": application.display_code,
            "page_title": _("Application %(code)s") % {"code": application.display_code},
            "page_subtitle": application.service.title,
            "header_icon": "form",
            "application": application,
            "applicant": _applicant(application, reveal=reveal),
            "rows": _data_rows(application, reveal=reveal),
            "revealed": reveal,
            "may_reveal": user_may_unmask(request.user),
            "events": list(application.events.all()),
            "steps": steps,
            "current_step": (
                steps[at]
                if application.state == ApplicationState.PROCESSING
                and (at := back_office_step_at(steps, application.current_step)) is not None
                else None
            ),
            "transitions": [t for t in transitions if t.target not in DESTRUCTIVE],
            "destructive_transitions": [t for t in transitions if t.target in DESTRUCTIVE],
            "viewable_types": VIEWABLE_TYPES,
            "signs": any(t.target == ApplicationState.FINISHED for t in transitions),
            "originals_checked": [documents.get(key, key) for key in application.originals_checked],
            "overdue": application.is_overdue(),
            "due_soon": application.is_due_soon(),
        },
    )
    return private_headers(response)


def detail(request: HttpRequest, pk) -> HttpResponse:
    """The application with its personal data masked (``reveal`` shows it)."""
    return _detail_response(request, _detail_or_404(request, pk), reveal=False)


@require_POST
def reveal(request: HttpRequest, pk) -> HttpResponse:
    """ "Tampilkan": the personal data unmasked, to a user who may see it, recorded.

    A POST answered with the page itself (no redirect), so the unmasked page is never
    a URL that a reload, the history or a shared link opens again.
    """
    application = _detail_or_404(request, pk)
    if not user_may_unmask(request.user):
        raise PermissionDenied
    labels = [str(_("Applicant"))] + [
        row["label"] for row in _data_rows(application) if row["personal"] and "value" in row
    ]
    personal_data_view_record(actor=request.user, application=application, fields=labels)
    return _detail_response(request, application, reveal=True)


@require_POST
def transition(request: HttpRequest, pk) -> HttpResponse:
    application = _detail_or_404(request, pk)
    to_state = request.POST.get("to_state", "")
    if to_state in DESTRUCTIVE and not request.POST.get("confirm"):
        messages.error(request, _("Tick the confirmation first: this cannot be undone."))
        return redirect("forms_builder_admin:detail", pk=application.pk)
    if to_state == ApplicationState.FINISHED and not request.POST.get("previewed"):
        messages.error(request, _("Check the preview of the document before signing it."))
        return redirect("forms_builder_admin:detail", pk=application.pk)
    try:
        application_transition(
            application=application,
            to_state=to_state,
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Application %(code)s updated.") % {"code": application.display_code}
        )
    return redirect("forms_builder_admin:detail", pk=application.pk)


# Types a browser shows itself (and the detected type is the only one ever sent).
VIEWABLE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@xframe_options_sameorigin
def attachment_download(request: HttpRequest, pk, inline: bool = False) -> HttpResponse:
    """Stream a private attachment to staff of the application's kecamatan only; with
    ``inline`` a PDF or image opens in the browser instead of being saved."""
    attachment = attachment_get_for_user(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    personal_data_download_record(actor=request.user, attachment=attachment)
    if inline and attachment.content_type not in VIEWABLE_TYPES:
        inline = False
    # Named by the detected type, whatever the uploader called it (files stored before
    # the stored name followed the detected type too).
    ext = extension_for(attachment.content_type)
    return private_file_response(
        attachment.file.open("rb"),
        filename=f"{attachment.application.tracking_code}-{attachment.required_document_key}{ext}",
        content_type=attachment.content_type,
        as_attachment=not inline,
    )


def receipt_download(request: HttpRequest, pk) -> HttpResponse:
    """The receipt (bukti pendaftaran, with the tracker's QR code) to print at the
    counter; shown in the browser, whose print button prints it."""
    application = _detail_or_404(request, pk)
    tracker_url = request.build_absolute_uri(tracker_path(application.display_code))
    response = HttpResponse(
        receipt_pdf(application=application, tracker_url=tracker_url),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="bukti-{application.display_code}.pdf"'
    return private_headers(response)


@xframe_options_sameorigin
def result_preview(request: HttpRequest, pk) -> HttpResponse:
    """The result document as it will be issued, before the camat signs it: marked as a
    preview, without a number (the number is drawn when it is signed)."""
    application = _detail_or_404(request, pk)
    if application.state != ApplicationState.AWAITING_SIGNATURE:
        raise Http404
    response = HttpResponse(
        result_preview_pdf(application=application), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="pratinjau-{application.display_code}.pdf"'
    return private_headers(response)


def result_download(request: HttpRequest, pk) -> HttpResponse:
    application = _detail_or_404(request, pk)
    if not application.result_number:
        raise Http404
    verify_url = request.build_absolute_uri(
        reverse("forms_builder:verify", args=[application.verification_token])
    )
    response = HttpResponse(
        result_pdf(application=application, verify_url=verify_url), content_type="application/pdf"
    )
    safe_number = "".join(c if c.isalnum() else "-" for c in application.result_number)
    response["Content-Disposition"] = f'inline; filename="{safe_number}.pdf"'
    return private_headers(response)


# -- counter intake -----------------------------------------------------------------


def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake by a petugas loket: choose service (and kecamatan), then the form."""
    if not user_may_register_at_counter(request.user):
        raise Http404
    scope = kecamatan_scope_for(request.user)
    everywhere = installation_kecamatan()
    offering = {
        service: [
            k for k in kecamatan_offering(service, all_kecamatan=everywhere) if scope.allows(k.code)
        ]
        for service in service_queryset().order_by("title")
    }
    services = [service for service, kecamatan in offering.items() if kecamatan]
    service = next((s for s in services if str(s.pk) == request.GET.get("service")), None)
    context = {
        "header_title": _("New application at the counter"),
        "page_title": _("New application at the counter"),
        "header_icon": "form",
        "services": services,
        "service": service,
    }
    if service is None:
        return TemplateResponse(request, "forms_builder/admin/intake.html", context)
    kecamatan_choices = offering[service]
    kecamatan = next(
        (k for k in kecamatan_choices if k.code == request.GET.get("kecamatan")),
        kecamatan_choices[0] if len(kecamatan_choices) == 1 else None,
    )
    form_version = FormVersion.objects.current_for(service)
    context.update(
        kecamatan_choices=kecamatan_choices, kecamatan=kecamatan, form_version=form_version
    )
    if kecamatan is None or form_version is None:
        return TemplateResponse(request, "forms_builder/admin/intake.html", context)
    documents = list(service.required_documents.all())
    submission = application_form_submit(
        request,
        service=service,
        kecamatan=kecamatan,
        form_version=form_version,
        applicant_form_class=CounterApplicantForm,
        applicant_form_kwargs={"documents": documents},
        channel=Channel.COUNTER,
        actor=request.user,
    )
    if submission.error is not None:
        for message in submission.error.messages:
            messages.error(request, message)
    elif submission.application is not None:
        messages.success(
            request,
            _("Registered. Tracking code: %(code)s. Print the receipt for the applicant.")
            % {"code": submission.application.display_code},
        )
        return redirect(
            reverse("forms_builder_admin:detail", args=[submission.application.pk]) + "#bukti"
        )
    context.update(applicant_form=submission.applicant_form, form=submission.form)
    return TemplateResponse(request, "forms_builder/admin/intake.html", context)


# -- the personal data access log ----------------------------------------------------


class AccessLogFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=AdminDateInput())
    end = forms.DateField(label=gettext_lazy("Until"), required=False, widget=AdminDateInput())
    username = forms.CharField(label=gettext_lazy("Staff username"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The first day must not be after the last day."))
        return data


def access_log(request: HttpRequest) -> HttpResponse:
    """Who read whose personal data: the pemda administrator sees every read, a camat
    the reads of their kecamatan's data subjects (UU 27/2022)."""
    if not user_may_review_personal_data_access(request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = personal_data_access_list_for_user(
        user=request.user,
        start=filters.get("start"),
        end=filters.get("end"),
        username=filters.get("username") or "",
    )
    page = admin_page(request, queryset, PER_PAGE)
    response = TemplateResponse(
        request,
        "forms_builder/admin/access_log.html",
        {
            "header_title": _("Personal data access"),
            "page_title": _("Personal data access"),
            "header_icon": "view",
            "form": form,
            "page": page,
            "query_string": query_without_page(request),
        },
    )
    return private_headers(response)


access_urlpatterns = [path("", access_log, name="index")]


admin_urlpatterns = [
    path("", queue, name="queue"),
    path("loket/", intake, name="intake"),
    path("<uuid:pk>/", detail, name="detail"),
    path("<uuid:pk>/tampilkan/", reveal, name="reveal"),
    path("<uuid:pk>/transisi/", transition, name="transition"),
    path("<uuid:pk>/hasil.pdf", result_download, name="result_pdf"),
    path("<uuid:pk>/bukti.pdf", receipt_download, name="receipt_pdf"),
    path("<uuid:pk>/pratinjau.pdf", result_preview, name="result_preview"),
    path("lampiran/<uuid:pk>/", attachment_download, name="attachment"),
    path(
        "lampiran/<uuid:pk>/lihat/",
        attachment_download,
        {"inline": True},
        name="attachment_view",
    ),
]
