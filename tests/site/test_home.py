"""The public home page and the navigation every public page shares."""

from html.parser import HTMLParser

from django.core.cache import cache

import pytest

from forms_builder.models import Application
from tests.bontang import bontang_regions
from tests.forms_builder.factories import form_version_for, submit
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.descriptions: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")
        if tag == "a":
            self.links.append(attrs.get("href") or "")


def _parse(html: str) -> _Meta:
    parser = _Meta()
    parser.feed(html)
    return parser


@pytest.fixture
def catalog(site_settings):
    cache.clear()
    utara, *_ = bontang_regions()
    ktp = make_service(title="Pengantar KTP-el", code="ktp")
    domisili = make_service(title="Surat keterangan domisili", code="skd")
    heir = make_service(title="Surat keterangan ahli waris", code="ahliwaris")
    return {"utara": utara, "ktp": ktp, "domisili": domisili, "heir": heir}


class TestHomePage:
    def test_has_a_search_box_that_asks_the_catalog(self, client, catalog):
        html = client.get("/").content.decode()
        assert '<form class="home-search" method="get" action="/layanan/" role="search">' in html
        assert '<label for="home-q">Cari layanan</label>' in html
        assert 'name="q"' in html

    def test_has_a_tracker_form(self, client, catalog):
        html = client.get("/").content.decode()
        assert '<form method="post" action="/lacak/" class="home-track__form">' in html
        assert "csrfmiddlewaretoken" not in html  # the lookup needs none; the page stays cacheable
        assert '<h2 id="home-track-title">Lacak permohonan</h2>' in html
        assert 'name="kode"' in html

    def test_popular_services_are_the_most_applied_for(self, client, catalog):
        form_version_for(catalog["heir"])
        for _ in range(2):
            submit(catalog["heir"], catalog["utara"])
        assert Application.objects.count() == 2
        html = client.get("/").content.decode()
        popular = html[html.index('id="home-popular-title"') :]
        assert popular.index("Surat keterangan ahli waris") < popular.index("Pengantar KTP-el")

    def test_superseded_services_are_not_suggested(self, client, catalog):
        make_service(title="IMB kecil", code="imb", effective_until="2021-02-01")
        html = client.get("/").content.decode()
        assert "IMB kecil" not in html[html.index('id="home-popular-title"') :]

    def test_links_to_ikm_and_public_information(self, client, catalog):
        links = _parse(client.get("/").content.decode()).links
        assert "/ikm/" in links
        assert "/evaluasi/" in links
        assert "/api/layanan/" in links

    def test_leaves_a_place_for_serta_merta_notices_above_the_services(self, client, catalog):
        from django.template.loader import get_template

        source = get_template("paten_site/home_page.html").template.source
        assert "{% block serta_merta %}" in source
        assert source.index("block serta_merta") < source.index("home-popular-title")


PUBLIC_PAGES = ["/", "/layanan/", "/layanan/pengantar-ktp-el/", "/lacak/", "/ikm/", "/evaluasi/"]


class TestEveryPublicPage:
    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    def test_links_the_tracker_in_header_and_footer(self, client, catalog, path):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        header = html[: html.index("<main")]
        footer = html[html.index("<footer") :]
        assert 'href="/lacak/"' in header
        assert 'href="/lacak/"' in footer

    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    def test_has_one_meta_description(self, client, catalog, path):
        descriptions = _parse(client.get(path).content.decode()).descriptions
        assert len(descriptions) == 1
        assert len(descriptions[0]) > 40

    def test_tracker_link_is_marked_current_on_the_tracker(self, client, catalog):
        html = client.get("/lacak/").content.decode()
        assert '<a href="/lacak/" aria-current="page">Lacak permohonan</a>' in html
