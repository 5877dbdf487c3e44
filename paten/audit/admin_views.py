"""The admin's view of the chains (sealed size, last checkpoint, alarm) and the admin
home panel that raises the alarm. Both are scoped like the event listing: kecamatan
staff see the chains of their kecamatan, pemda-wide users every chain."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .models import AuditSettings
from .selectors import audit_chain_summaries

PERMISSION = "audit.view_auditevent"


class AuditChainsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Audit chains")
    header_icon = "list-ul"
    template_name = "audit/admin/chains.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chains"] = audit_chain_summaries(user=self.request.user)
        context["settings_row"] = AuditSettings.load(request_or_site=self.request)
        return context


class AuditAlarmPanel(Component):
    name = "paten_audit_alarm"
    order = 5  # above every other panel: an alarm must be seen
    template_name = "audit/admin/dashboard_panel.html"

    def __init__(self, *, chains, bound_minutes: int):
        self.chains = chains
        self.bound_minutes = bound_minutes

    def get_context_data(self, parent_context=None):
        return {"chains": self.chains, "bound_minutes": self.bound_minutes}


def audit_alarm_panel_for(request) -> AuditAlarmPanel | None:
    """The panel, only when a chain the user may see has stale unsealed events."""
    if not request.user.has_perm(PERMISSION):
        return None
    alarms = [c for c in audit_chain_summaries(user=request.user) if c.alarm]
    if not alarms:
        return None
    bound = AuditSettings.load(request_or_site=request).unsealed_alarm_minutes
    return AuditAlarmPanel(chains=alarms, bound_minutes=bound)
