"""Admin of the region tree: browse it level by level, scoped to the user's kecamatan."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import HeaderButton

import django_filters

from paten.accounts.viewsets import ScopedIndexView, ScopedModelViewSet

from .admin_views import IMPORT_URL_NAME
from .constants import RegionLevel
from .forms import RegionForm
from .models import Region
from .permissions import user_may_import_regions
from .selectors import region_ancestors


class RegionFilterSet(WagtailFilterSet):
    parent = django_filters.CharFilter(field_name="parent", label=_("Parent region code"))

    class Meta:
        model = Region
        fields = ["parent", "level", "kind"]


class ChildrenColumn(TitleColumn):
    """A link that drills down to the regions below this one."""

    def __init__(self, name="children", *, index_url_name: str, **kwargs):
        super().__init__(name, label=_("Below"), get_url=self.children_url, **kwargs)
        self.index_url_name = index_url_name

    def children_url(self, instance):
        if instance.level >= RegionLevel.DESA_KELURAHAN:
            return None
        return f"{reverse(self.index_url_name)}?{urlencode({'parent': instance.code})}"

    def get_value(self, instance):
        if instance.level >= RegionLevel.DESA_KELURAHAN:
            return "—"
        return {
            RegionLevel.PROVINSI: _("Kabupaten/kota"),
            RegionLevel.KABUPATEN_KOTA: _("Kecamatan"),
            RegionLevel.KECAMATAN: _("Desa/kelurahan"),
        }[instance.level]


class RegionIndexView(ScopedIndexView):
    """Tree browsing: the provinsi first, then the children of ``?parent=<code>``.

    Searching or filtering by level/kind lists matches anywhere (within scope).
    """

    @cached_property
    def parent_region(self) -> Region | None:
        code = (self.request.GET.get("parent") or "").strip()
        if not code:
            return None
        return self.scoped(Region.objects.filter(code=code)).first()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        params = self.request.GET
        if not any(params.get(key) for key in ("parent", "level", "kind", self.search_kwarg)):
            queryset = queryset.filter(parent__isnull=True)
        return queryset

    def get_page_subtitle(self):
        return str(self.parent_region) if self.parent_region else ""

    def get_breadcrumbs_items(self):
        if not self.parent_region:
            return super().get_breadcrumbs_items()
        index_url = reverse(self.index_url_name)
        items = [*self.breadcrumbs_items, {"url": index_url, "label": self.get_page_title()}]
        ancestors = region_ancestors(code=self.parent_region.code)
        for region in ancestors[:-1]:
            items.append(
                {"url": f"{index_url}?{urlencode({'parent': region.code})}", "label": str(region)}
            )
        items.append({"url": "", "label": str(self.parent_region)})
        return items

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if user_may_import_regions(self.request.user):
            buttons.append(
                HeaderButton(_("Import"), url=reverse(IMPORT_URL_NAME), icon_name="upload")
            )
        return buttons


class RegionViewSet(ScopedModelViewSet):
    model = Region
    form_class = RegionForm
    icon = "site"
    menu_label = _("Regions")
    add_to_settings_menu = True
    index_view_class = RegionIndexView
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["code"]
    search_fields = ["code", "name"]
    filterset_class = RegionFilterSet
    scope = staticmethod(lambda scope, queryset: scope.filter_regions(queryset))

    @property
    def list_display(self):
        return [
            "code",
            "name",
            Column("kind", label=_("kind"), accessor="get_kind_display"),
            ChildrenColumn(index_url_name=self.get_url_name("index")),
        ]

    def get_form_class(self, for_update=False):
        return RegionForm
