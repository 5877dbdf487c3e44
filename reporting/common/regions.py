"""The kecamatan a staff member may choose in the reporting admin forms."""

from django.conf import settings
from django.db.models import QuerySet

from paten.accounts.selectors import kecamatan_scope_for
from paten.regions.constants import RegionLevel
from paten.regions.models import Region


def kecamatan_choices_for(user) -> QuerySet:
    """The kecamatan of this installation that ``user`` may work on, by name."""
    regions = Region.objects.filter(level=RegionLevel.KECAMATAN)
    kabupaten = getattr(settings, "PATEN_KABUPATEN_KOTA", "")
    if kabupaten:
        regions = regions.filter(code__startswith=f"{kabupaten}.")
    return kecamatan_scope_for(user).filter(regions, field="code").order_by("name")
