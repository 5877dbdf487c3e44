from django.conf import settings
from wagtail.admin.forms import WagtailAdminModelForm

from paten.accounts.selectors import kecamatan_scope_for
from paten.regions.constants import RegionLevel
from paten.regions.models import Region

from .models import KecamatanOffice


class KecamatanOfficeForm(WagtailAdminModelForm):
    """A camat or kecamatan admin picks only a kecamatan of their own scope."""

    class Meta:
        model = KecamatanOffice
        fields = [
            "kecamatan",
            "address",
            "phone",
            "email",
            "service_hours",
            "camat_name",
            "camat_nip",
            "camat_rank",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(
            level=RegionLevel.KECAMATAN, code__startswith=f"{settings.PATEN_KABUPATEN_KOTA}."
        )
        self.fields["kecamatan"].queryset = (
            kecamatan_scope_for(self.for_user).filter(regions, field="code").order_by("name")
        )
