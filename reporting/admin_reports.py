"""Report runs and report schedules in the Wagtail admin (issue #6).

Under Wagtail's "Reports" menu ("Laporan"): request a report, the report archive with
live progress and private downloads, and the report schedules. Every read goes
through ``kecamatan_scope_for`` (a run or schedule of another kecamatan is a 404, and
pemda-wide ones, with no kecamatan, are seen only by pemda-wide users); every write
goes through ``reporting.services``. Report files have no URL of their own: they are
streamed by ``output_download`` after the same scope check.

Imported from ``reporting/wagtail_hooks.py``; the hooks register themselves here.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.log_actions import log

from paten.accounts.selectors import kecamatan_scope_for
from paten.accounts.viewsets import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedModelViewSet,
)
from paten.audit.services import audit_record
from paten.regions.models import Kecamatan, Region
from reporting.models import (
    RelativePeriod,
    ReportFormat,
    ReportKind,
    ReportOutput,
    ReportRun,
    ReportSchedule,
    ReportStatus,
    ScheduleFrequency,
)
from reporting.reports import registered_kinds
from reporting.services.reports import report_run_request, report_run_retry
from reporting.services.schedules import (
    relative_period,
    report_schedule_delete,
    report_schedule_save,
)

URL_NAMESPACE = "report_runs"
PER_PAGE = 50

#: The citizens' free-text suggestions leave the system in an IKM report file only for
#: those who plan the survey's follow-up (camat and Admin Pemda), not for every role
#: that may read single responses in the admin.
SUGGESTIONS_PERMISSION = "reporting.change_followupplan"

CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}

#: Quick choices of the request form; "other dates" uses the two date fields.
QUICK_PERIODS = (
    RelativePeriod.LAST_MONTH,
    RelativePeriod.THIS_MONTH,
    RelativePeriod.LAST_QUARTER,
    RelativePeriod.LAST_YEAR,
)
OTHER_DATES = "tanggal"


# -- who may do what ------------------------------------------------------------------


def user_may_request(user) -> bool:
    return user.has_perm("reporting.add_reportrun") and not kecamatan_scope_for(user).is_empty


def user_may_view(user) -> bool:
    return user.has_perm("reporting.view_reportrun") and not kecamatan_scope_for(user).is_empty


def user_may_download(user) -> bool:
    return user.has_perm("reporting.view_reportoutput") and user_may_view(user)


def kecamatan_choices_for(user) -> QuerySet:
    """The installation's kecamatan that ``user`` may report on or schedule for."""
    regions = Kecamatan.objects.filter(
        code__startswith=f"{settings.PATEN_KABUPATEN_KOTA}."
    ).order_by("name")
    return kecamatan_scope_for(user).filter(regions, field="code")


def report_kinds() -> dict:
    """The registered report kinds, in the order of ``ReportKind`` (not of import)."""
    registered = registered_kinds()
    return {kind: registered[kind] for kind in ReportKind.values if kind in registered}


def region_label(region: Region) -> str:
    return region.name


def _runs_for(user) -> QuerySet:
    return kecamatan_scope_for(user).filter(ReportRun.objects.all())


def _run_or_404(request: HttpRequest, pk) -> ReportRun:
    if not user_may_view(request.user):
        raise PermissionDenied
    run = (
        _runs_for(request.user)
        .select_related("kecamatan", "requested_by", "schedule")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    return run


def _scope_label(kecamatan) -> str:
    return kecamatan.name if kecamatan is not None else _("Whole kabupaten/kota")


def _duration_label(duration: timedelta | None) -> str:
    if duration is None:
        return "—"
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


# -- request ----------------------------------------------------------------------------


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput)
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.RadioSelect,
        initial=RelativePeriod.LAST_MONTH,
    )
    start = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kecamatan = forms.ModelChoiceField(label=gettext_lazy("Kecamatan"), queryset=Region.objects)
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Files"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = report_kinds()
        self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        self.fields["kind"].initial = kind
        self.fields["period"].choices = [
            *((p.value, p.label) for p in QUICK_PERIODS),
            (OTHER_DATES, _("Other dates")),
        ]
        kecamatan = self.fields["kecamatan"]
        kecamatan.queryset = kecamatan_choices_for(user)
        kecamatan.label_from_instance = region_label
        if kecamatan_scope_for(user).is_pemda_wide:
            kecamatan.required = False
            kecamatan.empty_label = _("Whole kabupaten/kota")
        else:
            kecamatan.empty_label = None
        formats = kinds[kind].formats
        self.fields["formats"].choices = [(f, ReportFormat(f).label) for f in formats]
        self.fields["formats"].initial = [
            ReportFormat.XLSX if ReportFormat.XLSX in formats else formats[0]
        ]
        if kind == ReportKind.IKM and user.has_perm(SUGGESTIONS_PERMISSION):
            self.fields["include_suggestions"] = forms.BooleanField(
                label=_("Include the respondents' suggestions"),
                required=False,
                help_text=_("Free text written by citizens: share the file with care."),
            )

    def clean(self):
        cleaned = super().clean()
        period, start, end = cleaned.get("period"), cleaned.get("start"), cleaned.get("end")
        if period == OTHER_DATES:
            if not start or not end:
                self.add_error("start", _("Enter the first and the last day of the period."))
        elif period:
            if start or end:
                self.add_error("period", _("You entered dates: choose “Other dates” to use them."))
            else:
                cleaned["start"], cleaned["end"] = relative_period(
                    period, today=timezone.localdate()
                )
        return cleaned

    @property
    def options(self) -> dict:
        return {"include_suggestions": True} if self.cleaned_data.get("include_suggestions") else {}


