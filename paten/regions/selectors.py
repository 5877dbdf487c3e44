from django.conf import settings
from django.db.models import QuerySet

from paten.accounts.selectors import kecamatan_scope_for

from .models import Kecamatan, Region


def installation_kecamatan() -> QuerySet[Kecamatan]:
    """The kecamatan of the kabupaten/kota this installation serves
    (``settings.PATEN_KABUPATEN_KOTA``), by name.

    The one answer to "which kecamatan are ours": regions imported with ``--all`` or
    under another kabupaten/kota never count. Evaluate it once and pass the result on
    where several helpers need it (the queryset caches its rows).
    """
    return Kecamatan.objects.filter(parent_id=settings.PATEN_KABUPATEN_KOTA).order_by(
        "name", "code"
    )


def installation_kecamatan_for(*, user) -> QuerySet[Kecamatan]:
    """The kecamatan of this installation inside ``user``'s scope, by name."""
    return kecamatan_scope_for(user).filter(installation_kecamatan(), field="code")


def region_list_for_user(*, user, queryset: QuerySet | None = None) -> QuerySet:
    """Regions ``user`` may browse: everything for pemda-wide staff, otherwise their
    kecamatan, the desa/kelurahan below and the ancestors (``filter_regions``)."""
    if queryset is None:
        queryset = Region.objects.all()
    return kecamatan_scope_for(user).filter_regions(queryset)


def region_ancestors(*, code: str) -> list[Region]:
    """The region with ``code`` and its ancestors, top first (one query)."""
    parts = code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return list(Region.objects.filter(code__in=codes).order_by("level"))
