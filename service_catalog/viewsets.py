"""Admin viewsets of the service catalog: one "Katalog layanan" menu group.

Legal instruments, delegated authorities, categories and maklumat are snippets; services
are pages, listed flat with a ``PageListingViewSet`` (as bakerydemo's breads). Each list
offers import and export of its sheet (``admin_views``); the whole catalog workbook is
exported from the services list.
"""

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

import django_filters

from paten.accounts.viewsets import ScopedSnippetViewSet
from paten.regions.selectors import installation_kecamatan, installation_kecamatan_for

from .admin_views import WORKBOOK_URL_NAME, ImportExportButtonsMixin
from .constants import ServiceField
from .models import (
    DelegatedAuthority,
    LegalInstrument,
    Maklumat,
    SearchSynonym,
    ServiceCategory,
    ServicePage,
)
from .permissions import maklumat_scope


class LegalInstrumentIndexView(ImportExportButtonsMixin, IndexView):
    sheets = ("instrumen_hukum",)


class LegalInstrumentChooseMixin:
    """The chooser names each instrument with its subject ("Peraturan Bupati Nomor 7
    Tahun 2024 tentang …"): numbers alone do not tell an admin which one to pick."""

    @property
    def title_column(self):
        column = super().title_column
        column.accessor = LegalInstrument.full_title
        return column

    def get_filter_form_class(self):
        base = super().get_filter_form_class()

        class InstrumentSearchForm(base):
            """Plain ``icontains`` on subject and number, as in the instruments' list: the
            search backend's autocompletion missed words inside a subject on SQLite."""

            def filter(self, objects):
                query = (self.cleaned_data.pop("q", "") or "").strip()
                objects = super().filter(objects)
                self.cleaned_data["q"] = query
                if query:
                    objects = objects.filter(
                        models.Q(title__icontains=query) | models.Q(number__icontains=query)
                    )
                    self.is_searching = True
                    self.search_query = query
                return objects

        return InstrumentSearchForm


class LegalInstrumentChooseView(LegalInstrumentChooseMixin, ChooseView):
    pass


class LegalInstrumentChooseResultsView(LegalInstrumentChooseMixin, ChooseResultsView):
    pass


class LegalInstrumentChooserViewSet(SnippetChooserViewSet):
    choose_view_class = LegalInstrumentChooseView
    choose_results_view_class = LegalInstrumentChooseResultsView


class LegalInstrumentViewSet(SnippetViewSet):
    model = LegalInstrument
    chooser_viewset_class = LegalInstrumentChooserViewSet
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
        queryset=lambda request: installation_kecamatan(),
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


class DelegatedAuthorityInspectView(InspectView):
    def get_field_display_value(self, field_name=None, field=None):
        # The model has a field called "field": Wagtail looks for a display hook named
        # get_<name>_display_value on the view, finds this very method and calls it
        # without arguments (the inspect page was a 500).
        if field_name is None:
            return self.object.get_field_display()
        return super().get_field_display_value(field_name, field)


class DelegatedAuthorityViewSet(SnippetViewSet):
    model = DelegatedAuthority
    icon = "key"
    menu_label = _("Delegated authorities")
    index_view_class = DelegatedAuthorityIndexView
    inspect_view_class = DelegatedAuthorityInspectView
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


class MaklumatFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        field = form.fields.get("kecamatan")
        if field is not None:
            field.queryset = installation_kecamatan_for(user=self.request.user)
        return form


class MaklumatCreateView(MaklumatFormMixin, CreateView):
    pass


class MaklumatEditView(MaklumatFormMixin, EditView):
    pass


class MaklumatViewSet(ScopedSnippetViewSet):
    """Every view (list, edit, delete, history, usage, chooser, editing sessions, site
    history) sees only the maklumat of the user's kecamatan (``permissions.maklumat_scope``)."""

    model = Maklumat
    scope = staticmethod(maklumat_scope)
    icon = "openquote"
    menu_label = _("Maklumat pelayanan")
    add_view_class = MaklumatCreateView
    edit_view_class = MaklumatEditView
    list_display = ["kecamatan", "camat_name", DateColumn("signed_on", label=_("date signed"))]
    list_filter = ["kecamatan"]
    ordering = ["kecamatan", "-signed_on"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kecamatan")


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


class SearchSynonymViewSet(SnippetViewSet):
    """Synonyms citizens type (KTP / KTP-el, SKTM / tidak mampu, pindah / mutasi);
    the public search finds a service by any of them."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("Search synonyms")
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]
    ordering = ["terms"]
    copy_view_enabled = False


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
