"""Service hours come from one place, so the service page and the footer agree."""

from django.core.cache import cache
from django.test import override_settings

import pytest

from paten.site.models import KecamatanOffice
from paten.site.selectors import service_hours, time_zone_label
from tests.bontang import bontang_regions
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db

HOURS = "Senin–Kamis 07.30–16.00\nJumat 07.30–16.30"


@pytest.fixture
def hours(site_settings):
    cache.clear()
    site_settings.service_hours = HOURS
    site_settings.save()
    return site_settings


@pytest.fixture
def regions():
    return {region.code: region for region in bontang_regions()}


@override_settings(TIME_ZONE="Asia/Makassar")
def test_zone_label_follows_the_installation():
    assert time_zone_label() == "WITA"


@override_settings(TIME_ZONE="Asia/Makassar")
def test_service_page_and_footer_show_the_same_hours(client, hours, regions):
    make_service(title="Surat keterangan domisili", code="skd")
    html = client.get("/layanan/surat-keterangan-domisili/").content.decode()
    main, footer = html[: html.index("<footer")], html[html.index("<footer") :]
    for text in ("Senin–Kamis 07.30–16.00 WITA", "Jumat 07.30–16.30 WITA"):
        assert text in main
        assert text in footer
    assert "WIB" not in html


@override_settings(TIME_ZONE="Asia/Makassar")
def test_a_kecamatan_office_with_other_hours_shows_them_on_its_pages(client, hours, regions):
    KecamatanOffice.objects.create(
        kecamatan=regions["64.74.03"], service_hours="Senin–Kamis 07.30–16.00\nJumat 07.30–11.30"
    )
    make_service(title="Surat keterangan domisili", code="skd")
    html = client.get("/layanan/surat-keterangan-domisili/?kecamatan=64.74.03").content.decode()
    main = html[: html.index("<footer")]
    assert "Waktu pelayanan Kantor Kecamatan Bontang Barat" in main
    assert "Jumat 07.30–11.30 WITA" in main
    assert "Jumat 07.30–16.30" not in main
    # The footer names the exception instead of contradicting it.
    footer = html[html.index("<footer") :]
    assert "Kecamatan Bontang Barat:" in footer and "Jumat 07.30–11.30" in footer


def test_office_without_own_hours_uses_the_site_hours(hours, regions):
    KecamatanOffice.objects.create(kecamatan=regions["64.74.01"], camat_name="Drs. A")
    result = service_hours(site_settings=hours, kecamatan_code="64.74.01")
    assert result.lines == ["Senin–Kamis 07.30–16.00", "Jumat 07.30–16.30"]
    assert result.kecamatan_name == "Bontang Utara"


def test_changing_the_hours_refreshes_cached_catalog_pages(client, hours, regions):
    make_service(title="Surat keterangan domisili", code="skd")
    url = "/layanan/surat-keterangan-domisili/"
    client.get(url)
    assert client.get(url)["X-Catalog-Cache"] == "hit"
    hours.service_hours = "Senin–Jumat 08.00–15.00"
    hours.save()
    assert "Senin–Jumat 08.00–15.00" in client.get(url).content.decode()
    KecamatanOffice.objects.create(kecamatan=regions["64.74.02"], service_hours="Sabtu 08.00–12.00")
    assert "Sabtu 08.00–12.00" in client.get(url).content.decode()


def test_the_api_gives_the_office_hours(client, hours, regions):
    make_service(title="Surat keterangan domisili", code="skd")
    payload = client.get("/api/layanan/skd/?kecamatan=64.74.01").json()
    assert payload["service_hours"].startswith("Senin–Kamis 07.30–16.00 ")
