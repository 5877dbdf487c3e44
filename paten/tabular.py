"""Cells of every tabular output (CSV, XLSX): text a spreadsheet would run is escaped;
and ``Sheet``, one table of a report as every domain hands it to the report writers.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel and LibreOffice (CSV/formula injection, OWASP). Text that comes
from citizens — a kiosk's "pekerjaan lainnya", a form field — reaches exports, so every
writer passes each cell through ``cell_safe``.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

#: Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """A cell value that no spreadsheet runs as a formula (strings only are changed)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(value) -> str:
    """A CSV cell as text (``None`` is empty) that no spreadsheet runs as a formula."""
    return cell_safe("" if value is None else str(value))


@dataclass
class Sheet:
    """One table of a report (``reporting.reports``): its rows come from a callable, so
    each format streams them afresh; a domain builds its sheets without importing the
    reporting app."""

    title: str
    header: Sequence[str]
    rows: Callable[[], Iterable[Sequence]]
    row_count: int | None = None  # for progress; None when unknown
    widths: Sequence[int] = ()


def cell_unescaped(value):
    """A cell read back from a file this platform wrote: ``cell_safe``'s quote removed,
    so that exporting and importing the same rows changes nothing."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class CellSafeResourceMixin:
    """For django-import-export resources: every exported cell and header goes through
    ``cell_safe``, and every imported cell through ``cell_unescaped``."""

    def export_field(self, field, instance, **kwargs):
        return cell_safe(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [cell_safe(header) for header in super().get_export_headers(selected_fields)]

    def import_data(self, dataset, *args, **kwargs):
        for index, row in enumerate(dataset):
            dataset[index] = tuple(cell_unescaped(value) for value in row)
        return super().import_data(dataset, *args, **kwargs)
