"""Report runs on Celery: the registry of report kinds, the writers, runs and schedules.

The public API other apps use: ``register`` a kind, look one up with
``definition_for`` or ``registered_kinds``, build ``ReportData`` of ``Sheet``\\ s.
Every cell of every writer is escaped by ``paten.tabular.cell_safe``.
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

__all__ = [
    "ProgressFn",
    "ReportData",
    "ReportDefinition",
    "Sheet",
    "definition_for",
    "register",
    "registered_kinds",
]
