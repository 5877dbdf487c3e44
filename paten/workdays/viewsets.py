"""Admin of the working-day calendar: local holidays and working days, and settings."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

import django_filters

from .models import CalendarOverride, CalendarSettings


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 2, this_year - 6, -1)]


class CalendarOverrideFilterSet(WagtailFilterSet):
    year = django_filters.TypedChoiceFilter(
        label=_("Year"), field_name="date", lookup_expr="year", choices=_year_choices, coerce=int
    )

    class Meta:
        model = CalendarOverride
        fields = ["year", "kabupaten_kota", "is_working_day"]


class CalendarOverrideViewSet(ModelViewSet):
    model = CalendarOverride
    icon = "date"
    filterset_class = CalendarOverrideFilterSet
    list_display = ["date", "name", "is_working_day", "kabupaten_kota"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    panels = [
        FieldPanel("date"),
        FieldPanel("name"),
        FieldPanel("is_working_day"),
        FieldPanel("kabupaten_kota"),
    ]


class CalendarSettingsViewSet(ModelViewSet):
    model = CalendarSettings
    icon = "cog"
    list_display = ["kabupaten_kota", "cuti_bersama_is_working_day"]
    copy_view_enabled = False
    panels = [FieldPanel("kabupaten_kota"), FieldPanel("cuti_bersama_is_working_day")]


class WorkingCalendarViewSetGroup(ModelViewSetGroup):
    menu_label = _("Working-day calendar")
    menu_icon = "date"
    menu_order = 850
    items = (
        CalendarOverrideViewSet("calendar_override"),
        CalendarSettingsViewSet("calendar_settings"),
    )
