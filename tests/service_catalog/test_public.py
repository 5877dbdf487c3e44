import re
from datetime import date

from django.core.cache import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service_catalog.constants import FeeKind, ServiceField
from service_catalog.models import KecamatanOverride

from .factories import (
    DelegatedAuthorityFactory,
    LegalInstrumentFactory,
    MaklumatFactory,
    ServiceCategoryFactory,
    make_service,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def catalog(kecamatan):
    """Three services: a free one everywhere, a paid licence in one kecamatan, one more."""
    adminduk = ServiceCategoryFactory(name="Administrasi kependudukan", slug="adminduk")
    izin = ServiceCategoryFactory(name="Perizinan", slug="perizinan")
    domisili = make_service(
        title="Surat Keterangan Domisili",
        code="domisili",
        category=adminduk,
        summary="Keterangan tempat tinggal untuk warga.",
    )
    jalan = make_service(
        title="Izin Penggunaan Jalan",
        code="izin-jalan",
        category=izin,
        delegated_authority=DelegatedAuthorityFactory(
            field=ServiceField.PERIZINAN, kecamatan_list=[kecamatan["64.74.02"]]
        ),
        fee_kind=FeeKind.FORMULA,
        summary="Penutupan jalan untuk hajatan.",
    )
    waris = make_service(
        title="Surat Keterangan Ahli Waris",
        code="ahli-waris",
        category=adminduk,
        duration_value=90,
        duration_unit="minutes",
        summary="Keterangan ahli waris.",
    )
    return {"domisili": domisili, "jalan": jalan, "waris": waris}


def titles(html: str) -> list[str]:
    return re.findall(r'class="service-card__title"><a href="[^"]*">([^<]+)</a>', html)


class TestCatalogIndex:
    def test_lists_every_live_service(self, client, catalog):
        response = client.get("/layanan/")
        assert response.status_code == 200
        html = response.content.decode()
        assert sorted(titles(html)) == [
            "Izin Penggunaan Jalan",
            "Surat Keterangan Ahli Waris",
            "Surat Keterangan Domisili",
        ]
        assert "Gratis" in html
        assert "90 menit" in html

    def test_search(self, client, catalog):
        html = client.get("/layanan/", {"q": "domisili"}).content.decode()
        assert titles(html) == ["Surat Keterangan Domisili"]

    def test_filter_by_category_field_and_fee(self, client, catalog):
        assert titles(client.get("/layanan/?kategori=perizinan").content.decode()) == [
            "Izin Penggunaan Jalan"
        ]
        assert titles(client.get("/layanan/?bidang=perizinan").content.decode()) == [
            "Izin Penggunaan Jalan"
        ]
        assert titles(client.get("/layanan/?biaya=berbayar").content.decode()) == [
            "Izin Penggunaan Jalan"
        ]
        assert "Izin Penggunaan Jalan" not in titles(
            client.get("/layanan/?biaya=gratis").content.decode()
        )

    def test_filter_by_kecamatan(self, client, catalog):
        north = titles(client.get("/layanan/?kecamatan=64.74.01").content.decode())
        south = titles(client.get("/layanan/?kecamatan=64.74.02").content.decode())
        assert "Izin Penggunaan Jalan" not in north
        assert "Izin Penggunaan Jalan" in south

    def test_unknown_filters_are_ignored(self, client, catalog):
        response = client.get("/layanan/?kecamatan=99.99&kategori=nope&bidang=x&biaya=y&foo=1")
        assert response.status_code == 200
        assert len(titles(response.content.decode())) == 3

    def test_pagination_clamps(self, client, kecamatan):
        category = ServiceCategoryFactory()
        for _ in range(22):
            make_service(category=category)
        first = client.get("/layanan/").content.decode()
        assert len(titles(first)) == 20
        assert "halaman=2" in first
        assert len(titles(client.get("/layanan/?halaman=2").content.decode())) == 2
        for bad in ("999", "-1", "abc", "0", "1e9"):
            assert client.get("/layanan/", {"halaman": bad}).status_code == 200

    @pytest.mark.parametrize(
        "q", ['"', "*", "NEAR(", "-", "AND OR NOT", "'; DROP", "a\x00b", "ä" * 300, "%_"]
    )
    def test_search_syntax_never_fails(self, client, catalog, q):
        assert client.get("/layanan/", {"q": q}).status_code == 200
        # The API refuses a NUL or an over-long text with 400 and says why; never a 500.
        assert client.get("/api/layanan/", {"q": q}).status_code in (200, 400)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        params=st.dictionaries(
            st.sampled_from(["q", "kecamatan", "kategori", "bidang", "biaya", "halaman", "x"]),
            st.text(max_size=30),
            max_size=5,
        )
    )
    def test_random_query_strings_never_fail(self, client, catalog, params):
        response = client.get("/layanan/", params)
        assert response.status_code == 200
        response = client.get("/layanan/surat-keterangan-domisili/", params)
        assert response.status_code == 200


