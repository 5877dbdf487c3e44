"""The public IKM read API and its OpenAPI schema."""

from django.urls import include, path

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from reporting.models import FollowUpPlan, SurveySettings
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_period_create, survey_response_submit
from tests.reporting.factories import SELATAN, UTARA, all_answers, finished_application

# These tests exercise the Krejcie–Morgan rule on small samples: no floor of 30.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_cache", "no_respondent_floor"),
]


API_MAX_QUERIES = 26


def respond(value=4, *, kecamatan=UTARA, **extra):
    return survey_response_submit(
        answers=all_answers(value), channel=SurveyChannel.KIOSK, kecamatan=kecamatan, **extra
    )


def detail(client, slug: str, query: str = "") -> dict:
    response = client.get(f"/api/ikm/{slug}/{query}")
    assert response.status_code == 200
    return response.json()


class TestPeriodList:
    def test_lists_published_periods_only(self, client, quarter, bontang):
        hidden = survey_period_create(kind="tahun", year=quarter.year, is_published=False)
        data = client.get("/api/ikm/").json()
        assert [item["slug"] for item in data] == [quarter.slug]
        item = data[0]
        assert item["name"] == quarter.name and item["kind"] == "triwulan"
        assert item["start_date"] == quarter.start_date.isoformat()
        assert item["url"] == f"http://testserver/api/ikm/{quarter.slug}/"
        assert item["page_url"] == f"http://testserver/ikm/{quarter.slug}/"
        assert item["csv_url"] == f"http://testserver/ikm/{quarter.slug}.csv"
        assert client.get(f"/api/ikm/{hidden.slug}/").status_code == 404
        assert client.get("/api/ikm/tidak-ada/").status_code == 404


