"""Public pages of the service catalog.

``catalog_context`` and ``service_context`` feed the Wagtail pages' templates
(``ServiceIndexPage.get_context`` / ``ServicePage.get_context``); the views below
serve the printable standard, the maklumat, the CSV download and a cache in front of
Wagtail's page serving for everything under ``/layanan/``.
"""

import csv
import hashlib
import re
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.views import serve as wagtail_serve

from paten.regions.selectors import installation_kecamatan
from paten.tabular import csv_text

from .constants import ServiceField
from .models import ServiceCategory, ServiceIndexPage, ServicePage
from .selectors import (
    FEE_FREE,
    FEE_PAID,
    PER_PAGE,
    catalog_entries,
    catalog_entries_for,
    catalog_filters_from,
    catalog_generation,
    catalog_hits,
    duration_label,
    fee_label,
    kecamatan_by_code,
    kecamatan_codes_with_maklumat,
    kecamatan_offering,
    latest_maklumat,
    service_detail_queryset,
    standard_for,
)

# Rendered pages stay in the cache until the catalog generation changes (signals.py);
# the timeout only bounds how long an unused page occupies the cache.
PAGE_CACHE_TIMEOUT = 60 * 60 * 24
CACHED_PARAMS = ("kecamatan", "kategori", "bidang", "biaya", "halaman")
CSRF_PLACEHOLDER = "__service_catalog_csrf__"
# A small per-process copy of recently served pages, in front of the shared cache:
# a hit then costs one shared-cache read (the generation) instead of two. Keys carry
# the generation, so an entry of an earlier generation is simply never asked for.
LOCAL_PAGES_MAX = 128
_local_pages: OrderedDict[str, tuple[str, str]] = OrderedDict()
_local_lock = threading.Lock()
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


# =============================================================================
# Context for the Wagtail pages
# =============================================================================
def catalog_context(*, request: HttpRequest, index_page: ServiceIndexPage) -> dict:
    everywhere = installation_kecamatan()
    categories = list(ServiceCategory.objects.all())
    filters = catalog_filters_from(request.GET, all_kecamatan=everywhere, categories=categories)
    hits = catalog_hits(filters=filters, all_kecamatan=everywhere)
    # get_page clamps: a page number that is not a number gives page 1, one past
    # the end gives the last page (never an error).
    page_obj = Paginator(hits, PER_PAGE).get_page(request.GET.get("halaman"))
    # Only the shown page's services are read from the database.
    entries = catalog_entries_for(page_obj.object_list, filters=filters, all_kecamatan=everywhere)
    params = filters.as_params()
    for entry in entries:
        entry.url = entry.service.get_url(request=request)
        if filters.kecamatan:
            entry.url += "?" + urlencode({"kecamatan": filters.kecamatan.code})
    return {
        "filters": filters,
        "entries": entries,
        "page_obj": page_obj,
        "result_count": len(hits),
        "all_kecamatan": everywhere,
        "categories": categories,
        "field_choices": ServiceField.choices,
        "fee_choices": [(FEE_FREE, _("Free")), (FEE_PAID, _("Paid"))],
        "page_query": urlencode(params) + ("&" if params else ""),
        "csv_query": urlencode(params),
        "maklumat_codes": kecamatan_codes_with_maklumat(),
    }


def service_context(*, request: HttpRequest, service: ServicePage) -> dict:
    everywhere = installation_kecamatan()
    offered = kecamatan_offering(service, all_kecamatan=everywhere)
    offered_codes = {region.code for region in offered}
    code = str(request.GET.get("kecamatan", "")).strip()
    kecamatan = kecamatan_by_code(code, all_kecamatan=everywhere) if code else None
    not_offered = kecamatan is not None and kecamatan.code not in offered_codes
    standard = standard_for(service, kecamatan if kecamatan and not not_offered else None)
    legal_basis = list(service.legal_basis.select_related("instrument__document"))
    version_at = service.last_published_at or service.latest_revision_created_at
    base_url = service.get_url(request=request) or ""
    return {
        "service": service,
        "standard": standard,
        "kecamatan": kecamatan,
        "unknown_kecamatan": bool(code) and kecamatan is None,
        "not_offered": not_offered,
        "offered_in": offered,
        "offered_links": [
            (region, f"{base_url}?{urlencode({'kecamatan': region.code})}") for region in offered
        ],
        "documents": list(service.required_documents.all()),
        "steps": list(service.procedure_steps.all()),
        "legal_basis": legal_basis,
        "fee": fee_label(service),
        "duration": duration_label(standard.duration_value, standard.duration_unit),
        "version_at": version_at,
        "maklumat": latest_maklumat(kecamatan) if kecamatan and not not_offered else None,
        "pdf_query": urlencode({"kecamatan": kecamatan.code})
        if kecamatan and not not_offered
        else "",
    }


# =============================================================================
# Cache in front of Wagtail's page serving
# =============================================================================
def _page_cache_key(request: HttpRequest, path: str) -> str:
    params = [(name, str(request.GET.get(name, ""))[:40]) for name in CACHED_PARAMS]
    raw = "|".join(
        [
            str(catalog_generation()),
            translation.get_language() or "",
            request.get_host(),
            path,
            urlencode(params),
        ]
    )
    return "service_catalog:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _local_get(key: str) -> tuple[str, str] | None:
    with _local_lock:
        hit = _local_pages.get(key)
        if hit is not None:
            _local_pages.move_to_end(key)
        return hit


