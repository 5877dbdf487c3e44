"""Reads of the catalog: which services a kecamatan offers, and each one's
standard as it applies in a kecamatan."""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan

from .constants import FeeKind, ServiceField
from .models import (
    KecamatanOverride,
    Maklumat,
    RequiredDocument,
    SearchSynonym,
    SearchWord,
    ServiceCategory,
    ServiceLegalBasis,
    ServicePage,
)
from .search import CatalogIndex, IndexedService, build_index, rank


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


def _view_restricted() -> Exists:
    """A view restriction on the page or one of its ancestors: Wagtail's ``public()`` as
    a subquery (``public()`` reads every restriction first, one more statement)."""
    return Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
    )


def service_for_application(*, code: str) -> ServicePage | None:
    """The live, public service ``code`` with everything applying for it reads (the
    delegation, the kecamatan overrides, the required documents, the procedure steps
    that the due date counts), in at most five queries."""
    return (
        ServicePage.objects.live()
        .exclude(_view_restricted())
        .select_related("delegated_authority__instrument")
        .prefetch_related(
            "kecamatan_overrides",
            "delegated_authority__kecamatan",
            "required_documents",
            "procedure_steps",
        )
        .filter(code=code)
        .first()
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


# =============================================================================
# Search index: every live service's words, built once per catalog generation
# =============================================================================
SEARCH_INDEX_CACHE_TIMEOUT = 60 * 60 * 24
# Part of the shared cache key: a deploy that changes ``search.CatalogIndex`` must not
# read an index pickled by the previous code.
SEARCH_INDEX_VERSION = 1
_search_indexes: dict[tuple, CatalogIndex] = {}
_search_lock = threading.Lock()


def _search_index_build(*, on: date, all_kecamatan: list[Region]) -> CatalogIndex:
    """Read the live catalog (a fixed number of queries) into a ``CatalogIndex``."""
    services = list(
        service_queryset().prefetch_related(
            Prefetch(
                "required_documents", queryset=RequiredDocument.objects.only("service", "name")
            )
        )
    )
    rows = []
    for service in services:
        offered = [
            region.code
            for region in kecamatan_offering(service, on=on, all_kecamatan=all_kecamatan)
        ]
        superseded = not offered or (
            service.effective_until is not None and service.effective_until < on
        )
        rows.append(
            {
                "pk": service.pk,
                "title": service.title,
                "category_id": service.category_id,
                "category_key": (service.category.sort_order, service.category.name, service.title),
                "category": service.category.name,
                "field": service.field,
                "fee_kind": service.fee_kind,
                "summary": service.summary,
                "product": service.product,
                "documents": [doc.name for doc in service.required_documents.all()],
                "offered": offered,
                "superseded": superseded,
            }
        )
    synonyms = [synonym.term_list for synonym in SearchSynonym.objects.all()]
    return build_index(rows, synonyms)


def _search_words_sync(index: CatalogIndex) -> None:
    """Keep the PostgreSQL vocabulary table (trigram-indexed) equal to the index's."""
    vocabulary = [word for word in index.vocabulary if len(word) <= 60]
    try:
        with transaction.atomic():
            SearchWord.objects.bulk_create(
                [SearchWord(word=word) for word in vocabulary], ignore_conflicts=True
            )
            SearchWord.objects.exclude(word__in=vocabulary).delete()
    except DatabaseError:
        # A concurrent rebuild got there first: its vocabulary is the same catalog's.
        pass


def catalog_search_index(
    *, on: date | None = None, all_kecamatan: list[Region] | None = None
) -> CatalogIndex:
    """The search index of the live catalog on a date.

    Kept in this process and in the shared cache, keyed by the catalog generation
    (``signals.py`` bumps it on every change a citizen can see) and the date (what is
    offered depends on it); building it reads the catalog once.
    """
    from django.core.cache import cache

    on = on or timezone.localdate()
    key = (catalog_generation(), on.isoformat())
    index = _search_indexes.get(key)
    if index is not None:
        return index
    cache_key = "service_catalog:search_index:{}:{}:{}".format(SEARCH_INDEX_VERSION, *key)
    index = cache.get(cache_key)
    if index is None:
        everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
        index = _search_index_build(on=on, all_kecamatan=everywhere)
        if connection.vendor == "postgresql":
            _search_words_sync(index)
        cache.set(cache_key, index, SEARCH_INDEX_CACHE_TIMEOUT)
    with _search_lock:
        _search_indexes.clear()  # only the current generation is ever asked for
        _search_indexes[key] = index
    return index


def _typo_candidates_postgres(word: str) -> list[str]:
    """Vocabulary words within pg_trgm's similarity threshold of ``word`` (GIN index)."""
    return _typo_batch_postgres([word]).get(word, [])


def _typo_batch_postgres(query_words: list[str]) -> dict[str, list[str]]:
    """For several words at once, the vocabulary words pg_trgm finds similar (``%``
    operator, served by the GIN trigram index): one round trip."""
    found: dict[str, list[str]] = {word: [] for word in query_words}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT q.word, w.word FROM unnest(%s::text[]) AS q(word) "
                "JOIN service_catalog_searchword w ON w.word %% q.word",
                [query_words],
            )
            for asked, word in cursor.fetchall():
                found[asked].append(word)
    except DatabaseError:
        pass
    return found


