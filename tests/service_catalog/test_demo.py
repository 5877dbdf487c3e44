import pytest

from paten.regions.selectors import installation_kecamatan
from service_catalog.demo import catalog_demo_load
from service_catalog.models import (
    DelegatedAuthority,
    KecamatanOverride,
    Maklumat,
    ServiceIndexPage,
    ServicePage,
)
from service_catalog.selectors import kecamatan_offering
from tests.bontang import bontang_regions

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("service-catalog-demo")]

COMPONENTS = [
    "summary",
    "duration_value",
    "fee_kind",
    "product",
    "complaint_channels",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "staff_count",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
]


@pytest.fixture(scope="module")
def loaded(rows_for_the_module):
    with rows_for_the_module():
        bontang_regions()
        catalog_demo_load()
        yield


def test_demo_loads_25_services_with_all_14_components(loaded):
    services = ServicePage.objects.live()
    assert services.count() >= 25
    for service in services:
        assert service.required_documents.exists(), service.code
        assert service.procedure_steps.exists(), service.code
        assert service.legal_basis.exists(), service.code
        for name in COMPONENTS:
            assert getattr(service, name), (service.code, name)
        assert service.live_revision_id is not None


def test_catalog_page_is_layanan_under_the_home_page(loaded):
    index = ServiceIndexPage.objects.get()
    assert index.slug == "layanan"
    assert index.get_parent().specific_class.__name__ == "HomePage"
    assert index.url.endswith("/layanan/")


def test_demo_load_is_idempotent(loaded):
    revisions = {s.code: s.latest_revision_id for s in ServicePage.objects.all()}
    counts = (DelegatedAuthority.objects.count(), Maklumat.objects.count())
    result = catalog_demo_load()
    assert result["services_created"] == 0
    assert {s.code: s.latest_revision_id for s in ServicePage.objects.all()} == revisions
    assert (DelegatedAuthority.objects.count(), Maklumat.objects.count()) == counts


def test_superseded_services_are_not_offered(loaded):
    everywhere = installation_kecamatan()
    for code in ("imb", "iumk", "ho", "situ"):
        service = ServicePage.objects.get(code=code)
        assert kecamatan_offering(service, all_kecamatan=everywhere) == [], code
    assert DelegatedAuthority.objects.get(code="pskwc-a9").revoked
    skd = ServicePage.objects.get(code="skd")
    assert len(kecamatan_offering(skd, all_kecamatan=everywhere)) == 3


def test_demo_has_an_override_and_a_maklumat_per_kecamatan(loaded):
    override = KecamatanOverride.objects.get(service__code="skd")
    assert override.kecamatan_id == "64.74.03"
    assert override.extra_requirement_list == ["Surat pengantar RT"]
    assert set(Maklumat.objects.values_list("kecamatan_id", flat=True)) == {
        "64.74.01",
        "64.74.02",
        "64.74.03",
    }
