"""Report runs on Celery: the registry of report kinds, the writers, runs and schedules.

The public API other apps use: ``register`` a kind, look one up with
``definition_for`` or ``registered_kinds``, build ``ReportData`` of ``Sheet``\\ s, and
``cell_safe`` for any spreadsheet cell written elsewhere.
"""

from reporting.reports.registry import (
    ProgressFn,
    ReportData,
    ReportDefinition,
    Sheet,
    definition_for,
    register,
    registered_kinds,
)
from reporting.reports.writers import cell_safe

__all__ = [
    "ProgressFn",
    "ReportData",
    "ReportDefinition",
    "Sheet",
    "cell_safe",
    "definition_for",
    "register",
    "registered_kinds",
]