def run_request(request: HttpRequest) -> HttpResponse:
    """The request form; a valid POST records the run and opens its progress page."""
    if not user_may_request(request.user):
        raise PermissionDenied
    kinds = report_kinds()
    data = request.POST if request.method == "POST" else None
    kind = (data or request.GET).get("kind")
    if kind not in kinds:
        kind = next(iter(kinds))
    form = ReportRequestForm(data, user=request.user, kind=kind)
    if data is not None and form.is_valid():
        try:
            run = report_run_request(
                user=request.user,
                kind=form.cleaned_data["kind"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                kecamatan=form.cleaned_data["kecamatan"],
                formats=form.cleaned_data["formats"],
                options=form.options,
            )
        except ValidationError as error:  # ReportRequestError: an Indonesian message
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Report requested: %(run)s") % {"run": run})
            return redirect(f"{URL_NAMESPACE}:detail", pk=run.pk)
    return TemplateResponse(
        request,
        "reporting/admin/reports/request.html",
        {
            "header_title": _("Request a report"),
            "page_title": _("Request a report"),
            "header_icon": "doc-full",
            "form": form,
            "kind": kind,
            "kind_label": ReportKind(kind).label,
            "kinds": [
                {
                    "value": k,
                    "label": ReportKind(k).label,
                    "url": f"{reverse(f'{URL_NAMESPACE}:request')}?kind={k}",
                }
                for k in kinds
            ],
        },
    )


# -- archive and progress ---------------------------------------------------------------


class RunFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report"),
        required=False,
        choices=[("", gettext_lazy("All reports")), *ReportKind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *ReportStatus.choices],
    )


def run_list(request: HttpRequest) -> HttpResponse:
    """The report archive of the user's scope; query count independent of the rows."""
    if not user_may_view(request.user):
        raise PermissionDenied
    form = RunFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    runs = _runs_for(request.user).select_related("kecamatan", "requested_by", "schedule")
    if filters.get("kind"):
        runs = runs.filter(kind=filters["kind"])
    if filters.get("status"):
        runs = runs.filter(status=filters["status"])
    may_download = user_may_download(request.user)
    if may_download:
        runs = runs.prefetch_related("outputs")
    page = Paginator(runs, PER_PAGE).get_page(request.GET.get("p"))
    rows = [
        {
            "run": run,
            "scope": _scope_label(run.kecamatan),
            "duration": _duration_label(run.duration),
            "outputs": list(run.outputs.all()) if may_download else [],
        }
        for run in page.object_list
    ]
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "reporting/admin/reports/list.html",
        {
            "header_title": _("Report archive"),
            "page_title": _("Report archive"),
            "header_icon": "doc-full",
            "form": form,
            "page": page,
            "rows": rows,
            "can_request": user_may_request(request.user),
            "query_string": query.urlencode(),
        },
    )


def _outputs_for(user, run: ReportRun) -> list[ReportOutput]:
    """A finished run's files, for users who may download them."""
    if run.status != ReportStatus.DONE or not user_may_download(user):
        return []
    return list(run.outputs.all())


def _output_payload(output: ReportOutput) -> dict:
    return {
        "format": output.format,
        "filename": output.filename,
        "size": output.size,
        "size_label": filesizeformat(output.size),
        "rows": output.rows,
        "url": reverse(f"{URL_NAMESPACE}:download", args=[output.pk]),
    }


def _progress_payload(run: ReportRun, outputs: list[ReportOutput]) -> dict:
    return {
        "id": str(run.pk),
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "progress_note": run.progress_note,
        "finished": run.is_finished,
        "failed": run.status == ReportStatus.FAILED,
        "error": run.error if run.status == ReportStatus.FAILED else "",
        "outputs": [_output_payload(o) for o in outputs],
    }


