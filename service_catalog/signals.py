"""Cache invalidation for the public catalog.

Every cached public fragment (pages, PDFs, the search index, the definition of a
service that the apply page reads) is keyed by the catalog generation
(``selectors.catalog_generation``). Anything that changes what a citizen sees or
applies for bumps it: publishing, unpublishing or moving a page (the navigation and
the catalog both show pages), deleting a service, the rows a service page owns (required
documents, procedure steps, legal basis, kecamatan overrides: Wagtail writes them when
the page is published), a view restriction, the regions (the kecamatan offered, by
name), and saving or deleting the snippets the standards show. The bump happens at
once and again after the transaction commits, so a request that read the old rows
while the change was in flight cannot keep its stale copy under the new generation.

Elsewhere: a new form version bumps it in ``forms_builder.signals``; writes that send
no model signal bump it themselves, a region import (``regions_imported``, received
here) and a configuration bundle of an offline instance (``paten.sync.services``).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from paten.regions.models import DesaKelurahan, KabupatenKota, Kecamatan, Provinsi, Region
from paten.regions.signals import regions_imported

from .models import (
    DelegatedAuthority,
    KecamatanOverride,
    LegalInstrument,
    Maklumat,
    ProcedureStep,
    RequiredDocument,
    SearchSynonym,
    ServiceCategory,
    ServiceIndexPage,
    ServiceLegalBasis,
    ServicePage,
)
from .selectors import catalog_generation_bump

SNIPPETS = (LegalInstrument, DelegatedAuthority, ServiceCategory, Maklumat, SearchSynonym)
# The rows a service page owns, and what decides who may see a page.
SERVICE_ROWS = (
    RequiredDocument,
    ProcedureStep,
    ServiceLegalBasis,
    KecamatanOverride,
    PageViewRestriction,
)
# A signal's sender is the class saved: the tiers are proxies of Region.
REGIONS = (Region, Provinsi, KabupatenKota, Kecamatan, DesaKelurahan)


def catalog_changed(**kwargs) -> None:
    catalog_generation_bump()
    transaction.on_commit(catalog_generation_bump)


def connect() -> None:
    page_published.connect(catalog_changed, dispatch_uid="service_catalog_page_published")
    page_unpublished.connect(catalog_changed, dispatch_uid="service_catalog_page_unpublished")
    # A moved page has another address, and may now sit under a view restriction.
    post_page_move.connect(catalog_changed, dispatch_uid="service_catalog_page_moved")
    for model in (ServicePage, ServiceIndexPage):
        post_delete.connect(
            catalog_changed, sender=model, dispatch_uid=f"service_catalog_delete_{model.__name__}"
        )
    for model in (*SNIPPETS, *SERVICE_ROWS, *REGIONS):
        post_save.connect(
            catalog_changed, sender=model, dispatch_uid=f"service_catalog_save_{model.__name__}"
        )
        post_delete.connect(
            catalog_changed, sender=model, dispatch_uid=f"service_catalog_del_{model.__name__}"
        )
    m2m_changed.connect(
        catalog_changed,
        sender=DelegatedAuthority.kecamatan.through,
        dispatch_uid="service_catalog_delegation_kecamatan",
    )
    regions_imported.connect(catalog_changed, dispatch_uid="service_catalog_regions_imported")
    try:
        from paten.site.models import KecamatanOffice, SiteSettings
    except ImportError:  # pragma: no cover - the site app is part of the platform
        return
    # The pemda name, address, logo and service hours are in every cached page's header
    # and footer. (A first read creates an empty settings row: that changes nothing.)
    post_save.connect(
        site_settings_changed, sender=SiteSettings, dispatch_uid="service_catalog_site"
    )
    # A kecamatan office's own service hours are on its service pages and PDFs.
    for signal in (post_save, post_delete):
        signal.connect(
            catalog_changed,
            sender=KecamatanOffice,
            dispatch_uid=f"service_catalog_office_{signal is post_save}",
        )


def site_settings_changed(*, created: bool = False, **kwargs) -> None:
    if not created:
        catalog_changed()
