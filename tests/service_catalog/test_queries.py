"""The number of queries of public pages does not grow with the catalog."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from service_catalog.constants import ServiceField
from service_catalog.models import KecamatanOverride
from service_catalog.selectors import catalog_generation_bump
from tests.bontang import bontang_regions

from .factories import (
    DelegatedAuthorityFactory,
    ServiceCategoryFactory,
    make_service,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

# Upper bounds, so that a new query per page shows up in review. An uncached index
# page also builds the search index (read once per catalog generation); on PostgreSQL
# its trigram word list is written inside a savepoint (two statements more).
INDEX_BUDGET = 27
SERVICE_BUDGET = 24


def build(count: int, regions) -> None:
    categories = [ServiceCategoryFactory(), ServiceCategoryFactory()]
    delegation = DelegatedAuthorityFactory(
        field=ServiceField.PERIZINAN, kecamatan_list=[regions[0], regions[1]]
    )
    for i in range(count):
        make_service(
            category=categories[i % 2],
            delegated_authority=delegation if i % 3 == 0 else None,
            overrides=[KecamatanOverride(kecamatan=regions[2], offered=False)]
            if i % 5 == 0
            else [],
        )


def uncached_queries(client, url: str) -> int:
    client.get(url)  # warm Wagtail's site cache
    catalog_generation_bump()  # and drop the rendered page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/layanan/",
        "/layanan/?kecamatan=64.74.01",
        "/layanan/?q=surat",
        "/api/layanan/",
        "/data/katalog-layanan.csv",
    ],
)
def test_catalog_queries_constant_from_10_to_50_services(client, url, django_assert_num_queries):
    regions = bontang_regions()
    build(10, regions)
    small = uncached_queries(client, url)
    assert small <= INDEX_BUDGET, small
    build(40, regions)
    catalog_generation_bump()
    with django_assert_num_queries(small):
        client.get(url)


def test_service_page_queries_constant(client, django_assert_num_queries):
    regions = bontang_regions()
    build(10, regions)
    url = "/layanan/surat-keterangan-domisili/"
    make_service(title="Surat Keterangan Domisili")
    small = uncached_queries(client, url + "?kecamatan=64.74.01")
    assert small <= SERVICE_BUDGET, small
    build(40, regions)
    catalog_generation_bump()
    with django_assert_num_queries(small):
        client.get(url + "?kecamatan=64.74.01")


def test_cached_index_needs_no_query(client, django_assert_num_queries):
    build(5, bontang_regions())
    client.get("/layanan/")
    with django_assert_num_queries(0):
        response = client.get("/layanan/")
    assert response["X-Catalog-Cache"] == "hit"