def _local_set(key: str, value: tuple[str, str]) -> None:
    with _local_lock:
        _local_pages[key] = value
        while len(_local_pages) > LOCAL_PAGES_MAX:
            _local_pages.popitem(last=False)


def _cacheable(request: HttpRequest) -> bool:
    # Editors see the Wagtail user bar and drafts of their own: never cache for them.
    # Free-text searches are not cached, so they cannot push the catalog out.
    return (
        request.method in ("GET", "HEAD")
        and not request.GET.get("q")
        and not request.user.is_authenticated
    )


@transaction.non_atomic_requests
def cached_page(request: HttpRequest, path: str = "") -> HttpResponse:
    """Serve a catalog page through Wagtail, from the cache when possible.

    The cache key includes the catalog generation, which ``signals.py`` bumps on every
    publish, unpublish or change of what these pages show, so a citizen never sees a
    stale standard. The CSRF token of the page's language form is filled in per
    request. Not wrapped in a transaction (ATOMIC_REQUESTS): a hit touches no database
    at all, and a miss only reads.
    """
    full_path = "layanan/" + path
    if not _cacheable(request):
        return wagtail_serve(request, full_path)
    key = _page_cache_key(request, full_path)
    hit = _local_get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is not None:
            _local_set(key, hit)
    if hit is not None:
        content_type, body = hit
        if CSRF_PLACEHOLDER in body:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(body, content_type=content_type)
        response["X-Catalog-Cache"] = "hit"
        return response
    response = wagtail_serve(request, full_path)
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200 and not response.cookies and not response.streaming:
        body = _CSRF_VALUE.sub(
            rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset)
        )
        cache.set(key, (response["Content-Type"], body), PAGE_CACHE_TIMEOUT)
        _local_set(key, (response["Content-Type"], body))
        response["X-Catalog-Cache"] = "miss"
    return response


# =============================================================================
# Printable standard, maklumat, CSV
# =============================================================================
def _live_service(code: str) -> ServicePage:
    service = service_detail_queryset().filter(code=code).first()
    if service is None:
        raise Http404(_("No such service."))
    return service


@require_safe
def service_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from .pdf import standard_pdf

    service = _live_service(code)
    kecamatan = None
    kecamatan_code = str(request.GET.get("kecamatan", "")).strip()
    if kecamatan_code:
        everywhere = installation_kecamatan()
        kecamatan = kecamatan_by_code(kecamatan_code, all_kecamatan=everywhere)
        offered = kecamatan_offering(service, all_kecamatan=everywhere)
        if kecamatan is None or kecamatan.code not in {r.code for r in offered}:
            raise Http404(_("This service is not offered in that kecamatan."))
    language = translation.get_language() or ""
    key = f"service_catalog:pdf:{catalog_generation()}:{language}:{service.pk}:{kecamatan_code}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = standard_pdf(request=request, service=service, kecamatan=kecamatan)
        cache.set(key, pdf, PAGE_CACHE_TIMEOUT)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{kecamatan.code}" if kecamatan else ""
    response["Content-Disposition"] = f'inline; filename="standar-{service.code}{suffix}.pdf"'
    return response


@require_safe
def maklumat_detail(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = kecamatan_by_code(code)
    maklumat = latest_maklumat(kecamatan) if kecamatan else None
    if maklumat is None:
        raise Http404(_("This kecamatan has not published a maklumat pelayanan."))
    return render(
        request,
        "service_catalog/maklumat.html",
        {"maklumat": maklumat, "kecamatan": kecamatan},
    )


CSV_HEADER = [
    "Kode layanan",
    "Nama layanan",
    "Kategori",
    "Bidang",
    "Kode kecamatan",
    "Kecamatan",
    "Jangka waktu",
    "Biaya",
    "Produk layanan",
    "Dasar pelimpahan",
    "Alamat halaman",
]


@require_safe
def catalog_csv(request: HttpRequest) -> HttpResponse:
    """The catalog as CSV: one row per service and kecamatan offering it."""
    everywhere = installation_kecamatan()
    filters = catalog_filters_from(request.GET, all_kecamatan=everywhere)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="katalog-layanan-{stamp}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8.
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for entry in catalog_entries(filters=filters, all_kecamatan=everywhere):
        service = entry.service
        url = request.build_absolute_uri(service.get_url(request=request) or "/")
        delegation = service.delegated_authority
        for region in entry.offered_in:
            if filters.kecamatan and region.code != filters.kecamatan.code:
                continue
            standard = standard_for(service, region)
            writer.writerow(
                [
                    csv_text(value)
                    for value in (
                        service.code,
                        service.title,
                        service.category.name,
                        service.get_field_display(),
                        region.code,
                        region.name,
                        duration_label(standard.duration_value, standard.duration_unit),
                        fee_label(service),
                        service.product,
                        f"{delegation.instrument} ({delegation.reference})" if delegation else "",
                        f"{url}?{urlencode({'kecamatan': region.code})}",
                    )
                ]
            )
    return response