class TestDelegation:
    def test_revoked_delegation_hides_service(self, client, kecamatan):
        delegation = DelegatedAuthorityFactory()
        make_service(title="Rekomendasi Keramaian", delegated_authority=delegation)
        assert "Rekomendasi Keramaian" in titles(
            client.get("/layanan/?kecamatan=64.74.01").content.decode()
        )
        delegation.revoked = True
        delegation.save()
        assert "Rekomendasi Keramaian" not in titles(
            client.get("/layanan/?kecamatan=64.74.01").content.decode()
        )

    def test_expired_delegation_hides_service(self, client, kecamatan):
        make_service(
            title="Izin Gangguan (HO)",
            delegated_authority=DelegatedAuthorityFactory(effective_until=date(2017, 12, 31)),
        )
        assert "Izin Gangguan (HO)" not in titles(
            client.get("/layanan/?kecamatan=64.74.01").content.decode()
        )

    def test_revoked_instrument_hides_service(self, client, kecamatan):
        instrument = LegalInstrumentFactory()
        make_service(
            title="IMB kecil",
            delegated_authority=DelegatedAuthorityFactory(instrument=instrument),
        )
        instrument.status = "dicabut"
        instrument.save()
        assert "IMB kecil" not in titles(
            client.get("/layanan/?kecamatan=64.74.03").content.decode()
        )


class TestServicePage:
    URL = "/layanan/surat-keterangan-domisili/"

    def test_citizen_sections(self, client, catalog):
        response = client.get(self.URL)
        assert response.status_code == 200
        html = response.content.decode()
        for heading in (
            "Yang perlu dibawa",
            "Langkah-langkah",
            "Berapa lama",
            "Biaya",
            "Yang Anda terima",
            "Jika ada keluhan",
            "Tersedia di kecamatan",
            "Dasar hukum",
            "Standar pelayanan ini terakhir diperbarui pada",
            "Standar pelayanan lengkap (untuk petugas dan pengawas)",
        ):
            assert heading in html, heading
        assert "Surat pengantar desa/kelurahan" in html
        assert "Langkah 3" in html
        assert "dihitung sejak berkas Anda lengkap" in html
        assert "Bontang Utara" in html and "Bontang Barat" in html
        assert "<details" in html

    def test_headings_in_order(self, client, catalog):
        html = client.get(self.URL).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1 or 1 in levels
        start = levels.index(1)
        for before, after in itertools_pairwise(levels[start:]):
            assert after <= before + 1

    def test_is_light(self, client, catalog):
        html = client.get(self.URL).content
        assert len(html) < 60_000

    def test_per_kecamatan_override(self, client, kecamatan, catalog):
        make_service(
            title="Legalisasi SKTM",
            code="sktm",
            overrides=[
                KecamatanOverride(
                    kecamatan=kecamatan["64.74.03"],
                    duration_value=2,
                    duration_unit="working_days",
                    extra_requirements="Surat pernyataan tidak mampu\nFoto rumah",
                    note="Camat hadir setiap Selasa.",
                )
            ],
        )
        general = client.get("/layanan/legalisasi-sktm/").content.decode()
        assert "1 hari kerja" in general
        assert "Foto rumah" not in general
        local = client.get("/layanan/legalisasi-sktm/?kecamatan=64.74.03").content.decode()
        assert "2 hari kerja" in local
        assert "Foto rumah" in local
        assert "Camat hadir setiap Selasa." in local
        assert "di Kecamatan Bontang Barat" in local

    def test_not_offered_kecamatan_gives_a_message(self, client, catalog):
        response = client.get("/layanan/izin-penggunaan-jalan/?kecamatan=64.74.01")
        assert response.status_code == 200
        assert "tidak tersedia di Kecamatan Bontang Utara" in response.content.decode()

    def test_unknown_kecamatan(self, client, catalog):
        response = client.get(self.URL + "?kecamatan=xx")
        assert response.status_code == 200

    def test_withdrawn_by_override(self, client, kecamatan):
        make_service(
            title="Surat Keterangan Usaha",
            overrides=[KecamatanOverride(kecamatan=kecamatan["64.74.01"], offered=False)],
        )
        assert "Surat Keterangan Usaha" not in titles(
            client.get("/layanan/?kecamatan=64.74.01").content.decode()
        )
        assert "Surat Keterangan Usaha" in titles(
            client.get("/layanan/?kecamatan=64.74.02").content.decode()
        )

    def test_english(self, client, catalog):
        html = client.get("/en/layanan/surat-keterangan-domisili/").content.decode()
        assert "What to bring" in html


