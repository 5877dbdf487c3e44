"""Report runs in the Wagtail admin.

Under Wagtail's "Reports" menu ("Laporan"): request a report, the report archive with
live progress and private downloads, and the report schedules. Every read goes
through ``kecamatan_scope_for`` (a run or schedule of another kecamatan is a 404, and
pemda-wide ones, with no kecamatan, are seen only by pemda-wide users); every write
goes through ``reporting.reports.services``. Report files have no URL of their own: they are
streamed by ``output_download`` after the same scope check.

The schedules' viewset is in ``reporting.reports.admin.schedules``; both are
registered by ``reporting.wagtail_hooks``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from paten.audit.services import audit_record
from paten.files import private_file_response, private_headers
from paten.pagination import admin_page, query_without_page
from reporting.common.menu import rule_menu_item
from reporting.models import ReportFormat, ReportKind, ReportOutput, ReportRun, ReportStatus
from reporting.reports.admin.forms import ReportRequestForm, RunFilterForm
from reporting.reports.admin.labels import duration_label, scope_label_for
from reporting.reports.permissions import (
    user_may_download_reports,
    user_may_request_reports,
    user_may_view_reports,
)
from reporting.reports.selectors import (
    output_list_for_user,
    report_kinds_for,
    run_list_for_user,
)
from reporting.reports.services import report_run_request, report_run_retry

URL_NAMESPACE = "report_runs"
PER_PAGE = 50

CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


def _run_or_404(request: HttpRequest, pk) -> ReportRun:
    if not user_may_view_reports(request.user):
        raise PermissionDenied
    run = (
        run_list_for_user(user=request.user)
        .select_related("kecamatan", "requested_by", "schedule")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    return run


# -- request ----------------------------------------------------------------------------


def run_request(request: HttpRequest) -> HttpResponse:
    """The request form; a valid POST records the run and opens its progress page."""
    if not user_may_request_reports(request.user):
        raise PermissionDenied
    kinds = report_kinds_for(user=request.user)
    if not kinds:
        raise PermissionDenied
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


def run_list(request: HttpRequest) -> HttpResponse:
    """The report archive of the user's scope; query count independent of the rows."""
    if not user_may_view_reports(request.user):
        raise PermissionDenied
    form = RunFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    runs = run_list_for_user(user=request.user).select_related(
        "kecamatan", "requested_by", "schedule"
    )
    if filters.get("kind"):
        runs = runs.filter(kind=filters["kind"])
    if filters.get("status"):
        runs = runs.filter(status=filters["status"])
    may_download = user_may_download_reports(request.user)
    if may_download:
        runs = runs.prefetch_related("outputs")
    page = admin_page(request, runs, PER_PAGE)
    rows = [
        {
            "run": run,
            "scope": scope_label_for(run.kecamatan),
            "duration": duration_label(run.duration),
            "outputs": list(run.outputs.all()) if may_download else [],
        }
        for run in page.object_list
    ]
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
            "can_request": user_may_request_reports(request.user),
            "query_string": query_without_page(request),
        },
    )


def _outputs_for(user, run: ReportRun) -> list[ReportOutput]:
    """A finished run's files, for users who may download them."""
    if run.status != ReportStatus.DONE or not user_may_download_reports(user):
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
            "scope": scope_label_for(run.kecamatan),
            "duration": duration_label(run.duration),
            "outputs": [_output_payload(o) for o in outputs],
            "can_retry": user_may_request_reports(request.user),
            "refresh": not run.is_finished,
        },
    )


def run_progress(request: HttpRequest, pk) -> JsonResponse:
    """Status, progress and (when done) the download links of a run, for the poller."""
    run = _run_or_404(request, pk)
    outputs = _outputs_for(request.user, run)
    return private_headers(JsonResponse(_progress_payload(run, outputs)))


@require_POST
def run_retry(request: HttpRequest, pk) -> HttpResponse:
    if not user_may_request_reports(request.user):
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
    if not user_may_download_reports(request.user):
        raise PermissionDenied
    output = output_list_for_user(user=request.user).filter(pk=pk).first()
    if output is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="report.downloaded",
        target=output.run,
        kecamatan=output.run.kecamatan_id,
        payload={"format": output.format, "filename": output.filename},
    )
    return private_file_response(
        output.file.open("rb"),
        filename=output.filename,
        content_type=CONTENT_TYPES.get(output.format, "application/octet-stream"),
    )


#: Mounted at ``laporan/`` under the ``report_runs`` namespace.
urlpatterns = [
    path("", run_list, name="index"),
    path("minta/", run_request, name="request"),
    path("<uuid:pk>/", run_detail, name="detail"),
    path("<uuid:pk>/status/", run_progress, name="progress"),
    path("<uuid:pk>/coba-lagi/", run_retry, name="retry"),
    path("berkas/<int:pk>/", output_download, name="download"),
]


# -- menu (registered by reporting.wagtail_hooks) ---------------------------------------


def request_report_menu_item():
    return rule_menu_item(
        gettext_lazy("Request a report"),
        f"{URL_NAMESPACE}:request",
        name="report-request",
        icon="plus",
        order=10,
        rule=user_may_request_reports,
    )


def report_archive_menu_item():
    return rule_menu_item(
        gettext_lazy("Report archive"),
        f"{URL_NAMESPACE}:index",
        name="report-archive",
        icon="doc-full",
        order=20,
        rule=user_may_view_reports,
    )
