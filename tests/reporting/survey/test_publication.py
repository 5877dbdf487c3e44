"""The public IKM page and its CSV."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from paten.regions.models import Region
from reporting.models import FollowUpPlan, SurveySettings
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_period_create, survey_response_submit
from service_catalog.models import ServicePage
from tests.reporting.factories import SELATAN, UTARA, all_answers, finished_application
from tests.service_catalog.factories import make_service

# These tests exercise the Krejcie–Morgan rule on small samples: no floor of 30.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_cache", "no_respondent_floor"),
]


#: Queries for a full (uncached) render of the page with a one-period trend; pinned so it
#: cannot grow unnoticed. Each earlier period in the trend adds two (at most seven more).
PAGE_MAX_QUERIES = 32


def respond(value=4, *, kecamatan=UTARA, service=None, **extra):
    answers = all_answers(value) if isinstance(value, int) else value
    return survey_response_submit(
        answers=answers,
        channel=SurveyChannel.PAPER,
        kecamatan=kecamatan,
        service=service,
        **extra,
    )


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def table(html: str, caption_id: str) -> str:
    """The table whose caption has ``caption_id`` ("" when the page has none)."""
    if f'id="{caption_id}"' not in html:
        return ""
    start = html.index(f'id="{caption_id}"')
    return html[start : html.index("</table>", start)]


def graded(html: str) -> str:
    return table(html, "ikm-cap-service")


def insufficient(html: str) -> str:
    return table(html, "ikm-cap-insufficient")


def page(client, url: str = "/ikm/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def set_survey_settings(**values):
    config = SurveySettings.load()
    for name, value in values.items():
        setattr(config, name, value)
    config.save()


class TestFigures:
    def test_two_respondents_all_4_and_all_3_give_87_50_b(self, client, quarter, bontang):
        respond(4)
        respond(3)
        html = page(client)
        figure = section(html, "ikm-figure-heading")
        # (9 × 3,5 / 9) × 25 = 87,50 → B "Baik" (PermenPAN-RB 14/2017), comma decimals.
        assert '<span class="ikm-score__number">87,50</span>' in figure
        assert "ikm-badge--b" in figure and ">B</span>" in figure and "Baik" in figure
        assert "<strong>3,5000</strong>" in figure
        assert "Kota Bontang" in figure
        unsur = section(html, "ikm-unsur-heading")
        assert unsur.count('<td class="num">3,500</td>') == 9
        assert "U8 Sarana dan Prasarana" in unsur and "U9 Penanganan Pengaduan" in unsur
        assert 'role="img"' in unsur and '<title id="ikm-unsur-title">' in unsur
        assert '<desc id="ikm-unsur-desc">' in unsur

    def test_weak_unsur_flagged(self, client, quarter, bontang):
        respond(all_answers(4, waktu=2))
        respond(all_answers(4, waktu=3))
        unsur = section(page(client), "ikm-unsur-heading")
        # U3: (2 + 3) / 2 × 25 = 62,50 → D, needs improvement; hatched in the chart.
        assert '<tr class="ikm-weak"><th scope="row">U3 Waktu Penyelesaian</th>' in unsur
        assert "62,50" in unsur and "url(#ikm-unsur-hatch)" in unsur
        assert unsur.count('class="ikm-weak"') == 1

    def test_english_uses_a_decimal_point(self, client, quarter, bontang):
        respond(4)
        respond(3)
        figure = section(page(client, "/en/ikm/"), "ikm-figure-heading")
        assert '<span class="ikm-score__number">87.50</span>' in figure and "Good" in figure

    def test_respondents_minimum_sample_and_population(self, client, quarter, service, staff):
        for _ in range(2):
            finished_application(service, Region.objects.get(code=UTARA), staff)
        respond(4, service=service)
        figure = section(page(client), "ikm-figure-heading")
        # Population 2 → Krejcie–Morgan minimum 2: one respondent is not enough.
        assert "<dt>Responden</dt><dd>1</dd>" in figure
        assert "<dt>Sampel minimum (Krejcie–Morgan)</dt><dd>2</dd>" in figure
        assert "<dt>Populasi (permohonan yang selesai dalam periode)</dt><dd>2</dd>" in figure
        assert "Sampel belum memadai" in figure
        assert "masih diperlukan 1 responden lagi" in figure

    def test_no_flag_when_the_sample_is_adequate(self, client, quarter, finished):
        respond(4, service=finished.service)
        assert "Sampel belum memadai" not in page(client)

    def test_zero_responses(self, client, quarter, bontang):
        html = page(client)
        figure = section(html, "ikm-figure-heading")
        assert "Belum ada responden." in figure
        assert 'class="ikm-score__number"' not in html and "<svg" not in html
        assert "Sampel belum memadai" not in figure
        assert "Belum ada layanan dengan sampel yang memadai" in html

    def test_zero_responses_with_a_population_flags_the_sample(self, client, quarter, finished):
        figure = section(page(client), "ikm-figure-heading")
        assert "Belum ada responden." in figure and "Sampel belum memadai" in figure

    def test_template_variant_only_when_switched_on(self, client, quarter, bontang):
        respond(4)
        respond(3)
        assert "0,111" not in page(client)
        set_survey_settings(report_template_0111=True)
        figure = section(page(client), "ikm-figure-heading")
        assert "Varian templat (bobot 0,111)" in figure
        # 87,50 × 0,999 = 87,4125 → 87,41, shown beside (not instead of) the exact figure.
        assert "87,41 (mutu B)" in figure
        assert '<span class="ikm-score__number">87,50</span>' in figure
        assert "hanya ditampilkan sebagai pembanding" in figure


class TestPeriods:
    def test_period_address_and_unknown_or_unpublished_404(self, client, quarter, bontang):
        hidden = survey_period_create(kind="tahun", year=quarter.year, is_published=False)
        assert client.get(f"/ikm/{quarter.slug}/").status_code == 200
        for url in (f"/ikm/{hidden.slug}/", "/ikm/tidak-ada/", f"/ikm/{hidden.slug}.csv"):
            assert client.get(url).status_code == 404
        assert hidden.name not in page(client)

    def test_no_published_period(self, client, bontang):
        html = page(client)
        assert "Belum ada hasil survei yang diumumkan" in html

    def test_chooser_redirects_to_the_period(self, client, quarter, bontang):
        response = client.get(f"/ikm/?periode={quarter.slug}&kecamatan={UTARA}")
        assert response.status_code == 302
        assert response["Location"] == f"/ikm/{quarter.slug}/?kecamatan={UTARA}"
        assert client.get("/ikm/?periode=tidak-ada").status_code == 404

    def test_trend_across_periods_of_the_same_kind(self, client, quarter, bontang):
        number, year = (
            (quarter.number - 1, quarter.year) if quarter.number > 1 else (4, quarter.year - 1)
        )
        earlier = survey_period_create(kind="triwulan", year=year, number=number)
        respond(2, answered_on=earlier.end_date)
        respond(4)
        trend = section(page(client, f"/ikm/{quarter.slug}/"), "ikm-trend-heading")
        assert f'<a href="/ikm/{earlier.slug}/">{earlier.name}</a>' in trend
        assert f'<span aria-current="page">{quarter.name}</span>' in trend
        assert "50,00" in trend and "100,00" in trend
        assert trend.index(earlier.name) < trend.index(quarter.name)


class TestKecamatanView:
    def test_kecamatan_links_and_view(self, client, quarter, bontang):
        respond(4, kecamatan=UTARA)
        respond(1, kecamatan=SELATAN)
        area = page(client)
        kecamatan_table = section(area, "ikm-kecamatan-heading")
        assert f'href="?kecamatan={UTARA}"' in kecamatan_table
        assert "Bontang Barat" in kecamatan_table  # listed even without respondents
        assert '<span class="ikm-score__number">62,50</span>' in area

        html = page(client, f"/ikm/?kecamatan={UTARA}")
        figure = section(html, "ikm-figure-heading")
        assert "Indeks kepuasan Bontang Utara" in figure
        assert '<span class="ikm-score__number">100,00</span>' in figure and "Sangat baik" in figure
        assert f'href="?kecamatan={UTARA}" aria-current="page"' in html
        assert '<desc id="ikm-unsur-desc">' in html

    def test_kecamatan_profile_and_plans(self, client, quarter, bontang):
        respond(4, kecamatan=UTARA, profile={"gender": "P"})
        respond(4, kecamatan=SELATAN, profile={"gender": "L"})
        FollowUpPlan.objects.create(period=quarter, unsur="waktu", action="Rencana seluruh kota")
        FollowUpPlan.objects.create(
            period=quarter, kecamatan_id=UTARA, unsur="sarana", action="Rencana Utara"
        )
        FollowUpPlan.objects.create(
            period=quarter, kecamatan_id=SELATAN, unsur="biaya", action="Rencana Selatan"
        )
        FollowUpPlan.objects.create(
            period=quarter, unsur="biaya", action="Rencana internal", is_public=False
        )
        area_plans = section(page(client), "ikm-plans-heading")
        assert "Rencana seluruh kota" in area_plans
        assert "Rencana Utara" not in area_plans and "Rencana internal" not in area_plans

        html = page(client, f"/ikm/?kecamatan={UTARA}")
        plans = section(html, "ikm-plans-heading")
        assert "Rencana Utara" in plans and "Rencana seluruh kota" in plans
        assert "Rencana Selatan" not in plans and "Rencana internal" not in plans
        profile = section(html, "ikm-profile-heading")
        # Only Utara's respondent: one woman, 100 %.
        woman = '<th scope="row">Perempuan</th><td class="num">1</td><td class="num">100,0</td>'
        man = '<th scope="row">Laki-laki</th><td class="num">0</td><td class="num">0,0</td>'
        assert woman in profile and man in profile

    @pytest.mark.parametrize("code", ["garbage", "64.74", "64.74.01.1001", "99.99.99"])
    def test_unknown_kecamatan_is_404(self, client, quarter, bontang, code):
        assert client.get(f"/ikm/?kecamatan={code}").status_code == 404
        assert client.get(f"/ikm/{quarter.slug}.csv?kecamatan={code}").status_code == 404


class TestServices:
    def test_service_shown_when_its_sample_is_adequate(self, client, quarter, finished):
        respond(4, service=finished.service)
        services = section(page(client), "ikm-service-heading")
        assert "Surat Keterangan Domisili" in services and "100,00" in services

    def test_service_hidden_when_its_sample_is_inadequate(self, client, quarter, service, staff):
        for _ in range(2):
            finished_application(service, Region.objects.get(code=UTARA), staff)
        respond(4, service=service)  # population 2, minimum 2
        html = page(client)
        assert "Surat Keterangan Domisili" not in graded(html)
        # Listed apart, without a grade: 1 respondent of the 2 needed.
        row = insufficient(html)
        assert "Surat Keterangan Domisili" in row and "100,00" not in row
        assert '<td class="num">2</td>' in row
        rows = csv_rows(client.get(f"/ikm/{quarter.slug}.csv"))
        assert {r["level"] for r in rows} == {"kabupaten_kota", "kecamatan"}

    def test_answers_without_a_finished_application_in_the_period_are_not_a_sample(
        self, client, quarter, service
    ):
        # Population 0 (nothing finished in the period) with one answer: no sample frame,
        # so no grade from a single answer.
        respond(4, service=service, application=None)
        html = page(client)
        assert "Surat Keterangan Domisili" not in graded(html)
        assert "belum ada permohonan selesai" in insufficient(html)
        assert "Krejcie & Morgan (1970)" in section(html, "ikm-service-heading")

    def test_service_hidden_below_the_public_minimum(self, client, quarter, finished):
        respond(4, service=finished.service)
        set_survey_settings(public_min_respondents=2)
        html = page(client)
        assert "Surat Keterangan Domisili" not in graded(html)
        assert "Surat Keterangan Domisili" in insufficient(html)
        respond(4, service=finished.service)
        html = page(client)
        assert "Surat Keterangan Domisili" in graded(html)
        assert not insufficient(html)


class TestRespondentFloor:
    """The default floor of 30 respondents (docs/domain/skm-ikm.md)."""

    @pytest.fixture(autouse=True)
    def _default_floor(self, no_respondent_floor):
        set_survey_settings(
            public_min_respondents=SurveySettings._meta.get_field("public_min_respondents").default
        )

    def test_the_default_floor_is_30(self):
        assert SurveySettings.load().public_min_respondents == 30

    def test_one_answer_from_a_population_of_one_is_not_graded(self, client, quarter, finished):
        respond(4, service=finished.service)  # Krejcie–Morgan alone: N = 1 needs 1
        html = page(client)
        assert "Surat Keterangan Domisili" not in graded(html)
        row = insufficient(html)
        assert "Surat Keterangan Domisili" in row
        assert '<td class="num">30</td>' in row and "100,00" not in row
        assert "sedikitnya 30 responden" in section(html, "ikm-service-heading")

    def test_the_rule_is_explained_in_indonesian(self, client, quarter, finished):
        respond(4, service=finished.service)
        rule = section(page(client), "ikm-service-heading")
        assert "Cara layanan dinilai" in rule and "PermenPAN-RB 14/2017" in rule
        assert "Layanan dengan sampel belum memadai (tidak dinilai)" in rule


class TestPrivacy:
    def test_suggestions_and_personal_data_never_published(self, client, quarter, finished, staff):
        respond(
            4,
            service=finished.service,
            suggestion="SARAN-RAHASIA-0451",
            profile={
                "gender": "P",
                "age": 33,
                "occupation": "lainnya",
                "occupation_other": "PEKERJAAN-RAHASIA",
            },
            paper_reference="KERTAS-RAHASIA-9",
            entered_by=staff["loket"],
        )
        respond(
            3,
            service=finished.service,
            application=None,
            suggestion="=cmd|' /C calc'!A0 SARAN-RAHASIA-0452",
        )
        secrets = [
            "SARAN-RAHASIA",
            "PEKERJAAN-RAHASIA",
            "KERTAS-RAHASIA",
            staff["loket"].username,
            finished.tracking_code,
        ]
        urls = [
            "/ikm/",
            f"/ikm/?kecamatan={UTARA}",
            "/en/ikm/",
            f"/ikm/{quarter.slug}.csv",
            f"/ikm/{quarter.slug}.csv?kecamatan={UTARA}",
            "/api/ikm/",
            f"/api/ikm/{quarter.slug}/",
            f"/api/ikm/{quarter.slug}/?kecamatan={UTARA}",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            for secret in secrets:
                assert secret not in text, (url, secret)


class TestCsv:
    def test_one_row_per_slice(self, client, quarter, finished):
        respond(4, service=finished.service)
        respond(3, kecamatan=SELATAN)
        response = client.get(f"/ikm/{quarter.slug}.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="ikm-{quarter.slug}.csv"' in response["Content-Disposition"]
        rows = csv_rows(response)
        assert list(rows[0])[:12] == [
            "period",
            "period_start",
            "period_end",
            "level",
            "kecamatan_code",
            "kecamatan",
            "service_code",
            "service",
            "respondents",
            "population",
            "min_sample",
            "adequate",
        ]
        assert "U8 sarana" in rows[0] and "U9 pengaduan" in rows[0]
        assert [(r["level"], r["kecamatan_code"]) for r in rows] == [
            ("kabupaten_kota", ""),
            ("kecamatan", "64.74.03"),  # Bontang Barat, by name
            ("kecamatan", SELATAN),
            ("kecamatan", UTARA),
            ("layanan", ""),
        ]
        area = rows[0]
        assert area["respondents"] == "2" and area["population"] == "1"
        assert area["U1 persyaratan"] == "3.500" and area["ikm"] == "3.5000"
        assert area["ikm_konversi"] == "87.50" and area["mutu"] == "B" and area["kinerja"] == "Baik"
        assert rows[1]["respondents"] == "0" and rows[1]["ikm"] == "" and rows[1]["mutu"] == ""
        service_row = rows[4]
        assert service_row["service"] == "Surat Keterangan Domisili"
        assert service_row["service_code"] == finished.service.code
        assert service_row["ikm_konversi"] == "100.00" and service_row["adequate"] == "true"

    def test_kecamatan_csv(self, client, quarter, finished):
        respond(4, service=finished.service)
        respond(3, kecamatan=SELATAN)
        rows = csv_rows(client.get(f"/ikm/{quarter.slug}.csv?kecamatan={UTARA}"))
        assert [(r["level"], r["kecamatan_code"]) for r in rows] == [
            ("kecamatan", UTARA),
            ("layanan", UTARA),
        ]
        assert rows[0]["ikm_konversi"] == "100.00"

    def test_template_columns_only_when_switched_on(self, client, quarter, bontang):
        respond(4)
        respond(3)
        assert (
            "ikm_konversi_template_0111" not in csv_rows(client.get(f"/ikm/{quarter.slug}.csv"))[0]
        )
        set_survey_settings(report_template_0111=True)
        area = csv_rows(client.get(f"/ikm/{quarter.slug}.csv"))[0]
        assert area["ikm_konversi"] == "87.50" and area["ikm_konversi_template_0111"] == "87.41"

    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_formula_injection_escaped(self, client, quarter, finished, start):
        Region.objects.filter(code=UTARA).update(name=f'{start}HYPERLINK("http://x.test")')
        ServicePage.objects.filter(pk=finished.service.pk).update(title=f"{start}SUM(1+1)")
        respond(4, service=finished.service)
        rows = csv_rows(client.get(f"/ikm/{quarter.slug}.csv"))
        utara = next(r for r in rows if r["level"] == "kecamatan" and r["kecamatan_code"] == UTARA)
        assert utara["kecamatan"] == f'\'{start}HYPERLINK("http://x.test")'
        service_row = next(r for r in rows if r["level"] == "layanan")
        assert service_row["service"] == f"'{start}SUM(1+1)"


class TestCache:
    def test_new_response_shows_at_once(self, client, quarter, bontang):
        respond(4)
        first = client.get("/ikm/")
        assert first["X-IKM-Cache"] == "miss"
        again = client.get("/ikm/")
        assert again["X-IKM-Cache"] == "hit" and again.content == first.content
        respond(1)
        fresh = client.get("/ikm/")
        assert fresh["X-IKM-Cache"] == "miss"
        assert '<span class="ikm-score__number">62,50</span>' in fresh.content.decode()

    def test_follow_up_plan_and_settings_change_the_page(self, client, quarter, bontang):
        respond(4)
        client.get("/ikm/")
        plan = FollowUpPlan.objects.create(period=quarter, unsur="waktu", action="Antrean daring")
        assert "Antrean daring" in page(client)
        plan.is_public = False
        plan.save()
        assert "Antrean daring" not in page(client)
        set_survey_settings(report_template_0111=True)
        assert "Varian templat" in page(client)

    def test_languages_and_kecamatan_cached_apart(self, client, quarter, bontang):
        respond(4)
        assert "Sangat baik" in page(client)
        assert "Very good" in page(client, "/en/ikm/")
        assert "Indeks kepuasan Bontang Utara" in page(client, f"/ikm/?kecamatan={UTARA}")
        assert "Indeks kepuasan Kota Bontang" in page(client, "/ikm/")

    def test_other_parameters_bypass_the_cache(self, client, quarter, bontang):
        response = client.get("/ikm/?utm_source=x")
        assert response.status_code == 200 and "X-IKM-Cache" not in response

    def test_setting_turns_the_cache_off(self, client, quarter, bontang, settings):
        settings.REPORTING_IKM_CACHE_SECONDS = 0
        client.get("/ikm/")
        assert "X-IKM-Cache" not in client.get("/ikm/")

    def test_a_hit_costs_one_query(self, client, quarter, bontang, django_assert_num_queries):
        respond(4)
        client.get("/ikm/")
        with django_assert_num_queries(1):  # the generation
            assert client.get("/ikm/")["X-IKM-Cache"] == "hit"


class TestQueries:
    def _render_queries(self, client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_queries_do_not_grow_with_kecamatan_or_services(
        self, client, quarter, service, bontang, settings, django_assert_max_num_queries
    ):
        settings.REPORTING_IKM_CACHE_SECONDS = 0
        respond(4, service=service)
        with django_assert_max_num_queries(PAGE_MAX_QUERIES):
            client.get("/ikm/")
        few = self._render_queries(client, "/ikm/")
        few_kecamatan = self._render_queries(client, f"/ikm/?kecamatan={UTARA}")

        for index in range(4, 9):
            Region.objects.create(code=f"64.74.0{index}", name=f"Kecamatan Uji {index}")
        for index in range(5):
            other = make_service(title=f"Layanan Uji {index}", code=f"uji{index}")
            respond(3, kecamatan=f"64.74.0{index + 4}", service=other)
            respond(2, kecamatan=UTARA, service=other)
        html = page(client)
        # The new services have answers but no finished application in the period: they
        # are aggregated like the others, and withheld (no population to size against).
        assert "Kecamatan Uji 8" in html
        assert insufficient(html).count("data-insufficient") == 6
        assert self._render_queries(client, "/ikm/") == few
        assert self._render_queries(client, f"/ikm/?kecamatan={UTARA}") == few_kecamatan
        with django_assert_max_num_queries(PAGE_MAX_QUERIES):
            client.get(f"/ikm/?kecamatan={UTARA}")


def test_navigation_links_to_the_results(client, quarter, bontang):
    html = page(client)
    assert '<a href="/ikm/" aria-current="page">Hasil survei kepuasan</a>' in html
