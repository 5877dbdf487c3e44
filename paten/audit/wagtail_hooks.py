"""A read-only audit event listing in the Wagtail admin, the chains page and the alarm
panel of the admin home.

There are no add, edit, delete, copy or history URLs at all: events are written only
by ``paten.audit.services.audit_record``. Every query goes through
``audit_event_list_for_user`` (and so through ``kecamatan_scope_for``).
"""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

import django_filters

from paten.regions.models import Kecamatan

from .admin_views import AuditChainsView, audit_alarm_panel_for
from .models import AuditEvent
from .selectors import audit_event_list_for_user


def _kecamatan_choices(request):
    from paten.accounts.selectors import kecamatan_scope_for

    return kecamatan_scope_for(request.user).filter_regions(Kecamatan.objects.all())


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.AllValuesFilter(label=_("Action"))
    kecamatan = django_filters.ModelChoiceFilter(label=_("Kecamatan"), queryset=_kecamatan_choices)
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["action", "kecamatan", "timestamp"]


class AuditEventIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        chains = HeaderButton(
            _("Audit chains"), url=reverse("audit_event:chains"), icon_name="list-ul"
        )
        return [*super().header_buttons, chains]

    def get_base_queryset(self):
        return audit_event_list_for_user(user=self.request.user)


class AuditEventInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(audit_event_list_for_user(user=self.request.user), pk=self.pk)


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "list-ul"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = AuditEventIndexView
    inspect_view_class = AuditEventInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AuditEventFilterSet
    search_fields = ["action", "actor_username"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        Column("chain", label=_("Chain"), sort_key="chain"),
        Column("sequence", label=_("No."), sort_key="sequence"),
        DateColumn("timestamp", label=_("Time"), sort_key="timestamp"),
        Column("action", label=_("Action"), sort_key="action"),
        Column("actor_username", label=_("Actor")),
        Column("kecamatan", label=_("Kecamatan")),
        Column("target_type_label", label=_("Target type")),
        Column("target_object_id", label=_("Target id")),
    ]
    inspect_view_fields = [
        "id",
        "chain",
        "sequence",
        "timestamp",
        "actor_username",
        "action",
        "target_content_type",
        "target_object_id",
        "kecamatan",
        "payload",
        "prev_hash",
        "hash",
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in (
            "add_url_name",
            "edit_url_name",
            "delete_url_name",
            "copy_url_name",
            "history_url_name",
            "usage_url_name",
        ):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<uuid:pk>/", self.inspect_view, name="inspect"),
            path("chains/", AuditChainsView.as_view(), name="chains"),
        ]


@hooks.register("register_admin_viewset")
def register_audit_event_viewset():
    return AuditEventViewSet("audit_event")


@hooks.register("construct_homepage_panels")
def add_audit_alarm_panel(request, panels):
    panel = audit_alarm_panel_for(request)
    if panel is not None:
        panels.append(panel)
