"""The PPID's report kinds: the buku register permohonan informasi, the register
keberatan and the laporan layanan informasi publik (annual, or a semester).

The rows, the statistics and the masking are the PPID's (``paten.ppid.reports``); this
module only registers them with the reporting workers, since reporting sits above the
PPID (import contracts). Who may request them is the PPID's rule
(``paten.ppid.permissions.may_view_register``): the PPID officers and the atasan PPID;
the run's kecamatan is the scope checked when it was requested (a kecamatan PPID's runs
cover its kecamatan, a pemda-wide run covers every unit). Personal data stays masked
unless the run asked for it (``personal_data``) and its requester still may see it.
"""

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from paten.ppid import permissions as ppid_permissions
from paten.ppid import reports as ppid_reports
from paten.ppid.charts import on_time_chart
from paten.ppid.constants import DisputeOutcome, ReportPeriod, RequestState
from paten.ppid.models import Objection
from reporting.models import ReportFormat, ReportKind
from reporting.reports.kinds.common import run_period
from reporting.reports.registry import ReportData, register

FORMATS = (ReportFormat.XLSX, ReportFormat.PDF)
#: The run parameter that asks for the requesters' personal data unmasked.
PERSONAL_DATA = "personal_data"


def _unit(run) -> str | None:
    return run.kecamatan_id or None


def _register(run, progress, *, title: str, sheet_of) -> ReportData:
    """A PPID register of the run's period and unit, masked unless the run asked and may."""
    start, end = run_period(run)
    sheet = sheet_of(
        start=start, end=end, kecamatan=_unit(run), unmasked=ppid_reports.run_unmasked(run)
    )
    progress(30, _("Data collected"))
    return ReportData(
        title=title,
        scope_label=ppid_reports.run_scope_label(run),
        start=start,
        end=end,
        sheets=[sheet],
    )


@register(
    ReportKind.PPID_REQUEST_REGISTER,
    formats=FORMATS,
    schedulable=False,  # lists requesters: only for the person who asks, in their scope
    permitted=ppid_permissions.may_view_register,
)
def build_request_register(*, run, progress) -> ReportData:
    return _register(
        run,
        progress,
        title="Buku register permohonan informasi publik",
        sheet_of=ppid_reports.request_register_sheet,
    )


@register(
    ReportKind.PPID_OBJECTION_REGISTER,
    formats=FORMATS,
    schedulable=False,
    permitted=ppid_permissions.may_view_register,
)
def build_objection_register(*, run, progress) -> ReportData:
    return _register(
        run, progress, title="Register keberatan", sheet_of=ppid_reports.objection_register_sheet
    )


def report_title(start: date, end: date) -> str:
    """The report's title: the semester it covers, the year, or the dates' year."""
    period = ppid_reports.narrative_period(start, end)
    if period == ReportPeriod.SEMESTER_1:
        return f"Laporan layanan informasi publik semester I tahun {start.year}"
    if period == ReportPeriod.SEMESTER_2:
        return f"Laporan layanan informasi publik semester II tahun {start.year}"
    if start.year == end.year:
        return f"Laporan layanan informasi publik tahun {start.year}"
    return "Laporan layanan informasi publik"


@register(ReportKind.PPID_ANNUAL, formats=FORMATS, permitted=ppid_permissions.may_view_register)
def build_annual_report(*, run, progress) -> ReportData:
    """Counts only (no personal data): the computed parts and the PPID's narrative."""
    ppid_reports.run_unmasked(run)
    start, end = run_period(run)
    data = ppid_reports.annual_report_data(start=start, end=end, kecamatan=_unit(run))
    stats = data["stats"]
    progress(20, _("Data collected"))
    with translation.override(settings.LANGUAGE_CODE):
        states = [(str(RequestState(s).label), n) for s, n in stats.by_state.items()]
        objections = [
            (Objection(decision=d).get_decision_display() or "Belum ditanggapi", n)
            for d, n in stats.objections_by_decision.items()
        ]
        outcomes = dict(DisputeOutcome.choices)
        disputes = [
            (str(outcomes.get(outcome, outcome)), n)
            for outcome, n in stats.disputes_by_outcome.items()
        ]
        chart = on_time_chart(stats, chart_id="ppid-tepat-waktu-pdf", halo=False)
    return ReportData(
        title=report_title(start, end),
        scope_label=ppid_reports.run_scope_label(run),
        start=start,
        end=end,
        sheets=ppid_reports.annual_report_sheets(data),
        pdf_template="ppid/reports/annual_pdf.html",
        context={
            **data,
            "states": states,
            "objections": objections,
            "disputes": disputes,
            "chart": chart,
        },
    )
