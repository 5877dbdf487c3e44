"""Writes to the service catalog: the catalog page, services and their moderation.

Everything that creates or changes a service goes through these functions, so that
demo data, imports and tests pass the same validation as the admin editor
(``ServicePage.clean`` + the cross-panel checks of ``ServicePageForm``).
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision

import openpyxl
import tablib

from paten.admin_import import ImportSummary

from .durations import office_minutes, steps_fit_total
from .models import ServiceIndexPage, ServicePage

CATALOG_SLUG = "layanan"
CATALOG_TITLE = "Layanan"


def catalog_index_parent() -> Page:
    """The home page (the root's child) under which the catalog sits."""
    try:
        from paten.site.models import HomePage
    except ImportError:  # pragma: no cover - the site app always ships it
        HomePage = None
    if HomePage is not None:
        home = HomePage.objects.order_by("path").first()
        if home is not None:
            return home
    root = Page.get_first_root_node()
    return root.get_first_child() or root


@transaction.atomic
def catalog_index_ensure(*, user=None) -> ServiceIndexPage:
    """The catalog page ("Layanan", slug ``layanan``), created and published if missing."""
    existing = ServiceIndexPage.objects.order_by("path").first()
    if existing is not None:
        return existing
    parent = catalog_index_parent()
    index = ServiceIndexPage(title=CATALOG_TITLE, slug=CATALOG_SLUG, show_in_menus=True)
    parent.add_child(instance=index)
    index.save_revision(user=user, log_action=True).publish(user=user)
    return ServiceIndexPage.objects.get(pk=index.pk)


def service_validate(*, service: ServicePage) -> None:
    """Every rule of the admin editor, for a service built in code.

    Checks the page (``full_clean``), each inline row, and the rules that span them:
    the completion time is not shorter than the steps, document keys are unique, and
    at least one legal basis is given. Raises ``ValidationError``.
    """
    errors: dict[str, list] = {}
    # A new page gets its place in the tree (path, depth) only when it is added.
    exclude = ["path", "depth", "numchild", "url_path"] if service.pk is None else None
    try:
        service.full_clean(exclude=exclude)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    for relation in ("required_documents", "procedure_steps", "legal_basis", "kecamatan_overrides"):
        for child in getattr(service, relation).all():
            try:
                child.full_clean(exclude=["service", "id"], validate_unique=False)
            except ValidationError as e:
                for message in e.messages:
                    errors.setdefault("__all__", []).append(f"{child}: {message}")
    steps = [(s.duration_value, s.duration_unit) for s in service.procedure_steps.all()]
    total = (service.duration_value, service.duration_unit)
    if steps and all(total) and not steps_fit_total(steps, total):
        needed = sum(office_minutes(v, u) for v, u in steps)
        errors.setdefault("duration_value", []).append(
            _(
                "The completion time is shorter than its steps, which add up to about "
                "%(minutes)d office minutes."
            )
            % {"minutes": round(needed)}
        )
    keys = [d.key for d in service.required_documents.all()]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.setdefault("__all__", []).append(
            _("Each required document needs its own key; repeated: %(keys)s")
            % {"keys": ", ".join(duplicates)}
        )
    if not service.legal_basis.all():
        errors.setdefault("__all__", []).append(_("A service needs at least one legal basis."))
    if errors:
        raise ValidationError(errors)


def _service_slug(service: ServicePage, parent: Page) -> str:
    base = slugify(service.title)[:70] or service.code
    if Page._slug_is_available(base, parent, service):
        return base
    return f"{base}-{service.code}"[:255]


@transaction.atomic
def service_save(*, service: ServicePage, user=None, publish: bool = True) -> Revision:
    """Validate ``service``, save it (a new one under the catalog) and record a revision.

    With ``publish`` the revision goes live at once; without it the service keeps its
    live version and the revision waits as a draft (see ``service_submit``).
    """
    from paten.audit.services import audit_record

    is_new = service.pk is None
    if is_new:
        index = catalog_index_ensure(user=user)
        if not service.slug:
            service.slug = _service_slug(service, index)
    service_validate(service=service)
    if is_new:
        if not publish:
            service.live = False
        index.add_child(instance=service)
    elif publish:
        service.save()
    revision = service.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    audit_record(
        actor=user,
        action="service_catalog.service_publish" if publish else "service_catalog.service_save",
        target=service,
        payload={"code": service.code, "revision": revision.pk, "created": is_new},
    )
    return revision


def service_publish(*, service: ServicePage, user=None) -> Revision:
    """Validate, save and publish ``service`` as a new page revision."""
    return service_save(service=service, user=user, publish=True)


@transaction.atomic
def service_submit(*, service: ServicePage, user) -> Revision:
    """Save ``service`` as a draft revision and start its moderation workflow.

    The live version stays as it was until an approver (not ``user``) approves.
    """
    revision = service_save(service=service, user=user, publish=False)
    page = ServicePage.objects.get(pk=service.pk)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValidationError(_("No moderation workflow applies to this service."))
    workflow.start(page, user)
    return revision


@transaction.atomic
def service_approve(*, service: ServicePage, user, comment: str = "") -> None:
    """Approve the service's current moderation task as ``user``.

    Approval of the last task publishes the submitted revision.
    """
    page = ServicePage.objects.get(pk=service.pk)
    task_state = page.current_workflow_task_state
    if task_state is None:
        raise ValidationError(_("This service is not waiting for approval."))
    task = task_state.task.specific
    if "approve" not in {name for name, _label, _modal in task.get_actions(page, user)}:
        raise PermissionDenied(_("You may not approve this change."))
    task.on_action(task_state, user, "approve", comment=comment)


# -----------------------------------------------------------------------------
# Catalog import and export (the XLSX workbook, one sheet per resource)
# -----------------------------------------------------------------------------


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
    published: list[str] = field(default_factory=list)

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
    Every new or changed service is then validated as a whole and published as a new
    page revision by ``user``. If any row of any sheet is wrong nothing is written,
    and every bad row is reported with its sheet and line; ``dry_run`` reports
    without writing.
    """
    from paten.admin_import import import_summary_from_result
    from paten.audit.services import audit_record

    from .resources import CATALOG_RESOURCES, RESOURCE_BY_SHEET, ServiceChildResource

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
    with transaction.atomic():
        for resource_class in CATALOG_RESOURCES:
            sheet = resource_class.sheet
            if sheet not in datasets:
                continue
            dataset, lines = _drop_empty_rows(datasets[sheet])
            expected = {f.column_name for f in resource_class().fields.values()}
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
                try:
                    service_publish(service=service, user=user)
                except ValidationError as e:
                    messages = [f"{code}: {m}" for m in e.messages]
                    report.errors.append(SheetError("layanan", service_lines.get(code), messages))
                else:
                    report.published.append(code)
        if report.errors or dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=user,
                action="service_catalog.catalog_import",
                payload={
                    "sheets": {
                        sheet: {"new": s.new, "updated": s.updated, "unchanged": s.skipped}
                        for sheet, s in report.summaries.items()
                    },
                    "published": report.published,
                },
            )
    report.errors.sort(
        key=lambda e: (
            list(RESOURCE_BY_SHEET).index(e.sheet) if e.sheet in RESOURCE_BY_SHEET else -1,
            e.line or 0,
        )
    )
    return report


def catalog_workbook_export(*, example: bool = False) -> bytes:
    """The catalog as an XLSX workbook with one sheet per resource (the import template).

    With ``example`` the sheets hold a small worked example instead of the database
    contents (``export_catalog_template``).
    """
    from .resources import CATALOG_RESOURCES

    book = tablib.Databook()
    for resource_class in CATALOG_RESOURCES:
        resource = resource_class()
        if example:
            from .demo import TEMPLATE_EXAMPLE

            headers = resource.get_export_headers()
            dataset = tablib.Dataset(headers=headers)
            for row in TEMPLATE_EXAMPLE.get(resource_class.sheet, []):
                dataset.append([row.get(h, "") for h in headers])
        else:
            dataset = resource.export()
        dataset.title = resource_class.sheet
        book.add_sheet(dataset)
    return book.export("xlsx")
