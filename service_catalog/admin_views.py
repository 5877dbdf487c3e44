"""Admin views of the service catalog: import and export of its sheets and of the
whole catalog workbook (``paten.admin_import`` gives the dry-run preview)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.widgets.button import HeaderButton

from paten.admin_import import AdminImportView, ImportSummary, RowError

from .permissions import sheet_model, user_may_export_catalog_sheet, user_may_import_catalog_sheet
from .resources import RESOURCE_BY_SHEET
from .workbook import catalog_import, catalog_sheet_export, catalog_workbook_export

IMPORT_URL_NAME = "service_catalog_import"
EXPORT_URL_NAME = "service_catalog_export"
WORKBOOK_URL_NAME = "service_catalog_export_workbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INDEX_URL_NAMES = {
    "instrumen_hukum": "wagtailsnippets_service_catalog_legalinstrument:list",
    "kewenangan": "wagtailsnippets_service_catalog_delegatedauthority:list",
    "kategori": "wagtailsnippets_service_catalog_servicecategory:list",
    "layanan": "service_pages:index",
    "persyaratan": "service_pages:index",
    "prosedur": "service_pages:index",
}


class CatalogImportView(AdminImportView):
    """Import one catalog sheet (CSV, or XLSX whose first sheet holds the rows)."""

    sheet = ""

    def dispatch(self, request, *args, **kwargs):
        self.sheet = kwargs.pop("sheet")
        if self.sheet not in RESOURCE_BY_SHEET:
            raise PermissionDenied
        self.model = sheet_model(self.sheet)
        self.resource_class = RESOURCE_BY_SHEET[self.sheet]
        self.index_url_name = INDEX_URL_NAMES.get(self.sheet)
        return super().dispatch(request, *args, **kwargs)

    def user_may_import(self, user) -> bool:  # instance method: the sheet is known here
        return user_may_import_catalog_sheet(user, self.sheet)

    def run_import(self, *, dataset, dry_run: bool) -> ImportSummary:
        report = catalog_import(
            datasets={self.sheet: dataset}, dry_run=dry_run, user=self.request.user
        )
        summary = report.summaries.get(self.sheet) or ImportSummary(dry_run=dry_run)
        summary.dry_run = dry_run
        summary.errors = [
            RowError(e.line, e.messages if e.sheet == self.sheet else [str(e)])
            for e in report.errors
        ]
        if report.submitted and not report.errors:
            count = len(report.submitted)
            summary.notes.append(
                ngettext(
                    "%(count)s service will be submitted for approval.",
                    "%(count)s services will be submitted for approval.",
                    count,
                )
                % {"count": count}
                if dry_run
                else ngettext(
                    "%(count)s service submitted for approval: it goes live when another "
                    "administrator approves it.",
                    "%(count)s services submitted for approval: they go live when another "
                    "administrator approves them.",
                    count,
                )
                % {"count": count}
            )
        return summary


def export_sheet(request, sheet: str):
    if sheet not in RESOURCE_BY_SHEET or not user_may_export_catalog_sheet(request.user, sheet):
        raise PermissionDenied
    response = HttpResponse(catalog_sheet_export(sheet=sheet), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{sheet}.xlsx"'
    return response


def export_workbook(request):
    if not user_may_export_catalog_sheet(request.user, "layanan"):
        raise PermissionDenied
    response = HttpResponse(catalog_workbook_export(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="katalog-layanan.xlsx"'
    return response


class ImportExportButtonsMixin:
    """Adds "Import" and "Export" header buttons for the viewset's sheets."""

    sheets: tuple[str, ...] = ()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        for sheet in self.sheets:
            label = RESOURCE_BY_SHEET[sheet]._meta.model._meta.verbose_name_plural
            if user_may_import_catalog_sheet(user, sheet):
                buttons.append(
                    HeaderButton(
                        _("Import %(what)s") % {"what": label}
                        if len(self.sheets) > 1
                        else _("Import"),
                        url=reverse(IMPORT_URL_NAME, args=[sheet]),
                        icon_name="upload",
                    )
                )
            if not user_may_export_catalog_sheet(user, sheet):
                continue
            buttons.append(
                HeaderButton(
                    _("Export %(what)s") % {"what": label} if len(self.sheets) > 1 else _("Export"),
                    url=reverse(EXPORT_URL_NAME, args=[sheet]),
                    icon_name="download",
                )
            )
        return buttons


admin_urlpatterns = [
    path("service-catalog/import/<slug:sheet>/", CatalogImportView.as_view(), name=IMPORT_URL_NAME),
    path("service-catalog/export/katalog.xlsx", export_workbook, name=WORKBOOK_URL_NAME),
    path("service-catalog/export/<slug:sheet>.xlsx", export_sheet, name=EXPORT_URL_NAME),
]
