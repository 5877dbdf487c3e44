"""The writers that turn a kind's ``ReportData`` into XLSX, CSV and PDF files.

Sheets stream their rows, so an XLSX of 100,000 rows is written in constant memory
(openpyxl write-only mode). Every cell is written through ``cell_safe``: no
spreadsheet formula can run from report data.
"""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from paten.pdf import html_to_pdf
from paten.tabular import cell_safe
from reporting.models import ReportFormat, ReportRun
from reporting.reports.registry import ProgressFn, ReportData, Sheet

# -- file names -------------------------------------------------------------------------


def output_filename(*, run: ReportRun, data: ReportData, fmt: str) -> str:
    """``<kind>_<scope>_<start>_<end>.<fmt>``: what, for whom and when, readable in a folder."""
    scope = slugify(data.scope_label) or "kabupaten"
    return f"{run.kind}_{scope}_{data.start:%Y%m%d}-{data.end:%Y%m%d}.{fmt}"


# -- writers ----------------------------------------------------------------------------


def _tracked(rows: Iterable[Sequence], sheet: Sheet, progress: ProgressFn, span: tuple[int, int]):
    low, high = span
    total = sheet.row_count or 0
    step = max(1, total // 20) if total else 5000
    for index, row in enumerate(rows, start=1):
        if index % step == 0:
            done = low + (high - low) * (index / total if total else 0.5)
            progress(
                int(min(done, high)),
                _("%(sheet)s: %(rows)s rows")
                % {
                    "sheet": sheet.title,
                    "rows": f"{index:,}".replace(",", "."),
                },
            )
        yield row


def write_xlsx(data: ReportData, path: str, progress: ProgressFn, span: tuple[int, int]) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    rows_written = 0
    bold = Font(bold=True)
    for sheet in data.sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for column, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[_column_letter(column)].width = width
        from openpyxl.cell import WriteOnlyCell

        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(worksheet, value=cell_safe(title))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in _tracked(sheet.rows(), sheet, progress, span):
            worksheet.append([cell_safe(value) for value in row])
            rows_written += 1
    workbook.save(path)
    return rows_written


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_csv(data: ReportData, path: str, progress: ProgressFn, span: tuple[int, int]) -> int:
    """The first sheet as CSV (UTF-8 with BOM so that spreadsheet programs read it right)."""
    sheet = data.sheets[0]
    rows_written = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([cell_safe(title) for title in sheet.header])
        for row in _tracked(sheet.rows(), sheet, progress, span):
            writer.writerow([cell_safe("" if value is None else value) for value in row])
            rows_written += 1
    return rows_written


def write_pdf(data: ReportData, path: str, progress: ProgressFn, span: tuple[int, int]) -> int:
    html = render_to_string(
        data.pdf_template or "reporting/reports/generic_pdf.html",
        {"data": data, "generated_at": timezone.localtime(), **data.context},
    )
    html_to_pdf(html, base_url=str(settings.BASE_DIR), target=path)
    return sum(sheet.row_count or 0 for sheet in data.sheets)


WRITERS = {ReportFormat.XLSX: write_xlsx, ReportFormat.CSV: write_csv, ReportFormat.PDF: write_pdf}


def write_outputs(
    *, run: ReportRun, data: ReportData, formats: Sequence[str], progress: ProgressFn
) -> Iterator[tuple[str, str, str, int]]:
    """Write each requested format to a temporary file: yields (format, path, name, rows).

    Progress goes from 30 % (data collected) to 99 %, split over the formats.
    """
    if not formats:
        return
    share = 69 // len(formats)
    with translation.override(settings.LANGUAGE_CODE):
        for index, fmt in enumerate(formats):
            span = (30 + index * share, 30 + (index + 1) * share)
            progress(span[0], _("Writing %(format)s") % {"format": fmt.upper()})
            handle, path = tempfile.mkstemp(suffix=f".{fmt}", dir=private_tmp_dir())
            os.close(handle)
            try:
                rows = WRITERS[fmt](data, path, progress, span)
            except BaseException:
                # A half-written file may hold personal data: never leave it behind
                # (a crash, a lost lease or the soft time limit all end up here).
                os.remove(path)
                raise
            yield fmt, path, output_filename(run=run, data=data, fmt=fmt), rows


def private_tmp_dir() -> str:
    path = os.path.join(str(settings.PATEN_PRIVATE_ROOT), "reports", "tmp")
    os.makedirs(path, exist_ok=True)
    return path
