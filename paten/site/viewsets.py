from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from paten.accounts.viewsets import ScopedModelViewSet, by_kecamatan

from .forms import KecamatanOfficeForm
from .models import KecamatanOffice


class KecamatanOfficeViewSet(ScopedModelViewSet):
    """Each kecamatan office's address, hours and camat, in the Settings menu; a camat
    sees and edits only their own kecamatan's office."""

    model = KecamatanOffice
    icon = "home"
    menu_label = _("Kecamatan offices")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = [
        "kecamatan",
        "camat_name",
        Column("phone", label=_("Phone")),
    ]
    search_fields = ["kecamatan__name", "camat_name"]
    scope = staticmethod(by_kecamatan("kecamatan"))

    def get_form_class(self, for_update=False):
        return KecamatanOfficeForm
