"""Admin for the service catalog: one "Katalog layanan" menu group.

Legal instruments, delegated authorities, categories and maklumat are snippets; services
are pages, listed flat with a ``PageListingViewSet`` (as bakerydemo's breads). Each list
offers import (``paten.admin_import`` with dry-run preview) and export of its resource;
the whole catalog workbook is exported from the services list.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

import django_filters

from paten.accounts.selectors import kecamatan_scope_for
from paten.admin_import import AdminImportView, ImportSummary, RowError
from paten.regions.constants import RegionLevel
from paten.regions.models import Region

from .constants import ServiceField
from .models import (
    DelegatedAuthority,
    LegalInstrument,
    Maklumat,
    ServiceCategory,
    ServicePage,
)
from .resources import RESOURCE_BY_SHEET
from .viewsets import SearchSynonymViewSet
from .workbook import catalog_import, catalog_workbook_export

IMPORT_URL_NAME = "service_catalog_import"
EXPORT_URL_NAME = "service_catalog_export"
WORKBOOK_URL_NAME = "service_catalog_export_workbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -----------------------------------------------------------------------------
# Import and export
# -----------------------------------------------------------------------------


def _sheet_model(sheet: str):
    return RESOURCE_BY_SHEET[sheet]._meta.model


PAGE_SHEETS = ("layanan", "persyaratan", "prosedur")


def _page_permission(user, permissions: set[str]) -> bool:
    from wagtail.permission_policies.pages import PagePermissionPolicy

    return PagePermissionPolicy().user_has_any_permission(user, permissions)


def user_may_import(user, sheet: str) -> bool:
    """Imports change the whole catalog: pemda-wide users only.

    Imported services are published at once, so service sheets need the page
    publish permission; the other sheets need add and change on their model.
    """
    if not kecamatan_scope_for(user).is_pemda_wide:
        return False
    if sheet in PAGE_SHEETS:
        return _page_permission(user, {"publish"})
    opts = _sheet_model(sheet)._meta
    return user.has_perms(
        [f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
    )


def user_may_export(user, sheet: str) -> bool:
    if sheet in PAGE_SHEETS:
        return _page_permission(user, {"add", "change", "publish"})
    opts = _sheet_model(sheet)._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


class CatalogImportView(AdminImportView):
    """Import one catalog sheet (CSV, or XLSX whose first sheet holds the rows)."""

    sheet = ""

    def dispatch(self, request, *args, **kwargs):
        self.sheet = kwargs.pop("sheet")
        if self.sheet not in RESOURCE_BY_SHEET:
            raise PermissionDenied
        self.model = _sheet_model(self.sheet)
        self.resource_class = RESOURCE_BY_SHEET[self.sheet]
        self.index_url_name = INDEX_URL_NAMES.get(self.sheet)
        return super().dispatch(request, *args, **kwargs)

    def user_may_import(self, user) -> bool:  # instance method: the sheet is known here
        return user_may_import(user, self.sheet)

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
        return summary


def export_sheet(request, sheet: str):
    if sheet not in RESOURCE_BY_SHEET or not user_may_export(request.user, sheet):
        raise PermissionDenied
    dataset = RESOURCE_BY_SHEET[sheet]().export()
    dataset.title = sheet
    response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{sheet}.xlsx"'
    return response


def export_workbook(request):
    if not user_may_export(request.user, "layanan"):
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
            if user_may_import(user, sheet):
                buttons.append(
                    HeaderButton(
                        _("Import %(what)s") % {"what": label}
                        if len(self.sheets) > 1
                        else _("Import"),
                        url=reverse(IMPORT_URL_NAME, args=[sheet]),
                        icon_name="upload",
                    )
                )
            if not user_may_export(user, sheet):
                continue
            buttons.append(
                HeaderButton(
                    _("Export %(what)s") % {"what": label} if len(self.sheets) > 1 else _("Export"),
                    url=reverse(EXPORT_URL_NAME, args=[sheet]),
                    icon_name="download",
                )
            )
        return buttons


# -----------------------------------------------------------------------------
# Snippets
# -----------------------------------------------------------------------------


class LegalInstrumentIndexView(ImportExportButtonsMixin, IndexView):
    sheets = ("instrumen_hukum",)


class LegalInstrumentViewSet(SnippetViewSet):
    model = LegalInstrument
    icon = "doc-full"
    menu_label = _("Legal instruments")
    index_view_class = LegalInstrumentIndexView
    list_display = [
        "__str__",
        "title",
        Column("status", label=_("status"), accessor="get_status_display"),
        DateColumn("effective_until", label=_("effective until")),
    ]
    list_filter = ["kind", "year", "status"]
    search_fields = ["title", "number"]
    search_backend_name = None  # plain icontains on the number, which is not a word
    ordering = ["-year", "kind", "number"]
    inspect_view_enabled = True
    copy_view_enabled = False


class DelegatedAuthorityFilterSet(WagtailFilterSet):
    field = django_filters.ChoiceFilter(choices=ServiceField.choices, label=_("field"))
    instrument = django_filters.ModelChoiceFilter(
        queryset=LegalInstrument.objects.all(), label=_("delegation instrument")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level=RegionLevel.KECAMATAN),
        method="filter_kecamatan",
        label=_("kecamatan"),
    )

    class Meta:
        model = DelegatedAuthority
        fields = ["field", "instrument", "revoked"]

    def filter_kecamatan(self, queryset, name, value):
        # Delegated to every kecamatan, or to this one by name.
        return queryset.filter(
            django_filters.filters.Q(all_kecamatan=True) | django_filters.filters.Q(kecamatan=value)
        ).distinct()


class DelegatedAuthorityIndexView(ImportExportButtonsMixin, IndexView):
    sheets = ("kewenangan",)


class DelegatedAuthorityViewSet(SnippetViewSet):
    model = DelegatedAuthority
    icon = "key"
    menu_label = _("Delegated authorities")
    index_view_class = DelegatedAuthorityIndexView
    filterset_class = DelegatedAuthorityFilterSet
    list_display = [
        "code",
        "authority",
        Column("field", label=_("field"), accessor="get_field_display"),
        "instrument",
        DateColumn("effective_until", label=_("effective until")),
    ]
    search_fields = ["code", "authority"]
    search_backend_name = None
    ordering = ["code"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return DelegatedAuthority.objects.select_related("instrument")


class ServiceCategoryIndexView(ImportExportButtonsMixin, IndexView):
    sheets = ("kategori",)


class ServiceCategoryViewSet(SnippetViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Service categories")
    index_view_class = ServiceCategoryIndexView
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]
    copy_view_enabled = False


# -- Maklumat: scoped to the user's kecamatan --------------------------------------


def maklumat_scoped(request, queryset):
    return kecamatan_scope_for(request.user).filter(queryset, field="kecamatan")


class MaklumatFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        field = form.fields.get("kecamatan")
        if field is not None:
            regions = Region.objects.filter(level=RegionLevel.KECAMATAN)
            field.queryset = kecamatan_scope_for(self.request.user).filter(regions, field="code")
        return form


class MaklumatCreateView(MaklumatFormMixin, CreateView):
    pass


class MaklumatEditView(MaklumatFormMixin, EditView):
    def get_object(self, queryset=None):
        return super().get_object(maklumat_scoped(self.request, Maklumat.objects.all()))


class MaklumatDeleteView(DeleteView):
    def get_object(self, queryset=None):
        return super().get_object(maklumat_scoped(self.request, Maklumat.objects.all()))


class MaklumatViewSet(SnippetViewSet):
    model = Maklumat
    icon = "openquote"
    menu_label = _("Maklumat pelayanan")
    add_view_class = MaklumatCreateView
    edit_view_class = MaklumatEditView
    delete_view_class = MaklumatDeleteView
    list_display = ["kecamatan", "camat_name", DateColumn("signed_on", label=_("date signed"))]
    list_filter = ["kecamatan"]
    ordering = ["kecamatan", "-signed_on"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return maklumat_scoped(request, Maklumat.objects.select_related("kecamatan"))


# -----------------------------------------------------------------------------
# Services (pages)
# -----------------------------------------------------------------------------


class ServicePageFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceCategory.objects.all(), label=_("category")
    )
    field = django_filters.ChoiceFilter(choices=ServiceField.choices, label=_("field"))

    class Meta:
        model = ServicePage
        fields = ["category", "field", "live"]


class ServicePageIndexView(ImportExportButtonsMixin, PageIndexView):
    sheets = ("layanan", "persyaratan", "prosedur")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(
                _("Export whole catalog"), url=reverse(WORKBOOK_URL_NAME), icon_name="download"
            )
        )
        return buttons


class ServicePageListingViewSet(PageListingViewSet):
    model = ServicePage
    icon = "list-ul"
    menu_label = _("Services")
    add_to_admin_menu = False
    index_view_class = ServicePageIndexView
    filterset_class = ServicePageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("code", label=_("service code")),
        Column("category", label=_("category")),
        Column("field", label=_("field"), accessor="get_field_display"),
    ]


service_page_listing_viewset = ServicePageListingViewSet("service_pages")


class CatalogMenuGroup(SnippetViewSetGroup):
    menu_label = _("Service catalog")
    menu_icon = "list-ul"
    menu_order = 210
    items = (
        service_page_listing_viewset,
        LegalInstrumentViewSet,
        DelegatedAuthorityViewSet,
        ServiceCategoryViewSet,
        MaklumatViewSet,
        SearchSynonymViewSet,
    )


register_snippet(CatalogMenuGroup)

INDEX_URL_NAMES = {
    "instrumen_hukum": "wagtailsnippets_service_catalog_legalinstrument:list",
    "kewenangan": "wagtailsnippets_service_catalog_delegatedauthority:list",
    "kategori": "wagtailsnippets_service_catalog_servicecategory:list",
    "layanan": "service_pages:index",
    "persyaratan": "service_pages:index",
    "prosedur": "service_pages:index",
}


@hooks.register("register_admin_urls")
def register_catalog_import_urls():
    return [
        path(
            "service-catalog/import/<slug:sheet>/",
            CatalogImportView.as_view(),
            name=IMPORT_URL_NAME,
        ),
        path("service-catalog/export/katalog.xlsx", export_workbook, name=WORKBOOK_URL_NAME),
        path("service-catalog/export/<slug:sheet>.xlsx", export_sheet, name=EXPORT_URL_NAME),
    ]