class TestPeriodDetail:
    def test_figures_from_the_regulation(self, client, quarter, bontang):
        respond(4)
        respond(3)
        data = detail(client, quarter.slug)
        figure = data["figure"]
        assert data["weight"] == "1/9" and data["kecamatan"] is None
        assert figure["level"] == "kabupaten_kota" and figure["name"] == "Kota Bontang"
        # Decimal strings with fixed decimals, rounded as the page shows them.
        assert figure["ikm"] == "3.5000" and figure["ikm_konversi"] == "87.50"
        assert figure["mutu"] == "B" and figure["kinerja"] == "Baik"
        assert figure["respondents"] == 2 and figure["population"] == 0
        assert figure["min_sample"] == 0 and figure["adequate"] is True
        assert [u["code"] for u in figure["unsur"]] == [f"U{n}" for n in range(1, 10)]
        assert figure["unsur"][7]["key"] == "sarana" and figure["unsur"][8]["key"] == "pengaduan"
        assert figure["unsur"][0] == {
            "key": "persyaratan",
            "code": "U1",
            "name": "Persyaratan",
            "nrr": "3.500",
            "nilai_konversi": "87.50",
            "mutu": "B",
            "weak": False,
        }
        assert figure["template_0111"] is None
        assert data["kabupaten_kota"]["ikm_konversi"] == "87.50"
        assert [k["code"] for k in data["kecamatan_list"]] == ["64.74.03", SELATAN, UTARA]
        assert data["kecamatan_list"][0]["ikm"] is None  # Bontang Barat: nobody answered

    def test_kecamatan_view(self, client, quarter, bontang):
        respond(4, kecamatan=UTARA, profile={"gender": "L", "age": 25})
        respond(1, kecamatan=SELATAN)
        FollowUpPlan.objects.create(period=quarter, unsur="waktu", action="Seluruh kota")
        FollowUpPlan.objects.create(
            period=quarter, kecamatan_id=UTARA, unsur="sarana", action="Ruang tunggu"
        )
        data = detail(client, quarter.slug, f"?kecamatan={UTARA}")
        assert data["kecamatan"] == {"code": UTARA, "name": "Bontang Utara"}
        assert data["figure"]["level"] == "kecamatan"
        assert (
            data["figure"]["ikm_konversi"] == "100.00"
            and data["figure"]["kinerja"] == "Sangat baik"
        )
        assert data["kabupaten_kota"]["ikm_konversi"] == "62.50"
        assert [p["action"] for p in data["follow_ups"]] == ["Seluruh kota"]
        assert data["kecamatan_follow_ups"][0]["unsur_code"] == "U8"
        assert data["kecamatan_follow_ups"][0]["kecamatan"] == UTARA
        gender = next(g for g in data["profile"] if g["key"] == "gender")
        assert gender["rows"][0] == {
            "key": "L",
            "label": "Laki-laki",
            "count": 1,
            "percent": "100.0",
        }
        age = next(g for g in data["profile"] if g["key"] == "age")
        assert next(r for r in age["rows"] if r["key"] == "20–30")["count"] == 1
        assert data["trend"] == [
            {
                "period": quarter.slug,
                "name": quarter.name,
                "respondents": 1,
                "ikm": "4.0000",
                "ikm_konversi": "100.00",
                "mutu": "A",
            }
        ]

    @pytest.mark.parametrize("code", ["garbage", "64.74", "64.74.01.1001"])
    def test_unknown_kecamatan_is_404(self, client, quarter, bontang, code):
        response = client.get(f"/api/ikm/{quarter.slug}/?kecamatan={code}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Kode kecamatan tidak dikenal."

    def test_services_only_with_an_adequate_sample(self, client, quarter, finished, service, staff):
        respond(4, service=service)
        data = detail(client, quarter.slug)
        assert [s["code"] for s in data["services"]] == [service.code]
        assert data["services"][0]["level"] == "layanan"
        assert data["services"][0]["population"] == 1 and data["services"][0]["adequate"]
        finished_application(service, finished.kecamatan, staff)  # population 2, minimum 2
        data = detail(client, quarter.slug)
        assert data["services"] == [] and data["services_withheld"] == 1

    def test_template_variant_when_switched_on(self, client, quarter, bontang):
        respond(4)
        respond(3)
        config = SurveySettings.load()
        config.report_template_0111 = True
        config.save()
        figure = detail(client, quarter.slug)["figure"]
        assert figure["ikm_konversi"] == "87.50"
        assert figure["template_0111"] == {
            "weight": "0.111",
            "ikm": "3.4965",
            "ikm_konversi": "87.41",
            "mutu": "B",
            "kinerja": "Baik",
        }

    def test_zero_responses(self, client, quarter, bontang):
        figure = detail(client, quarter.slug)["figure"]
        assert figure["respondents"] == 0 and figure["ikm"] is None
        assert figure["ikm_konversi"] is None and figure["mutu"] == "" and figure["unsur"] == []

    def test_queries_are_bounded(self, client, quarter, bontang, django_assert_max_num_queries):
        respond(4)
        respond(2, kecamatan=SELATAN)
        with django_assert_max_num_queries(API_MAX_QUERIES):
            detail(client, quarter.slug)

    def test_no_suggestion_or_personal_data(self, client, quarter, bontang):
        respond(
            4,
            suggestion="SARAN-RAHASIA",
            profile={"occupation": "lainnya", "occupation_other": "PEKERJAAN-RAHASIA"},
        )
        text = client.get(f"/api/ikm/{quarter.slug}/").content.decode()
        assert "SARAN-RAHASIA" not in text and "PEKERJAAN-RAHASIA" not in text
        assert "suggestion" not in text


class TestSchema:
    def test_ikm_endpoints_generate_a_valid_schema_without_warnings(self):
        GENERATOR_STATS.reset()
        generator = SchemaGenerator(patterns=[path("", include("reporting.urls"))])
        schema = generator.get_schema(request=None, public=True)
        validate_schema(schema)
        assert set(schema["paths"]) == {"/api/ikm/", "/api/ikm/{slug}/"}
        assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache | GENERATOR_STATS._error_cache)
        parameters = schema["paths"]["/api/ikm/{slug}/"]["get"]["parameters"]
        assert {p["name"] for p in parameters} == {"slug", "kecamatan"}
        figure = schema["components"]["schemas"]["Figure"]["properties"]
        assert figure["ikm"]["type"] == "string" and figure["ikm"]["nullable"] is True
        assert "4 decimals" in figure["ikm"]["description"]

    def test_deploy_check_schema_includes_the_ikm_api(self):
        # The drf-spectacular deploy check generates from the root URLconf with the
        # public_api_only hook: our endpoints are documented there.
        schema = SchemaGenerator().get_schema(request=None, public=True)
        assert {"/api/ikm/", "/api/ikm/{slug}/"} <= set(schema["paths"])
        validate_schema(schema)
