"""The "Data export" admin page (Reports menu): staff download the data they may see.

Choose a dataset (applications, survey responses, services, regions, users), its
filters and a format. The rows come from ``reporting.exports.selectors``
(``export_for``: scoped by ``kecamatan_scope_for``, personal data masked unless the
user holds ``forms_builder.view_personal_data`` and asks for it). An export of at most
``ReportSettings.max_request_rows`` rows is written and sent in the request; a larger
one becomes a report run on the Celery worker, and the user is sent to its page.
"""

import os
import tempfile

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from forms_builder.resources import user_may_unmask
from forms_builder.services.access import personal_data_export_record
from forms_builder.workflow import ApplicationState
from paten.accounts.selectors import kecamatan_scope_for
from paten.audit.services import audit_record
from paten.files import private_file_response
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan_for
from reporting.common.menu import rule_menu_item
from reporting.exports.constants import EXPORT_FORMATS, PERIOD_DATASETS, Dataset
from reporting.exports.permissions import datasets_for
from reporting.exports.selectors import ExportOptions, export_for
from reporting.models import ReportKind, ReportSettings
from reporting.reports.registry import ReportData
from reporting.reports.services import MAX_PERIOD_DAYS, ReportRequestError, report_run_request
from reporting.reports.writers import WRITERS, private_tmp_dir
from reporting.survey.permissions import user_may_take_suggestions
from service_catalog.models import ServicePage

