"""Reads of the catalog: which services a kecamatan offers, and each one's
standard as it applies in a kecamatan."""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import DatabaseError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan

from .constants import FeeKind, ServiceField
from .models import (
    KecamatanOverride,
    Maklumat,
    ServiceCategory,
    ServiceLegalBasis,
    ServicePage,
)


def service_queryset(*, live: bool = True) -> QuerySet:
    """Services with everything the catalog needs, in a fixed number of queries."""
    queryset = ServicePage.objects.all()
    if live:
        queryset = queryset.live().public()
    return queryset.select_related(
        "category", "delegated_authority", "delegated_authority__instrument"
    ).prefetch_related(
        "delegated_authority__kecamatan",
        Prefetch(
            "kecamatan_overrides",
            queryset=KecamatanOverride.objects.select_related("kecamatan"),
        ),
    )


def _in_period(obj, on: date) -> bool:
    start, end = obj.effective_from, obj.effective_until
    return (start is None or start <= on) and (end is None or end >= on)


def kecamatan_offering(
    service: ServicePage, *, on: date | None = None, all_kecamatan: Iterable[Region] | None = None
) -> list[Region]:
    """The kecamatan where ``service`` is offered on a date.

    A delegated service is offered where its delegation is in effect (not expired,
    not revoked, instrument not revoked); a kecamatan may withdraw it by an override.
    A service without delegation is a kecamatan's own and is offered everywhere.
    Uses prefetched relations (see ``service_queryset``) so it adds no query per service.
    """
    on = on or timezone.localdate()
    if not _in_period(service, on):
        return []
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    delegation = service.delegated_authority
    if delegation is None:
        candidates = everywhere
    else:
        if delegation.revoked or not _in_period(delegation, on):
            return []
        if delegation.instrument.status == "dicabut":
            return []
        if delegation.all_kecamatan:
            candidates = everywhere
        else:
            chosen = {region.code for region in delegation.kecamatan.all()}
            candidates = [region for region in everywhere if region.code in chosen]
    withdrawn = {o.kecamatan_id for o in service.kecamatan_overrides.all() if not o.offered}
    return [region for region in candidates if region.code not in withdrawn]


@dataclass
class KecamatanStandard:
    """A service's standard as it applies in one kecamatan (service + override)."""

    service: ServicePage
    kecamatan: Region | None
    duration_value: int
    duration_unit: str
    extra_requirements: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def duration_unit_label(self) -> str:
        from paten.workdays.constants import DurationUnit

        return DurationUnit(self.duration_unit).label


def standard_for(service: ServicePage, kecamatan: Region | None = None) -> KecamatanStandard:
    override = None
    if kecamatan is not None:
        override = next(
            (o for o in service.kecamatan_overrides.all() if o.kecamatan_id == kecamatan.code),
            None,
        )
    standard = KecamatanStandard(
        service=service,
        kecamatan=kecamatan,
        duration_value=service.duration_value,
        duration_unit=service.duration_unit,
    )
    if override is not None:
        if override.duration_value and override.duration_unit:
            standard.duration_value = override.duration_value
            standard.duration_unit = override.duration_unit
        standard.extra_requirements = override.extra_requirement_list
        standard.note = override.note
    return standard


def services_offered_in(kecamatan: Region, *, on: date | None = None) -> list[ServicePage]:
    everywhere = installation_kecamatan()
    return [
        service
        for service in service_queryset()
        if any(
            r.code == kecamatan.code
            for r in kecamatan_offering(service, on=on, all_kecamatan=everywhere)
        )
    ]


# =============================================================================
# Public catalog: filters, listing, formatting
# =============================================================================
FEE_FREE = "gratis"
FEE_PAID = "berbayar"
PER_PAGE = 20
CATALOG_GENERATION_KEY = "service_catalog:generation"


def catalog_generation() -> int:
    """The catalog's cache generation; every cached public fragment is keyed by it.

    ``service_catalog.signals`` bumps it when anything a citizen sees changes. A
    missing key (evicted, or a fresh cache) starts from the clock, never from 1, so
    entries of an earlier generation can never come back.
    """
    from django.core.cache import cache

    value = cache.get(CATALOG_GENERATION_KEY)
    if value is None:
        value = time.time_ns() // 1000
        if not cache.add(CATALOG_GENERATION_KEY, value, timeout=None):
            value = cache.get(CATALOG_GENERATION_KEY, value)
    return value


def catalog_generation_bump() -> int:
    from django.core.cache import cache

    try:
        return cache.incr(CATALOG_GENERATION_KEY)
    except ValueError:
        value = time.time_ns() // 1000
        cache.set(CATALOG_GENERATION_KEY, value, timeout=None)
        return value


@dataclass(frozen=True)
class CatalogFilters:
    """The public filters, already checked: an unknown value is simply dropped."""

    q: str = ""
    kecamatan: Region | None = None
    category: ServiceCategory | None = None
    field: str = ""
    fee: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.kecamatan or self.category or self.field or self.fee)

    def as_params(self) -> dict[str, str]:
        params = {
            "q": self.q,
            "kecamatan": self.kecamatan.code if self.kecamatan else "",
            "kategori": self.category.slug if self.category else "",
            "bidang": self.field,
            "biaya": self.fee,
        }
        return {key: value for key, value in params.items() if value}