class TestMaklumat:
    def test_latest_maklumat(self, client, kecamatan):
        MaklumatFactory(
            kecamatan=kecamatan["64.74.01"], camat_name="Lama", signed_on=date(2020, 1, 1)
        )
        MaklumatFactory(kecamatan=kecamatan["64.74.01"], camat_name="Baru")
        response = client.get("/maklumat/64.74.01/")
        assert response.status_code == 200
        assert "Baru" in response.content.decode()
        assert "Lama" not in response.content.decode()

    def test_index_links_only_published_maklumat(self, client, catalog, kecamatan):
        MaklumatFactory(kecamatan=kecamatan["64.74.01"])
        html = client.get("/layanan/").content.decode()
        assert 'href="/maklumat/64.74.01/"' in html
        assert 'href="/maklumat/64.74.02/"' not in html

    def test_404_without_maklumat(self, client, kecamatan):
        assert client.get("/maklumat/64.74.02/").status_code == 404
        assert client.get("/maklumat/xyz/").status_code == 404


class TestCsv:
    def test_one_row_per_service_and_kecamatan(self, client, catalog):
        response = client.get("/data/katalog-layanan.csv")
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        rows = [line for line in text.splitlines() if line]
        assert rows[0].startswith("Kode layanan,Nama layanan,Kategori")
        # domisili and ahli-waris in 3 kecamatan, izin-jalan in one.
        assert len(rows) == 1 + 3 + 3 + 1

    def test_formula_injection_escaped(self, client, kecamatan):
        make_service(title='=HYPERLINK("http://evil")', code="evil")
        text = client.get("/data/katalog-layanan.csv").content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text
        assert '\n"=HYPERLINK' not in text and ",=HYPERLINK" not in text


