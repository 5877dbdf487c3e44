"""Survey pages in the Wagtail admin that are not plain model views.

Paper questionnaire entry, the paper-file import (dry run, then confirm), its template
file, and the export of responses. Every read and every kecamatan choice goes through
``kecamatan_scope_for``; every write through ``reporting.survey.services``.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from paten.accounts.selectors import kecamatan_scope_for
from paten.admin_import import (
    AdminImportView,
    ImportConfirmForm,
    ImportSummary,
    import_summary_from_result,
)
from paten.files import private_headers
from paten.regions.selectors import installation_kecamatan_for
from reporting.models import SurveyKiosk, SurveyResponse
from reporting.survey.admin.forms import PaperEntryForm
from reporting.survey.constants import SurveyChannel
from reporting.survey.permissions import user_may_enter_responses, user_may_export_responses
from reporting.survey.resources import SurveyResponseResource, import_column_notes, import_template
from reporting.survey.services import SurveyInputError, survey_response_submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RESPONSES_INDEX = "survey_responses:index"
PAPER_ENTRY = "survey_paper_entry:index"
IMPORT = "survey_import:index"
IMPORT_TEMPLATE = "survey_import:template"
EXPORT = "survey_responses:export"


def kiosk_url(kiosk: SurveyKiosk) -> str:
    """The kiosk's public address (served by ``reporting:kiosk``), in the site's language.

    The admin may be in English for this user; the tablet must not inherit the prefix.
    """
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("reporting:kiosk", args=[kiosk.token])
    except NoReverseMatch:
        return f"/survei/kios/{kiosk.token}/"


# -----------------------------------------------------------------------------
# Paper questionnaire entry
# -----------------------------------------------------------------------------


class PaperEntryView(WagtailAdminTemplateMixin, FormView):
    """Type in one paper questionnaire; "save and next" keeps kecamatan, service and date."""

    template_name = "reporting/admin/paper_entry.html"
    form_class = PaperEntryForm
    page_title = gettext_lazy("Paper questionnaire entry")
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        if not user_may_enter_responses(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(RESPONSES_INDEX), "label": _("Survey responses")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.request.method == "GET" and self.request.GET.get("kecamatan"):
            # "Save and enter the next one": straight to the next paper's number.
            form.fields["paper_reference"].widget.attrs["autofocus"] = True
        return form

    def get_initial(self):
        kecamatan = installation_kecamatan_for(user=self.request.user)
        initial = {"answered_on": timezone.localdate()}
        params = self.request.GET
        if params.get("kecamatan") and kecamatan.filter(code=params["kecamatan"]).exists():
            initial["kecamatan"] = params["kecamatan"]
        elif len(kecamatan[:2]) == 1:
            initial["kecamatan"] = kecamatan[0].code
        if params.get("service", "").isdigit():
            initial["service"] = int(params["service"])
        if params.get("answered_on"):
            initial["answered_on"] = params["answered_on"]
        return initial

    def post(self, request, *args, **kwargs):
        # A crafted POST for a kecamatan outside the user's scope: refused, never saved.
        code = request.POST.get("kecamatan", "")
        if code and not kecamatan_scope_for(request.user).allows(code):
            form = self.get_form()
            form.add_error(
                "kecamatan",
                _("You can only enter questionnaires for your own kecamatan."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            response = survey_response_submit(
                channel=SurveyChannel.PAPER,
                kecamatan=data["kecamatan"],
                service=data.get("service"),
                answered_on=data["answered_on"],
                entered_by=self.request.user,
                paper_reference=data.get("paper_reference", ""),
                **form.submit_kwargs(),
            )
        except SurveyInputError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Questionnaire %(number)s saved for %(kecamatan)s.")
            % {
                "number": response.paper_reference or f"#{response.pk}",
                "kecamatan": data["kecamatan"].name,
            },
        )
        if "save_next" in self.request.POST:
            query = {
                "kecamatan": data["kecamatan"].code,
                "answered_on": data["answered_on"].isoformat(),
            }
            if data.get("service"):
                query["service"] = data["service"].pk
            return redirect(f"{self.request.path}?{urlencode(query)}")
        return redirect(RESPONSES_INDEX)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_url"] = reverse(IMPORT)
        return context


# -----------------------------------------------------------------------------
# Import of paper questionnaire files
# -----------------------------------------------------------------------------


class SurveyImportView(AdminImportView):
    """Dry run with per-row errors, then the all-or-nothing import (one audit event)."""

    model = SurveyResponse
    resource_class = SurveyResponseResource
    index_url_name = RESPONSES_INDEX
    template_name = "reporting/admin/survey_import.html"
    file_sha256 = ""
    file_name = ""

    @classmethod
    def user_may_import(cls, user) -> bool:
        # Responses are never changed, so the add permission is enough.
        return user_may_enter_responses(user)

    def get_page_title(self):
        return _("Import paper questionnaires")

    def confirm(self, request):
        # The audit event names the file by its hash: read it before the base class runs
        # the import and deletes it.
        form = ImportConfirmForm(request.POST)
        if form.is_valid():
            path = self.storage_dir() / form.cleaned_data["import_token"]
            if path.exists():
                self.file_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
                self.file_name = form.cleaned_data["original_name"]
        return super().confirm(request)

    def run_import(self, *, dataset, dry_run: bool) -> ImportSummary:
        resource = self.resource_class(
            user=self.request.user, file_sha256=self.file_sha256, file_name=self.file_name
        )
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        return import_summary_from_result(result, dry_run=dry_run)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_xlsx_url"] = reverse(IMPORT_TEMPLATE, args=["xlsx"])
        context["template_csv_url"] = reverse(IMPORT_TEMPLATE, args=["csv"])
        context["column_notes"] = import_column_notes()
        return context


def import_template_download(request: HttpRequest, file_format: str) -> HttpResponse:
    if not user_may_enter_responses(request.user):
        raise PermissionDenied
    if file_format == "csv":
        response = HttpResponse(import_template("csv"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(import_template("xlsx"), content_type=XLSX)
        file_format = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="kuesioner-skm.{file_format}"'
    return response


#: Mounted at ``skm/impor/`` under the ``survey_import`` namespace (``wagtail_hooks``).
import_urlpatterns = [
    path("", SurveyImportView.as_view(), name="index"),
    path("template.<str:file_format>", import_template_download, name="template"),
]


# -----------------------------------------------------------------------------
# Export
# -----------------------------------------------------------------------------


def responses_export(request: HttpRequest, *, filterset_class=None) -> HttpResponse:
    """The responses the user may see, filtered like the list, as XLSX (or ``?format=csv``).

    The suggestion text is left out (``SurveyResponseResource``).
    """
    if not user_may_export_responses(request.user):
        raise PermissionDenied
    resource = SurveyResponseResource(user=request.user)
    queryset = resource.get_queryset()
    if filterset_class is not None:
        filters = filterset_class(
            data=request.GET, queryset=queryset.order_by("-answered_on", "-id"), request=request
        )
        if filters.is_valid():
            queryset = filters.qs
    dataset = resource.export(queryset=queryset)
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "csv":
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jawaban-skm-{stamp}.csv"'
    else:
        dataset.title = "jawaban-skm"
        response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="jawaban-skm-{stamp}.xlsx"'
    return private_headers(response)
