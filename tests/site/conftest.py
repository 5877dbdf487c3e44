from wagtail.models import Site

import pytest

from paten.site.models import HomePage, SiteSettings

from .data import PEMDA_NAME


@pytest.fixture
def home_page(db) -> HomePage:
    """The HomePage that paten_site.0002_create_homepage puts at the site root."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def site_settings(home_page) -> SiteSettings:
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.pemda_name = PEMDA_NAME
    settings.short_name = "Pemkot Bontang"
    settings.address = "Jl. Moh. Roem No. 1\nBontang"
    settings.phone = "(0548) 123 456"
    settings.email = "paten@bontangkota.go.id"
    settings.footer_text = "Layanan PATEN di 3 kecamatan."
    settings.save()
    return settings


@pytest.fixture
def page_html(client):
    """The text of the page at a URL, once its status is the expected one."""

    def get(url: str, status: int = 200, **extra) -> str:
        response = client.get(url, **extra)
        assert response.status_code == status, url
        return response.content.decode()

    return get