def catalog_hits(
    *, filters: CatalogFilters, on: date | None = None, all_kecamatan: list[Region] | None = None
) -> list[IndexedService]:
    """The live services matching ``filters``, in catalog order or (with a search text)
    best match first; superseded services last. Reads no service rows once the index
    is built."""
    index = catalog_search_index(on=on, all_kecamatan=all_kecamatan)
    if filters.q:
        postgres = connection.vendor == "postgresql"
        ranked = rank(
            filters.q,
            index,
            typo_candidates=_typo_candidates_postgres if postgres else None,
            typo_batch=_typo_batch_postgres if postgres else None,
        )
        services = [service for service, _score in ranked]
    else:
        services = sorted(index.services, key=lambda s: s.category_key)
    kecamatan = filters.kecamatan.code if filters.kecamatan else ""
    return [
        service
        for service in services
        if (not filters.category or service.category_id == filters.category.pk)
        and (not filters.field or service.field == filters.field)
        and (filters.fee != FEE_FREE or service.fee_kind == FeeKind.FREE)
        and (filters.fee != FEE_PAID or service.fee_kind != FeeKind.FREE)
        and (not kecamatan or kecamatan in service.offered)
    ]


def catalog_entries_for(
    hits: Iterable[IndexedService],
    *,
    filters: CatalogFilters,
    on: date | None = None,
    all_kecamatan: list[Region] | None = None,
) -> list[CatalogEntry]:
    """Catalog entries for some hits, in their order (a fixed number of queries)."""
    hits = list(hits)
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    by_pk = {
        service.pk: service for service in service_queryset().filter(pk__in=[h.pk for h in hits])
    }
    entries = []
    for hit in hits:
        service = by_pk.get(hit.pk)
        if service is None:  # unpublished since the index was built
            continue
        entries.append(
            CatalogEntry(
                service=service,
                offered_in=kecamatan_offering(service, on=on, all_kecamatan=everywhere),
                standard=standard_for(service, filters.kecamatan),
            )
        )
    return entries


def catalog_entries(
    *,
    filters: CatalogFilters,
    on: date | None = None,
    all_kecamatan: Iterable[Region] | None = None,
) -> list[CatalogEntry]:
    """The live services matching ``filters``, each with the kecamatan offering it.

    Runs a fixed number of queries whatever the size of the catalog. Pages that show
    only some of them use ``catalog_hits`` and ``catalog_entries_for`` on that slice.
    """
    everywhere = all_kecamatan if all_kecamatan is not None else installation_kecamatan()
    hits = catalog_hits(filters=filters, on=on, all_kecamatan=everywhere)
    return catalog_entries_for(hits, filters=filters, on=on, all_kecamatan=everywhere)


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