def _one(value) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def catalog_filters_from(
    params,
    *,
    all_kecamatan: Iterable[Region] | None = None,
    categories: list[ServiceCategory] | None = None,
) -> CatalogFilters:
    """Parse public GET parameters (``q``, ``kecamatan``, ``kategori``, ``bidang``,
    ``biaya``) into filters; anything unknown or malformed is ignored."""
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    categories = categories if categories is not None else list(ServiceCategory.objects.all())
    q = " ".join(_one(params.get("q")).split())[:100]
    # NUL and other control characters break some database drivers: drop them.
    q = "".join(ch for ch in q if ch.isprintable())
    code = _one(params.get("kecamatan"))
    slug = _one(params.get("kategori"))
    field_value = _one(params.get("bidang"))
    fee = _one(params.get("biaya"))
    return CatalogFilters(
        q=q,
        kecamatan=next((r for r in everywhere if r.code == code), None),
        category=next((c for c in categories if c.slug == slug), None),
        field=field_value if field_value in ServiceField.values else "",
        fee=fee if fee in (FEE_FREE, FEE_PAID) else "",
    )


def fee_label(service: ServicePage) -> str:
    if service.fee_kind == FeeKind.FREE:
        return str(_("Free"))
    if service.fee_kind == FeeKind.FIXED and service.fee_amount:
        return rupiah(service.fee_amount)
    return str(_("Per regulation (see the fee details)"))


def rupiah(amount) -> str:
    return "Rp" + f"{int(amount):,}".replace(",", ".")


def duration_label(value: int, unit: str) -> str:
    from paten.workdays.constants import DurationUnit

    return f"{value} {DurationUnit(unit).label}"


@dataclass
class CatalogEntry:
    """One service as the catalog lists it."""

    service: ServicePage
    offered_in: list[Region]
    standard: KecamatanStandard

    @property
    def fee(self) -> str:
        return fee_label(self.service)

    @property
    def duration(self) -> str:
        return duration_label(self.standard.duration_value, self.standard.duration_unit)


def _search_pks(q: str) -> list[int]:
    """Page ids matching ``q``, best first (Wagtail search: full text on PostgreSQL)."""
    try:
        # A savepoint: a query the full-text parser rejects must not break the
        # request's transaction (ATOMIC_REQUESTS); it just finds nothing.
        with transaction.atomic():
            return [page.pk for page in ServicePage.objects.live().search(q, operator="and")]
    except DatabaseError:
        return []


def catalog_entries(
    *,
    filters: CatalogFilters,
    on: date | None = None,
    all_kecamatan: Iterable[Region] | None = None,
) -> list[CatalogEntry]:
    """The live services matching ``filters``, each with the kecamatan offering it.

    Runs a fixed number of queries whatever the size of the catalog: offering is
    computed in Python from the relations ``service_queryset`` prefetches.
    """
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    queryset = service_queryset()
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.field:
        queryset = queryset.filter(field=filters.field)
    if filters.fee == FEE_FREE:
        queryset = queryset.filter(fee_kind=FeeKind.FREE)
    elif filters.fee == FEE_PAID:
        queryset = queryset.exclude(fee_kind=FeeKind.FREE)
    if filters.q:
        pks = _search_pks(filters.q)
        rank = {pk: position for position, pk in enumerate(pks)}
        services = sorted(queryset.filter(pk__in=pks), key=lambda s: rank[s.pk])
    else:
        services = list(queryset.order_by("category__sort_order", "category__name", "title"))
    entries = []
    for service in services:
        offered = kecamatan_offering(service, on=on, all_kecamatan=everywhere)
        if filters.kecamatan and filters.kecamatan.code not in {r.code for r in offered}:
            continue
        entries.append(
            CatalogEntry(
                service=service,
                offered_in=offered,
                standard=standard_for(service, filters.kecamatan),
            )
        )
    return entries


def service_detail_queryset() -> QuerySet:
    """Live services with every child a service page, the PDF and the API show."""
    return (
        service_queryset()
        .prefetch_related(
            "required_documents",
            "procedure_steps",
            Prefetch(
                "legal_basis",
                queryset=ServiceLegalBasis.objects.select_related("instrument__document"),
            ),
        )
        .select_related("fee_legal_basis", "fee_legal_basis__document")
    )


def latest_maklumat(kecamatan: Region) -> Maklumat | None:
    return Maklumat.objects.filter(kecamatan=kecamatan).order_by("-signed_on").first()


def kecamatan_by_code(code: str, *, all_kecamatan: Iterable[Region] | None = None) -> Region | None:
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    return next((r for r in everywhere if r.code == code), None)


def kecamatan_codes_with_maklumat() -> set[str]:
    return set(Maklumat.objects.values_list("kecamatan_id", flat=True).distinct())
