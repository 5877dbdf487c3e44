"""A reusable Wagtail admin import: upload CSV/XLSX → dry run and preview → confirm.

Use it for any django-import-export resource by subclassing :class:`AdminImportView`
and registering the view through ``register_admin_urls``::

    class RegionImportView(AdminImportView):
        model = Region
        resource_class = RegionResource
        index_url_name = "regions:index"

Override :meth:`AdminImportView.run_import` to go through an app's own service
(``paten.regions`` does). The uploaded file is kept under ``VAR_DIR/admin_import``
between the preview and the confirmation, and deleted after the real import.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

import tablib
from import_export.formats.base_formats import XLSX
from import_export.results import Result, RowResult

from .permissions import user_may_import_rows

ALLOWED_EXTENSIONS = (".csv", ".xlsx")
PREVIEW_ROWS = 20
MAX_LISTED_ERRORS = 200
STALE_AFTER_SECONDS = 24 * 3600
IMPORT_TYPE_LABELS = {
    RowResult.IMPORT_TYPE_NEW: _("new"),
    RowResult.IMPORT_TYPE_UPDATE: _("updated"),
    RowResult.IMPORT_TYPE_SKIP: _("unchanged"),
    RowResult.IMPORT_TYPE_DELETE: _("deleted"),
    RowResult.IMPORT_TYPE_INVALID: _("invalid"),
    RowResult.IMPORT_TYPE_ERROR: _("error"),
}


# -----------------------------------------------------------------------------
# Reading files and summarising results (also used by services and commands)
# -----------------------------------------------------------------------------


def field_errors_of(call: Callable[[], object]) -> dict[str, list]:
    """Run ``call`` (a resource's field import); the field errors it raised, or {}.

    A resource then adds its own row checks to the same dict and raises them together.
    """
    try:
        call()
    except ValidationError as error:
        return error.update_error_dict({})
    return {}


class ImportFileError(ValueError):
    pass


def dataset_load(*, content: bytes, filename: str) -> tablib.Dataset:
    """A tablib dataset from the bytes of a ``.csv`` (UTF-8, BOM allowed) or ``.xlsx`` file."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            return XLSX().create_dataset(content)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from e
    if suffix != ".csv":
        raise ImportFileError(_("Only .csv and .xlsx files can be imported."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFileError(_("The CSV file must be encoded as UTF-8.")) from e
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    return tablib.Dataset().load(text, format="csv")


@dataclass(frozen=True)
class RowError:
    line: int | None  # line in the file (the header is line 1); None: whole file
    messages: list[str]


@dataclass
class ImportSummary:
    total: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    dry_run: bool = True
    errors: list[RowError] = field(default_factory=list)
    # what else the import does or did, in sentences for the user (shown after the counts)
    notes: list[str] = field(default_factory=list)
    # (line, import type, object) for the first PREVIEW_ROWS rows
    preview: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def committed(self) -> bool:
        return not self.dry_run and not self.errors


def import_summary_from_result(
    result: Result, *, dry_run: bool, line_for=None, preview_rows: int = PREVIEW_ROWS
) -> ImportSummary:
    """Counts, per-row errors and a preview from an import-export ``Result``.

    ``line_for(row_number)`` maps the 1-based dataset row to its line in the file;
    without it the data rows are assumed to start on line 2.
    """
    line_for = line_for or (lambda number: number + 1 if number else None)
    totals = result.totals
    errors = (
        [RowError(None, [str(e.error) for e in result.base_errors])] if result.base_errors else []
    )
    for row in result.invalid_rows:
        messages = [str(m) for values in row.error_dict.values() for m in values]
        errors.append(RowError(line_for(row.number), messages))
    for row in result.error_rows:
        errors.append(RowError(line_for(row.number), [str(e.error) for e in row.errors]))
    errors.sort(key=lambda e: (e.line is not None, e.line or 0))
    preview = [
        (
            line_for(number),
            IMPORT_TYPE_LABELS.get(row.import_type, row.import_type),
            row.object_repr or "",
        )
        for number, row in enumerate(result.rows[:preview_rows], 1)
    ]
    return ImportSummary(
        total=result.total_rows,
        new=totals[RowResult.IMPORT_TYPE_NEW],
        updated=totals[RowResult.IMPORT_TYPE_UPDATE],
        skipped=totals[RowResult.IMPORT_TYPE_SKIP],
        invalid=totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
        dry_run=dry_run,
        errors=errors,
        preview=preview,
    )


# -----------------------------------------------------------------------------
# The admin view
# -----------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    import_file = forms.FileField(
        label=_("File to import"),
        help_text=_("CSV (UTF-8) or XLSX, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        return upload


class ImportConfirmForm(forms.Form):
    import_token = forms.RegexField(regex=r"^[0-9a-f]{32}\.(csv|xlsx)$", widget=forms.HiddenInput)
    original_name = forms.CharField(max_length=255, widget=forms.HiddenInput)


class AdminImportView(WagtailAdminTemplateMixin, FormView):
    """Upload, dry run with preview, then the real import after confirmation."""

    model = None
    resource_class = None
    index_url_name: str | None = None
    template_name = "paten/admin_import/import.html"
    form_class = ImportUploadForm
    header_icon = "upload"

    # -- hooks ---------------------------------------------------------------------

    def run_import(self, *, dataset: tablib.Dataset, dry_run: bool) -> ImportSummary:
        """Import ``dataset``; nothing may be written when it has errors."""
        resource = self.resource_class()
        result = resource.import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)
        return import_summary_from_result(result, dry_run=dry_run)

    @classmethod
    def user_may_import(cls, user) -> bool:
        """The rule this import asks (``paten.permissions`` unless a subclass says)."""
        return user_may_import_rows(user, model=cls.model)

    # -- plumbing ------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import %(model)s") % {"model": self.model._meta.verbose_name_plural}

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.index_url_name:
            items.append(
                {
                    "url": reverse(self.index_url_name),
                    "label": capfirst(self.model._meta.verbose_name_plural),
                }
            )
        return [*items, {"url": "", "label": _("Import")}]

    @staticmethod
    def storage_dir() -> Path:
        path = Path(settings.VAR_DIR) / "admin_import"
        path.mkdir(parents=True, exist_ok=True)
        # Previews that were never confirmed: keep them a day, then drop them.
        cutoff = time.time() - STALE_AFTER_SECONDS
        for stale in path.iterdir():
            if stale.is_file() and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
        return path

    def post(self, request, *args, **kwargs):
        if "import_token" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["import_file"]
        token = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        path = self.storage_dir() / token
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            dataset = dataset_load(content=path.read_bytes(), filename=token)
        except ImportFileError as e:
            path.unlink(missing_ok=True)
            form.add_error("import_file", str(e))
            return self.form_invalid(form)
        summary = self.run_import(dataset=dataset, dry_run=True)
        if summary.has_errors:
            path.unlink(missing_ok=True)
            confirm_form = None
        else:
            confirm_form = ImportConfirmForm(
                initial={"import_token": token, "original_name": upload.name}
            )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                summary=summary,
                listed_errors=summary.errors[:MAX_LISTED_ERRORS],
                confirm_form=confirm_form,
                original_name=upload.name,
            )
        )

    def confirm(self, request):
        confirm_form = ImportConfirmForm(request.POST)
        path = None
        if confirm_form.is_valid():
            path = self.storage_dir() / confirm_form.cleaned_data["import_token"]
        if path is None or not path.exists():
            messages.error(request, _("The uploaded file has expired; please upload it again."))
            return redirect(request.path)
        try:
            dataset = dataset_load(content=path.read_bytes(), filename=path.name)
            summary = self.run_import(dataset=dataset, dry_run=False)
        finally:
            path.unlink(missing_ok=True)
        if summary.has_errors:
            messages.error(
                request,
                _("Nothing was imported: the file has %(count)s errors.")
                % {"count": len(summary.errors)},
            )
            return redirect(request.path)
        messages.success(
            request,
            _("Import finished: %(new)s new, %(updated)s updated, %(skipped)s unchanged.")
            % {"new": summary.new, "updated": summary.updated, "skipped": summary.skipped},
        )
        for note in summary.notes:
            messages.success(request, note)
        return redirect(reverse(self.index_url_name) if self.index_url_name else request.path)