def run_detail(request: HttpRequest, pk) -> HttpResponse:
    """A run's live progress: refreshes itself without JavaScript, polls with it."""
    run = _run_or_404(request, pk)
    outputs = _outputs_for(request.user, run)
    return TemplateResponse(
        request,
        "reporting/admin/reports/detail.html",
        {
            "header_title": run.get_kind_display(),
            "page_title": run.get_kind_display(),
            "page_subtitle": run.period_label,
            "header_icon": "doc-full",
            "run": run,
            "scope": _scope_label(run.kecamatan),
            "duration": _duration_label(run.duration),
            "outputs": [_output_payload(o) for o in outputs],
            "can_retry": user_may_request(request.user),
            "refresh": not run.is_finished,
        },
    )


def run_progress(request: HttpRequest, pk) -> JsonResponse:
    """Status, progress and (when done) the download links of a run, for the poller."""
    run = _run_or_404(request, pk)
    outputs = _outputs_for(request.user, run)
    response = JsonResponse(_progress_payload(run, outputs))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def run_retry(request: HttpRequest, pk) -> HttpResponse:
    if not user_may_request(request.user):
        raise PermissionDenied
    run = _run_or_404(request, pk)
    try:
        report_run_retry(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was queued again."))
    return redirect(f"{URL_NAMESPACE}:detail", pk=run.pk)


def output_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream a report file to a user whose scope covers the run (else 404)."""
    if not user_may_download(request.user):
        raise PermissionDenied
    outputs = kecamatan_scope_for(request.user).filter(
        ReportOutput.objects.select_related("run"), field="run__kecamatan"
    )
    output = outputs.filter(pk=pk).first()
    if output is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="report.downloaded",
        target=output.run,
        kecamatan=output.run.kecamatan_id,
        payload={"format": output.format, "filename": output.filename},
    )
    response = FileResponse(
        output.file.open("rb"),
        as_attachment=True,
        filename=output.filename,
        content_type=CONTENT_TYPES.get(output.format, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


admin_urlpatterns = [
    path("", run_list, name="index"),
    path("minta/", run_request, name="request"),
    path("<uuid:pk>/", run_detail, name="detail"),
    path("<uuid:pk>/status/", run_progress, name="progress"),
    path("<uuid:pk>/coba-lagi/", run_retry, name="retry"),
    path("berkas/<int:pk>/", output_download, name="download"),
]


# -- schedules --------------------------------------------------------------------------


def schedule_when(schedule: ReportSchedule) -> str:
    time = f"{schedule.hour:02d}.{schedule.minute:02d}"
    if schedule.frequency == ScheduleFrequency.MONTHLY:
        return _("Monthly on day %(day)s at %(time)s") % {
            "day": schedule.day_of_month,
            "time": time,
        }
    if schedule.frequency == ScheduleFrequency.WEEKLY:
        weekday = WEEKDAYS[(schedule.day_of_week - 1) % 7]
        return _("Weekly on %(weekday)s at %(time)s") % {"weekday": weekday, "time": time}
    return _("Daily at %(time)s") % {"time": time}


def schedule_next_run(schedule: ReportSchedule) -> str:
    """When beat fires the schedule next (from its crontab, in the installation's zone)."""
    task = schedule.periodic_task
    if not schedule.is_active or task is None or not task.enabled or task.crontab is None:
        return "—"
    crontab = task.crontab.schedule
    now = crontab.now()
    upcoming = now + crontab.remaining_estimate(now) + timedelta(seconds=30)
    return date_format(upcoming.replace(second=0, microsecond=0), "j F Y H.i")


class ReportScheduleForm(WagtailAdminModelForm):
    kind = forms.ChoiceField(label=capfirst(gettext_lazy("kind")))
    kecamatan = forms.ModelChoiceField(
        label=capfirst(gettext_lazy("kecamatan")), queryset=Region.objects, required=False
    )
    formats = forms.MultipleChoiceField(
        label=capfirst(gettext_lazy("formats")),
        widget=forms.CheckboxSelectMultiple,
        choices=ReportFormat.choices,
        initial=[ReportFormat.XLSX],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        kinds = [k for k, definition in report_kinds().items() if definition.schedulable]
        if self.instance.kind and self.instance.kind not in kinds:
            kinds.append(self.instance.kind)
        self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        kecamatan = self.fields["kecamatan"]
        kecamatan.queryset = kecamatan_choices_for(user)
        kecamatan.label_from_instance = region_label
        if kecamatan_scope_for(user).is_pemda_wide:
            kecamatan.empty_label = _("Whole kabupaten/kota")
            kecamatan.help_text = _("Empty: the whole kabupaten/kota.")
        else:
            kecamatan.required = True
            kecamatan.empty_label = None

    def clean_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _("“%(address)s” is not an email address.") % {"address": address}
                ) from None
        return "\n".join(addresses)

    def clean(self):
        cleaned = super().clean()
        kind, formats = cleaned.get("kind"), cleaned.get("formats")
        definition = report_kinds().get(kind)
        if definition is not None and not definition.schedulable:
            definition = None
        if definition is None and kind:
            self.add_error("kind", _("This report can no longer be scheduled."))
        elif definition is not None and formats:
            if any(f not in definition.formats for f in formats):
                self.add_error(
                    "formats",
                    _("This report is available as %(formats)s.")
                    % {"formats": ", ".join(f.upper() for f in definition.formats)},
                )
        return cleaned


class ScheduleSaveMixin:
    """Saves through ``report_schedule_save`` (which keeps the beat entry in step)."""

    log_action = "wagtail.create"

    def save_instance(self):
        # The service refuses a kecamatan outside the user's scope.
        schedule = report_schedule_save(schedule=self.form.instance, user=self.request.user)
        log(instance=schedule, action=self.log_action, user=self.request.user)
        return schedule

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # e.g. formats the kind no longer offers
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ReportScheduleIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kecamatan", "periodic_task__crontab")


class ReportScheduleCreateView(ScheduleSaveMixin, ScopedCreateView):
    pass


class ReportScheduleEditView(ScheduleSaveMixin, ScopedEditView):
    log_action = "wagtail.edit"


class ReportScheduleDeleteView(ScopedDeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
        report_schedule_delete(schedule=self.object)


class ReportScheduleViewSet(ScopedModelViewSet):
    model = ReportSchedule
    icon = "date"
    url_prefix = "laporan/jadwal"
    menu_label = gettext_lazy("Report schedules")
    menu_hook = "register_reports_menu_item"
    menu_order = 30
    index_view_class = ReportScheduleIndexView
    add_view_class = ReportScheduleCreateView
    edit_view_class = ReportScheduleEditView
    delete_view_class = ReportScheduleDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    list_filter = ["kind", "frequency", "is_active"]
    list_display = [
        "name",
        Column("kind", label=capfirst(gettext_lazy("kind")), accessor="get_kind_display"),
        Column(
            "kecamatan",
            label=capfirst(gettext_lazy("kecamatan")),
            accessor=lambda s: _scope_label(s.kecamatan),
        ),
        Column(
            "period", label=capfirst(gettext_lazy("period covered")), accessor="get_period_display"
        ),
        Column("when", label=gettext_lazy("When"), accessor=schedule_when),
        Column("next_run", label=gettext_lazy("Next run"), accessor=schedule_next_run),
        BooleanColumn("is_active", label=capfirst(gettext_lazy("active"))),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("kecamatan"),
            FieldPanel("period"),
            FieldPanel("formats"),
            MultiFieldPanel(
                [
                    FieldPanel("frequency"),
                    FieldRowPanel([FieldPanel("day_of_month"), FieldPanel("day_of_week")]),
                    FieldRowPanel([FieldPanel("hour"), FieldPanel("minute")]),
                ],
                heading=gettext_lazy("When"),
            ),
            FieldPanel("recipients"),
            FieldPanel("is_active"),
        ],
        base_form_class=ReportScheduleForm,
    )


# -- registration -----------------------------------------------------------------------


class RequestReportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_request(request.user)


class ReportArchiveMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_view(request.user)


@hooks.register("register_admin_urls")
def register_report_run_urls():
    return [path("laporan/", include((admin_urlpatterns, URL_NAMESPACE), namespace=URL_NAMESPACE))]


@hooks.register("register_reports_menu_item")
def register_request_report_menu_item():
    return RequestReportMenuItem(
        gettext_lazy("Request a report"),
        reverse(f"{URL_NAMESPACE}:request"),
        name="report-request",
        icon_name="plus",
        order=10,
    )


@hooks.register("register_reports_menu_item")
def register_report_archive_menu_item():
    return ReportArchiveMenuItem(
        gettext_lazy("Report archive"),
        reverse(f"{URL_NAMESPACE}:index"),
        name="report-archive",
        icon_name="doc-full",
        order=20,
    )


@hooks.register("register_admin_viewset")
def register_report_schedule_viewset():
    return ReportScheduleViewSet("report_schedules")
