"""The catalog workbook: a whole catalog imported from one XLSX file (one sheet per
resource, in dependency order, in one transaction) and the template to fill in.

Built on the django-import-export resources of ``resources.py``. Services that are
new or changed do not go live: each becomes a new page revision submitted to the
approval workflow (``services.service_submit``) in the importing user's name, so a
standard imported by one person is published only when another approves it.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState

import openpyxl
import tablib
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from paten.admin_import import ImportSummary, import_summary_from_result
from paten.audit.services import audit_record
from paten.dates import long_datetime

from .models import ServicePage
from .resources import CATALOG_RESOURCES, RESOURCE_BY_SHEET, ServiceChildResource, ServiceResource
from .services import service_submit, service_validate
from .workbook_example import TEMPLATE_EXAMPLE

#: the hidden sheet that holds the labels of the choice columns' dropdowns
CHOICES_SHEET = "pilihan"
#: rows of a sheet that get a dropdown (the sheet's rows and room for new ones)
DROPDOWN_ROWS = 2000


@dataclass(frozen=True)
class SheetError:
    sheet: str
    line: int | None  # line in the sheet (the header is line 1); None: the whole sheet
    messages: list[str]

    def __str__(self) -> str:
        where = self.sheet if self.line is None else f"{self.sheet} baris {self.line}"
        return f"{where}: {'; '.join(self.messages)}"


@dataclass
class CatalogImportReport:
    dry_run: bool
    summaries: dict[str, ImportSummary] = field(default_factory=dict)
    errors: list[SheetError] = field(default_factory=list)
    # codes of the services submitted for approval (or that would be, in a dry run)
    submitted: list[str] = field(default_factory=list)

    @property
    def committed(self) -> bool:
        return not self.dry_run and not self.errors


def catalog_workbook_read(*, content: bytes) -> dict[str, tablib.Dataset]:
    """One dataset per sheet of an XLSX workbook, keyed by sheet name (lower case).

    Rows that are entirely empty are dropped; a sheet without a header row is skipped.
    """
    try:
        workbook = openpyxl.load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from e
    datasets = {}
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() == CHOICES_SHEET:
            continue
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or not any(rows[0]):
            continue
        headers = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
        width = len(headers)
        while width and not headers[width - 1]:
            width -= 1
        dataset = tablib.Dataset(headers=headers[:width])
        for row in rows[1:]:
            values = list(row[:width]) + [None] * (width - len(row[:width]))
            dataset.append(values)
        datasets[sheet.title.strip().lower()] = dataset
    workbook.close()
    return datasets


def _drop_empty_rows(dataset: tablib.Dataset) -> tuple[tablib.Dataset, list[int]]:
    """The dataset without blank rows, and the sheet line of each remaining row."""
    kept = tablib.Dataset(headers=dataset.headers)
    lines = []
    for number, row in enumerate(dataset, start=2):
        if any(value not in (None, "") and str(value).strip() for value in row):
            kept.append(row)
            lines.append(number)
    return kept, lines


def catalog_import(
    *, datasets: dict[str, tablib.Dataset], dry_run: bool = False, user=None
) -> CatalogImportReport:
    """Import catalog sheets in dependency order inside one transaction.

    Sheets are named as ``resources.CATALOG_RESOURCES`` (``instrumen_hukum``,
    ``kewenangan``, ``kategori``, ``layanan``, ``persyaratan``, ``prosedur``); any may be
    missing. The ``persyaratan`` and ``prosedur`` sheets give *all* the rows of each
    service they mention: rows of those services missing from the sheet are deleted.
    Every new or changed service is then validated as a whole and submitted to its
    approval workflow by ``user`` as a new page revision: a live service keeps its
    live content and a new one is created not live until someone else approves. If
    any row of any sheet is wrong nothing is written, and every bad row is reported
    with its sheet and line; ``dry_run`` reports without writing.
    """
    report = CatalogImportReport(dry_run=dry_run)
    unknown = sorted(set(datasets) - set(RESOURCE_BY_SHEET))
    for name in unknown:
        report.errors.append(
            SheetError(
                name,
                None,
                [
                    str(
                        _("Unknown sheet; the sheets are: %(sheets)s")
                        % {"sheets": ", ".join(RESOURCE_BY_SHEET)}
                    )
                ],
            )
        )
    touched: set[str] = set()
    service_lines: dict[str, int] = {}
    drafts: dict[str, dict] = {}
    with transaction.atomic():
        # The service sheets write the page rows, which are the live content: they are
        # written inside a savepoint, read back as draft revisions and rolled back.
        pages_savepoint = None
        for resource_class in CATALOG_RESOURCES:
            sheet = resource_class.sheet
            if sheet not in datasets:
                continue
            if pages_savepoint is None and issubclass(
                resource_class, ServiceResource | ServiceChildResource
            ):
                pages_savepoint = transaction.savepoint()
            dataset, lines = _drop_empty_rows(datasets[sheet])
            expected = {f.column_name for f in resource_class().fields.values()} - set(
                resource_class.optional_columns
            )
            missing = sorted(expected - set(dataset.headers or []))
            if missing:
                report.errors.append(
                    SheetError(
                        sheet,
                        1,
                        [str(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})],
                    )
                )
                continue
            resource = resource_class(touched_services=touched)
            result = resource.import_data(
                dataset, dry_run=False, use_transactions=False, raise_errors=False
            )

            def line_for(number, lines=lines):
                return lines[number - 1] if number and 0 < number <= len(lines) else None

            summary = import_summary_from_result(result, dry_run=dry_run, line_for=line_for)
            report.summaries[sheet] = summary
            report.errors.extend(SheetError(sheet, e.line, e.messages) for e in summary.errors)
            if sheet == "layanan":
                codes = [str(row.get("kode") or "").strip() for row in dataset.dict]
                service_lines = dict(zip(codes, lines, strict=True))
            if isinstance(resource, ServiceChildResource) and not summary.has_errors:
                resource.delete_missing(dry_run=dry_run)
        if not report.errors:
            for code in sorted(touched):
                service = ServicePage.objects.get(code=code)
                draft = _unsubmitted_draft(service)
                if draft is not None:
                    report.errors.append(
                        SheetError(
                            "layanan", service_lines.get(code), [_draft_message(service, draft)]
                        )
                    )
                    continue
                try:
                    service_validate(service=service)
                except ValidationError as e:
                    messages = [f"{code}: {m}" for m in e.messages]
                    report.errors.append(SheetError("layanan", service_lines.get(code), messages))
                else:
                    drafts[code] = service.serializable_data()
                    report.submitted.append(code)
        if report.errors or dry_run:
            transaction.set_rollback(True)
        else:
            if pages_savepoint is not None:
                transaction.savepoint_rollback(pages_savepoint)
            live = ServicePage.objects.in_bulk(list(drafts), field_name="code")
            for code, content in drafts.items():
                service_submit(service=_service_draft(content, live=live.get(code)), user=user)
            audit_record(
                actor=user,
                action="service_catalog.catalog_import",
                payload={
                    "sheets": {
                        sheet: {"new": s.new, "updated": s.updated, "unchanged": s.skipped}
                        for sheet, s in report.summaries.items()
                    },
                    "submitted": report.submitted,
                },
            )
    report.errors.sort(
        key=lambda e: (
            list(RESOURCE_BY_SHEET).index(e.sheet) if e.sheet in RESOURCE_BY_SHEET else -1,
            e.line or 0,
        )
    )
    return report


def _unsubmitted_draft(service: ServicePage):
    """The revision an editor saved after the live one and never submitted, if any.

    An import would put its own revision on top of it and submit that, so the draft's
    changes would be lost without anybody having seen them; a revision that went
    through the workflow (approved, rejected or cancelled) has been seen.
    """
    draft = service.latest_revision
    if draft is None or draft.pk == service.live_revision_id:
        return None
    if TaskState.objects.filter(revision=draft).exists():
        return None
    return draft


def _draft_message(service: ServicePage, draft) -> str:
    author = (draft.user.get_full_name() or draft.user.get_username()) if draft.user else "-"
    return str(
        _(
            "%(service)s has a draft saved by %(author)s on %(date)s that was never "
            "submitted for approval; the import would replace it. Submit or publish that "
            "draft in the editor first, or copy its changes into the file."
        )
        % {
            "service": f"“{service.title}” ({service.code})",
            "author": author,
            "date": long_datetime(draft.created_at),
        }
    )


def _service_draft(content: dict, *, live: ServicePage | None) -> ServicePage:
    """The imported version of a service, from its serialised page: the ``live`` page
    with that content, or a new page (not yet in the tree) when the service is new."""
    if live is not None:
        return live.with_content_json(content)
    content = {**content, "pk": None, "live": False, "path": "", "depth": 0}
    for relation in ("required_documents", "procedure_steps", "legal_basis", "kecamatan_overrides"):
        content[relation] = [
            {**row, "pk": None, "service": None} for row in content.get(relation, [])
        ]
    service = ServicePage.from_serializable_data(content)
    service.id = None
    return service


def catalog_workbook_export(*, example: bool = False) -> bytes:
    """The catalog as an XLSX workbook with one sheet per resource (the import template).

    With ``example`` the sheets hold a small worked example instead of the database
    contents (``export_catalog_template``).
    """
    book = tablib.Databook()
    for resource_class in CATALOG_RESOURCES:
        resource = resource_class()
        if example:
            headers = resource.get_export_headers()
            dataset = tablib.Dataset(headers=headers)
            for row in TEMPLATE_EXAMPLE.get(resource_class.sheet, []):
                dataset.append([row.get(h, "") for h in headers])
        else:
            dataset = resource.export()
        dataset.title = resource_class.sheet
        book.add_sheet(dataset)
    return _with_dropdowns(book.export("xlsx"))


def catalog_sheet_export(*, sheet: str) -> bytes:
    """One sheet of the catalog as an XLSX file (the list's *Ekspor*), with the same
    dropdowns as the workbook; its single-sheet import reads the first sheet."""
    dataset = RESOURCE_BY_SHEET[sheet]().export()
    dataset.title = sheet
    return _with_dropdowns(dataset.export("xlsx"))


def _with_dropdowns(content: bytes) -> bytes:
    """The workbook with a dropdown of labels on every choice column (yes/no included).

    The labels sit in a hidden sheet (``CHOICES_SHEET``, skipped by the import) that
    the columns' list validations refer to, so a label may be long or contain commas.
    A value not in the list is warned about, not blocked: the import reads old keys
    too and reports what it cannot read.
    """
    book = openpyxl.load_workbook(BytesIO(content))
    choices = book.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    used = 0
    for resource_class in CATALOG_RESOURCES:
        if resource_class.sheet not in book.sheetnames:
            continue
        sheet = book[resource_class.sheet]
        columns = {f.column_name: f for f in resource_class().fields.values()}
        for index, header in enumerate(next(sheet.iter_rows(max_row=1, values_only=True)), 1):
            labels_of = (
                getattr(columns[header].widget, "labels", None) if header in columns else None
            )
            if labels_of is None:
                continue
            labels = labels_of()
            used += 1
            letter = get_column_letter(used)
            choices.cell(row=1, column=used, value=f"{resource_class.sheet}.{header}")
            for row, label in enumerate(labels, 2):
                choices.cell(row=row, column=used, value=label)
            validation = DataValidation(
                type="list",
                formula1=f"{CHOICES_SHEET}!${letter}$2:${letter}${len(labels) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=str(_("Not in the list")),
                error=str(_("Choose one of the values in the list.")),
            )
            column = get_column_letter(index)
            validation.add(f"{column}2:{column}{DROPDOWN_ROWS}")
            sheet.add_data_validation(validation)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
