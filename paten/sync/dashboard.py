"""The admin home panel: each offline kecamatan's last bundle and days outstanding."""

from wagtail.admin.ui.components import Component

from . import identity, selectors


class OfflinePanel(Component):
    name = "paten_offline_sync"
    order = 30
    template_name = "sync/admin/dashboard_panel.html"

    def __init__(self, *, instance: bool):
        self.instance = instance

    def get_context_data(self, parent_context=None):
        if self.instance:
            return {
                "instance": True,
                "me": identity.installation(),
                "central": identity.central_peer(),
            }
        return {"instance": False, "rows": [r for r in selectors.instance_rows() if r.is_active]}


def offline_panel_for(request) -> OfflinePanel | None:
    from paten.accounts.selectors import kecamatan_scope_for

    own = identity.ownership()
    if own.is_instance:
        return OfflinePanel(instance=True)
    # Only when a kecamatan is offline (known from the cache: no query otherwise).
    if own.offline and kecamatan_scope_for(request.user).is_pemda_wide:
        return OfflinePanel(instance=False)
    return None
