"""Dasbor: the PPID panel of the Wagtail admin home page.

Added by the ``construct_homepage_panels`` hook in ``wagtail_hooks``. Counts only, never
personal data: open, due soon, overdue and extended requests per unit, open and overdue
objections, exceptions past their end and periodic information overdue for update.
Every request number links to the work queue with the filter that gives the same rows.
"""

from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from . import permissions
from .selectors import ppid_counts_for_user


class PpidPanel(Component):
    name = "paten_ppid"
    order = 20  # after the applications panel (10), before Wagtail's own (210 and up)
    template_name = "ppid/admin/dashboard.html"

    def __init__(self, *, user, pemda_wide: bool):
        self.user = user
        self.pemda_wide = pemda_wide

    def get_context_data(self, parent_context=None):
        counts = ppid_counts_for_user(user=self.user)
        queue = reverse("ppid_requests:queue")

        def filtered(**params) -> str:
            return f"{queue}?{urlencode(params)}"

        return {
            "counts": counts,
            "open_url": filtered(tampil="terbuka"),
            "due_soon_url": filtered(tampil="segera"),
            "overdue_url": filtered(tampil="terlambat"),
            "extended_url": filtered(tampil="diperpanjang"),
            "objections_url": reverse("ppid_objections:list") + "?tampil=terbuka",
            "units": [
                {"unit": unit, "url": filtered(tampil="terbuka", unit=unit.code)}
                for unit in counts.units
            ],
            "pemda_wide": self.pemda_wide,
            "dip_url": reverse("wagtailsnippets_ppid_dipentry:list"),
            "tests_url": reverse("wagtailsnippets_ppid_consequencetest:list"),
        }


def ppid_panel_for(request) -> PpidPanel | None:
    """The panel, for the users who see requests or objections."""
    user = request.user
    if not permissions.may_view_register(user):
        return None
    return PpidPanel(user=user, pemda_wide=permissions.scope_of(user).is_pemda_wide)
