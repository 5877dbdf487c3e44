"""Reads of report runs: the kinds on offer and the runs and files a user may see."""

from django.db.models import QuerySet

from paten.accounts.selectors import kecamatan_scope_for
from reporting.models import ReportKind, ReportOutput, ReportRun
from reporting.reports.registry import registered_kinds


def report_kinds() -> dict:
    """The registered report kinds, in the order of ``ReportKind`` (not of import)."""
    registered = registered_kinds()
    return {kind: registered[kind] for kind in ReportKind.values if kind in registered}


def report_kinds_for(*, user) -> dict:
    """The kinds ``user`` may request (a kind may ask its own rule, e.g. the PPID's)."""
    return {kind: d for kind, d in report_kinds().items() if d.permits(user)}


def run_list_for_user(*, user) -> QuerySet:
    """Runs inside ``user``'s scope; pemda-wide runs (no kecamatan) for pemda-wide users."""
    return kecamatan_scope_for(user).filter(ReportRun.objects.all())


def output_list_for_user(*, user) -> QuerySet:
    """Report files of the runs inside ``user``'s scope."""
    return kecamatan_scope_for(user).filter(
        ReportOutput.objects.select_related("run"), field="run__kecamatan"
    )