INDEX_URL_NAME = "reporting_exports:index"
#: The report run page (reporting.reports.admin.runs); the admin home if it is missing.
RUN_URL_NAME = "report_runs:detail"

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(label=gettext_lazy("Data"))
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[(f.value, f.label) for f in EXPORT_FORMATS],
        initial=EXPORT_FORMATS[0].value,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=AdminDateInput(),
        help_text=gettext_lazy("Applications: submission date; survey responses: survey date."),
    )
    end = forms.DateField(label=gettext_lazy("Until"), required=False, widget=AdminDateInput())
    kecamatan = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=gettext_lazy("All kecamatan I may see"),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *ApplicationState.choices],
    )
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"), required=False, coerce=int, empty_value=None
    )
    unmask = forms.BooleanField(
        label=gettext_lazy("Include personal data (every field marked personal) unmasked"),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Why do you need the personal data?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Required with unmasked personal data; recorded in the personal data access log."
        ),
    )
    include_suggestions = forms.BooleanField(
        label=gettext_lazy("Include the suggestions written by respondents"),
        required=False,
        help_text=gettext_lazy("Free text may name people; leave it out unless you need it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["dataset"].choices = datasets_for(user)
        self.fields["kecamatan"].queryset = installation_kecamatan_for(user=user)
        services = ServicePage.objects.order_by("title").values_list("pk", "title")
        self.fields["service"].choices = [("", _("All services")), *services]
        if not user_may_unmask(user):
            del self.fields["unmask"]
            del self.fields["reason"]
        if not user_may_take_suggestions(user):
            del self.fields["include_suggestions"]

    def clean(self):
        data = super().clean()
        dataset = data.get("dataset")
        start, end = data.get("start"), data.get("end")
        if dataset in PERIOD_DATASETS:
            if not start or not end:
                raise forms.ValidationError(_("Enter the first and the last day of the period."))
            if start > end:
                raise forms.ValidationError(_("The first day must not be after the last day."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("An export covers at most two years."))
        if data.get("unmask") and dataset == Dataset.APPLICATIONS:
            if not (data.get("reason") or "").strip():
                self.add_error(
                    "reason",
                    _("Write why you need the personal data unmasked: the reason is recorded."),
                )
        return data

    def options(self) -> ExportOptions:
        data = self.cleaned_data
        dataset = data["dataset"]
        with_period = dataset in PERIOD_DATASETS
        kecamatan = data.get("kecamatan")
        applications = dataset == Dataset.APPLICATIONS
        return ExportOptions(
            dataset=dataset,
            start=data.get("start") if with_period else None,
            end=data.get("end") if with_period else None,
            kecamatan=kecamatan.code if kecamatan and with_period else "",
            state=(data.get("state") or "") if applications else "",
            service_id=data.get("service") if applications else None,
            unmask=bool(data.get("unmask")) and applications,
            reason=(data.get("reason") or "").strip()
            if data.get("unmask") and applications
            else "",
            include_suggestions=bool(data.get("include_suggestions"))
            and dataset == Dataset.SURVEY_RESPONSES,
        )


def run_url(run) -> str | None:
    try:
        return reverse(RUN_URL_NAME, args=[run.pk])
    except NoReverseMatch:
        return None


class ExportView(WagtailAdminTemplateMixin, FormView):
    template_name = "reporting/admin/exports/index.html"
    form_class = ExportForm
    page_title = gettext_lazy("Data export")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not datasets_for(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        today = timezone.localdate()
        return {"start": today.replace(day=1), "end": today}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["max_request_rows"] = ReportSettings.load().max_request_rows
        return context

    def form_valid(self, form):
        user = self.request.user
        options = form.options()
        file_format = form.cleaned_data["file_format"]
        try:
            export = export_for(user=user, options=options)
        except PermissionDenied:
            form.add_error("dataset", _("You may not export this data."))
            return self.form_invalid(form)
        rows = export.count()
        limit = ReportSettings.load().max_request_rows
        if rows <= limit:
            return self.download(export=export, options=options, file_format=file_format)
        return self.queue(
            form=form,
            export=export,
            options=options,
            file_format=file_format,
            rows=rows,
            limit=limit,
        )

    def record_unmasked(self, *, export, options: ExportOptions, file_format: str) -> None:
        """An unmasked export of applications is a read of personal data: recorded with
        its reason, one event per kecamatan of the rows (UU 27/2022)."""
        if options.unmask and getattr(export.resource, "unmask", False):
            personal_data_export_record(
                actor=self.request.user,
                applications=export.queryset,
                reason=options.reason,
                detail=f"{options.dataset}.{file_format}",
            )

    # -- small: written and sent now --------------------------------------------------

    def download(self, *, export, options: ExportOptions, file_format: str):
        user = self.request.user
        today = timezone.localdate()
        # Under the private root like the worker's files: the rows may hold personal data.
        handle, file_path = tempfile.mkstemp(suffix=f".{file_format}", dir=private_tmp_dir())
        os.close(handle)
        try:
            # The installation's language, as in the worker: one file whoever asks.
            with translation.override(settings.LANGUAGE_CODE):
                data = ReportData(
                    title=export.title,
                    scope_label="",
                    start=options.start or today,
                    end=options.end or today,
                    sheets=[export.sheet()],
                )
                rows = WRITERS[file_format](data, file_path, lambda *args: None, (0, 100))
            stream = open(file_path, "rb")  # noqa: SIM115 (closed by the response)
        finally:
            os.remove(file_path)  # the open handle keeps the data until it is sent
        self.record_unmasked(export=export, options=options, file_format=file_format)
        scope = kecamatan_scope_for(user)
        audit_record(
            actor=user,
            action="export.downloaded",
            kecamatan=options.kecamatan
            or (next(iter(scope.codes)) if len(scope.codes) == 1 else None),
            payload={
                "dataset": options.dataset,
                "format": file_format,
                "rows": rows,
                "options": {**options.to_parameters(), "start": options.start, "end": options.end},
            },
        )
        name = "_".join(
            part
            for part in (options.dataset, slugify(options.kecamatan), f"{today:%Y%m%d}")
            if part
        )
        return private_file_response(
            stream, filename=f"{name}.{file_format}", content_type=CONTENT_TYPES[file_format]
        )

    # -- large: a report run on the worker --------------------------------------------

    def queue(
        self, *, form, export, options: ExportOptions, file_format: str, rows: int, limit: int
    ):
        today = timezone.localdate()
        try:
            run = report_run_request(
                user=self.request.user,
                kind=ReportKind.APPLICATIONS_EXPORT,
                start=options.start or today,
                end=options.end or today,
                kecamatan=options.kecamatan or None,
                formats=[file_format],
                options=options.to_parameters(),
            )
        except PermissionDenied:
            form.add_error(
                None,
                _(
                    "This export has %(rows)s rows, more than the %(limit)s that can be "
                    "downloaded directly, and you may not request report runs. Narrow the "
                    "filters (period, kecamatan, service, state) or ask a pemda administrator."
                )
                % {"rows": rows, "limit": limit},
            )
            return self.form_invalid(form)
        except ReportRequestError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        self.record_unmasked(export=export, options=options, file_format=file_format)
        messages.success(
            self.request,
            _(
                "The export has %(rows)s rows: it is being prepared as a report. "
                "Download it from the report page when it is done."
            )
            % {"rows": rows},
        )
        return redirect(run_url(run) or reverse("wagtailadmin_home"))


# -- menu and URLs (registered by reporting.wagtail_hooks) ------------------------------


def export_menu_item():
    return rule_menu_item(
        gettext_lazy("Data export"),
        INDEX_URL_NAME,
        name="data-export",
        icon="download",
        order=150,
        rule=lambda user: bool(datasets_for(user)),
    )


#: Mounted at ``ekspor-data/`` under the ``reporting_exports`` namespace.
urlpatterns = [path("", ExportView.as_view(), name="index")]
