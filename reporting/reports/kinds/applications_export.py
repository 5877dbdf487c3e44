"""Data export as a report run: the "Data export" admin page's large exports.

The rows are those of ``reporting.exports.selectors.export_for``, streamed as one sheet
from the Celery worker. Scope and masking belong to the user who asked, as they are
when the worker runs; a run without a requester (a schedule) is refused.
"""

from dataclasses import replace

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.exports.constants import EXPORT_FORMATS
from reporting.exports.selectors import ExportOptions, export_for
from reporting.models import ReportKind
from reporting.reports.kinds.common import run_period, scope_label
from reporting.reports.registry import ReportData, register


class ExportError(ValueError):
    """An export that cannot be produced; the message is shown to staff."""


@register(ReportKind.APPLICATIONS_EXPORT, formats=EXPORT_FORMATS, schedulable=False)
def build_applications_export(*, run, progress) -> ReportData:
    user = run.requested_by
    if user is None:
        raise ExportError(
            _("A data export needs the user who requested it: scope and masking are theirs.")
        )
    options = ExportOptions.from_parameters(run.parameters)
    if run.kecamatan_id:
        # Checked against the requester's scope when the run was requested.
        options = replace(options, kecamatan=run.kecamatan_id)
    export = export_for(user=user, options=options)
    with translation.override(settings.LANGUAGE_CODE):  # labels as the writers write them
        sheet = export.sheet()
    progress(30, _("Data collected"))
    start, end = run_period(run)
    return ReportData(
        title=_("Data export: %(dataset)s") % {"dataset": export.title},
        scope_label=scope_label(run),
        start=start,
        end=end,
        sheets=[sheet],
    )
