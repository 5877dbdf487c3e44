import pytest

from service_catalog.constants import ServiceField
from tests.bontang import bontang_regions

from .factories import (
    DelegatedAuthorityFactory,
    LegalInstrumentFactory,
    ServiceCategoryFactory,
    make_service,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def catalog(db):
    regions = {r.code: r for r in bontang_regions()}
    category = ServiceCategoryFactory(name="Administrasi kependudukan", slug="adminduk")
    make_service(title="Surat Keterangan Domisili", code="domisili", category=category)
    make_service(
        title="Izin Penggunaan Jalan",
        code="izin-jalan",
        delegated_authority=DelegatedAuthorityFactory(
            field=ServiceField.PERIZINAN, kecamatan_list=[regions["64.74.02"]]
        ),
        fee_kind="fixed",
        fee_amount=50000,
    )
    return regions


class TestServiceApi:
    def test_list(self, client, catalog):
        response = client.get("/api/layanan/")
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 2
        codes = {item["code"] for item in data["results"]}
        assert codes == {"domisili", "izin-jalan"}
        jalan = next(item for item in data["results"] if item["code"] == "izin-jalan")
        assert jalan["fee_label"] == "Rp50.000"
        assert [r["code"] for r in jalan["offered_in"]] == ["64.74.02"]
        assert jalan["url"].startswith("http://testserver/layanan/")

    def test_filters_like_the_index(self, client, catalog):
        assert client.get("/api/layanan/?kecamatan=64.74.01").json()["count"] == 1
        assert client.get("/api/layanan/?biaya=berbayar").json()["count"] == 1
        assert client.get("/api/layanan/?kategori=adminduk").json()["count"] == 1
        assert client.get("/api/layanan/?q=domisili").json()["count"] == 1
        assert client.get("/api/layanan/?bidang=").json()["count"] == 2

    def test_a_filter_naming_nothing_that_exists_matches_nothing(self, client, catalog):
        assert client.get("/api/layanan/?kecamatan=64.74.09").json()["count"] == 0
        assert client.get("/api/layanan/?kategori=tidak-ada").json()["count"] == 0

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("bidang=zzz", "bidang"),
            ("biaya=mahal", "biaya"),
            ("kecamatan=Bontang", "kecamatan"),
            ("kategori=bukan slug", "kategori"),
            ("halaman=abc", "halaman"),
            ("halaman=0", "halaman"),
            ("halaman=", "halaman"),
            ("per_halaman=500", "per_halaman"),
        ],
    )
    def test_a_malformed_parameter_is_refused_with_400_naming_it(
        self, client, catalog, query, parameter
    ):
        response = client.get(f"/api/layanan/?{query}")
        assert response.status_code == 400
        assert list(response.json()) == [parameter]

    def test_search_text_is_limited_as_sent_not_after_cleaning(self, client, catalog):
        # 101 characters as sent; dropping the control characters would leave 98.
        too_long = "domisili" + "%01%02%03" + "a" * 90
        response = client.get(f"/api/layanan/?q={too_long}")
        assert response.status_code == 400
        assert list(response.json()) == ["q"]
        assert client.get(f"/api/layanan/?q={'a' * 100}").status_code == 200
        assert client.get("/api/layanan/?q=domi%01sili").json()["count"] == 1

    def test_a_page_past_the_end_is_404(self, client, catalog):
        response = client.get("/api/layanan/?halaman=99")
        assert response.status_code == 404
        assert "detail" in response.json()

    def test_an_unknown_service_code_is_a_json_404(self, client, catalog):
        for code in ("tidak-ada", "bukan slug", "%C3%A9"):
            response = client.get(f"/api/layanan/{code}/")
            assert response.status_code == 404
            assert response["Content-Type"] == "application/json"

    def test_detail(self, client, catalog):
        response = client.get("/api/layanan/domisili/")
        assert response.status_code == 200
        data = response.json()
        assert data["title"] == "Surat Keterangan Domisili"
        assert len(data["required_documents"]) == 2
        assert len(data["procedure_steps"]) == 3
        assert data["legal_basis"][0]["instrument"]["citation"].startswith("Peraturan Wali Kota")
        assert "SP4N-LAPOR!" in data["rich_text"]["complaint_channels"]
        assert data["version_published_at"]

    def test_detail_per_kecamatan(self, client, catalog):
        assert client.get("/api/layanan/domisili/?kecamatan=64.74.01").json()["kecamatan"] == {
            "code": "64.74.01",
            "name": "Bontang Utara",
        }
        assert client.get("/api/layanan/izin-jalan/?kecamatan=64.74.01").status_code == 404
        assert client.get("/api/layanan/nope/").status_code == 404

    def test_no_personal_data_or_drafts(self, client, catalog):
        draft = make_service(title="Draf", code="draf")
        draft.unpublish()
        assert client.get("/api/layanan/draf/").status_code == 404
        text = client.get("/api/layanan/domisili/").content.decode()
        assert "nik" not in text.lower().replace("teknis", "")


class TestOtherEndpoints:
    def test_categories(self, client, catalog):
        data = client.get("/api/kategori/").json()
        assert {"slug": "adminduk", "name": "Administrasi kependudukan", "description": ""} in data

    def test_legal_instruments(self, client, catalog):
        # Another year than the factory's, whose numbers count up from 100 per process.
        LegalInstrumentFactory(number="421", year=2019, title="PSKWC")
        data = client.get("/api/dasar-hukum/").json()
        assert any(item["number"] == "421" for item in data["results"])

    def test_schema(self, client, catalog):
        response = client.get("/api/schema/")
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        assert set(schema["paths"]) == {
            "/api/layanan/",
            "/api/layanan/{code}/",
            "/api/kategori/",
            "/api/dasar-hukum/",
            "/api/ikm/",
            "/api/ikm/{slug}/",
            "/api/dip/",
            "/api/dip/{id}/",
        }
        names = {p["name"] for p in schema["paths"]["/api/layanan/"]["get"]["parameters"]}
        assert {"q", "kecamatan", "kategori", "bidang", "biaya", "halaman"} <= names
