from django.db.models import QuerySet

from paten.accounts.selectors import kecamatan_scope_for

from .models import Region


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