class TestCache:
    def test_second_request_is_a_hit(self, client, catalog):
        assert client.get("/layanan/")["X-Catalog-Cache"] == "miss"
        assert client.get("/layanan/")["X-Catalog-Cache"] == "hit"

    def test_publish_shows_new_standard_at_once(self, client, catalog):
        from service_catalog.services import service_publish

        url = "/layanan/surat-keterangan-domisili/"
        assert "Keterangan tempat tinggal untuk warga." in client.get(url).content.decode()
        assert client.get(url)["X-Catalog-Cache"] == "hit"
        service = catalog["domisili"]
        service.summary = "Standar baru mulai hari ini."
        service_publish(service=service)
        html = client.get(url).content.decode()
        assert "Standar baru mulai hari ini." in html
        assert "Standar baru mulai hari ini." in client.get("/layanan/").content.decode()

    def test_unpublish_removes_from_catalog(self, client, catalog):
        assert "Surat Keterangan Ahli Waris" in titles(client.get("/layanan/").content.decode())
        catalog["waris"].unpublish()
        assert "Surat Keterangan Ahli Waris" not in titles(client.get("/layanan/").content.decode())

    def test_snippet_change_invalidates(self, client, catalog):
        category = catalog["domisili"].category
        client.get("/layanan/")
        category.name = "Kependudukan dan capil"
        category.save()
        assert "Kependudukan dan capil" in client.get("/layanan/").content.decode()

    def test_csrf_token_is_per_visitor(self, client, catalog):
        """A cached page never hands one visitor's CSRF token (or the placeholder) to another."""
        from django.test import Client

        client.get("/layanan/")
        other = Client(enforce_csrf_checks=True)
        response = other.get("/layanan/")
        assert response["X-Catalog-Cache"] == "hit"
        html = response.content.decode()
        assert "__service_catalog_csrf__" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if token is None:
            return  # the base template has no POST form at the moment
        posted = other.post(
            "/i18n/setlang/",
            {"language": "en", "next": "/layanan/", "csrfmiddlewaretoken": token.group(1)},
        )
        assert posted.status_code == 302

    def test_cached_csrf_placeholder_is_filled_per_request(self, rf):
        from django.contrib.auth.models import AnonymousUser

        from service_catalog import views

        request = rf.get("/layanan/")
        request.user = AnonymousUser()
        key = views._page_cache_key(request, "layanan/")
        cache.set(
            key,
            ("text/html", f'<input name="csrfmiddlewaretoken" value="{views.CSRF_PLACEHOLDER}">'),
        )
        body = views.cached_page(request).content.decode()
        assert views.CSRF_PLACEHOLDER not in body
        assert re.search(r'value="[A-Za-z0-9]{64}"', body)


def itertools_pairwise(items):
    return zip(items, items[1:], strict=False)


class TestLanguages:
    def test_language_switch_keeps_the_catalog(self, client, catalog):
        from django.urls import translate_url
        from django.utils import translation

        with translation.override("id"):
            assert translate_url("/layanan/", "en") == "/en/layanan/"
        html = client.get("/en/layanan/").content.decode()
        assert "Show services" in html
        assert "Tampilkan layanan" in client.get("/layanan/").content.decode()


class TestWeight:
    def test_service_page_with_its_styles_under_200_kb(self, client, catalog):
        from django.contrib.staticfiles import finders

        html = client.get("/layanan/surat-keterangan-domisili/").content
        total = len(html)
        for path in re.findall(r'href="/static/([^"]+)"', html.decode()):
            with open(finders.find(path), "rb") as f:
                total += len(f.read())
        assert total < 200_000
        assert not re.search(r'(src|href)="(https?:)?//', html.decode())


class TestLegalBasisLinks:
    def test_instrument_pdf_is_linked(self, client, kecamatan):
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        document = get_document_model().objects.create(
            title="Perwal 421/2016", file=ContentFile(b"%PDF-1.4 test", name="perwal.pdf")
        )
        make_service(
            title="Surat Keterangan Usaha",
            legal_basis=LegalInstrumentFactory(document=document),
        )
        html = client.get("/layanan/surat-keterangan-usaha/").content.decode()
        assert f'href="{document.url}"' in html


@pytest.mark.django_db
class TestServiceWithoutOnlineForm:
    """20 of the demo's 27 services are applied for at the counter only."""

    def test_says_how_to_apply_at_the_counter_and_what_to_bring(self, client):
        from tests.bontang import bontang_regions
        from tests.service_catalog.factories import make_service

        bontang_regions()
        service = make_service(title="Pengantar SKCK", code="skck", documents=2)
        html = client.get(service.url + "?kecamatan=64.74.01").content.decode()
        howto = html[html.index('id="s-counter"') :]
        assert "Cara mengajukan" in html
        assert "loket PATEN kantor kecamatan" in howto
        assert "Surat pengantar desa/kelurahan: bawa aslinya" in howto
        assert "Fotokopi KTP: 2 lembar fotokopi" in howto
        assert "Kantor Kecamatan Bontang Utara" in howto
        assert 'href="/lacak/"' in howto
        assert "/ajukan/skck/" not in html
