from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Site

import pytest

from paten.site.models import HomePage, StandardPage

from .data import PEMDA_NAME

pytestmark = pytest.mark.django_db


class _ResourceCollector(HTMLParser):
    """Every URL a browser would fetch by itself (stylesheets, scripts, images, ...)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"link", "script", "img", "iframe", "source", "video", "audio"}:
            for name in ("href", "src", "srcset"):
                if attrs.get(name):
                    self.urls.append(attrs[name])


def _resources(html: str) -> list[str]:
    collector = _ResourceCollector()
    collector.feed(html)
    return collector.urls


class TestHomePage:
    def test_created_by_migration_as_site_root(self, home_page):
        assert isinstance(home_page, HomePage)
        assert home_page.title == "Beranda"
        assert home_page.depth == 2
        assert home_page.live

    @pytest.mark.parametrize(
        "url, lang, tagline, skip_link",
        [
            ("/", "id", "Pelayanan Administrasi Terpadu Kecamatan", "Langsung ke isi utama"),
            ("/en/", "en", "Integrated kecamatan administrative services", "Skip to main content"),
        ],
        ids=["indonesian-by-default", "english-under-en-prefix"],
    )
    def test_renders_in_the_language_of_its_prefix(
        self, page_html, site_settings, url, lang, tagline, skip_link
    ):
        html = page_html(url)
        assert f'<html lang="{lang}"' in html
        assert tagline in html
        assert skip_link in html

    def test_shows_site_settings(self, client, site_settings):
        html = client.get("/").content.decode()
        assert PEMDA_NAME in html
        assert "Jl. Moh. Roem No. 1<br>Bontang" in html
        assert 'href="tel:0548123456"' in html
        assert 'href="mailto:paten@bontangkota.go.id"' in html
        assert "Layanan PATEN di 3 kecamatan." in html

    def test_renders_without_site_settings(self, page_html, home_page):
        assert "PATEN" in page_html("/")

    def test_loads_nothing_from_other_hosts(self, client, site_settings):
        urls = _resources(client.get("/").content.decode())
        assert urls, "expected at least the stylesheet"
        for url in urls:
            assert not url.startswith(("http:", "https:", "//")), url

    def test_is_light(self, client, site_settings):
        html = client.get("/").content
        assert len(html) < 20_000
        css = finders.find("paten/css/site.css")
        with open(css, "rb") as f:
            assert len(f.read()) < 20_000

    def test_needs_few_queries(self, client, site_settings, django_assert_max_num_queries):
        client.get("/")
        with django_assert_max_num_queries(10):
            assert client.get("/").status_code == 200

    def test_language_switch_is_a_plain_link_and_sets_no_cookie(self, client, site_settings):
        response = client.get("/")
        html = response.content.decode()
        assert 'href="/en/" hreflang="en"' in html
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies

    @pytest.mark.parametrize(
        "here, there, lang",
        [("/en/tentang/", "/tentang/", "id"), ("/tentang/", "/en/tentang/", "en")],
        ids=["back-to-indonesian", "to-english"],
    )
    def test_language_switch_keeps_the_page(
        self, page_html, home_page, site_settings, here, there, lang
    ):
        home_page.add_child(instance=StandardPage(title="Tentang", show_in_menus=True))
        assert f'href="{there}" hreflang="{lang}"' in page_html(here)
        assert f'<html lang="{lang}"' in page_html(there)


class TestMainMenu:
    def test_lists_children_shown_in_menus(self, client, home_page, site_settings):
        home_page.add_child(instance=StandardPage(title="Tentang PATEN", show_in_menus=True))
        home_page.add_child(instance=StandardPage(title="Halaman tersembunyi"))
        html = client.get("/").content.decode()
        assert 'href="/tentang-paten/"' in html
        assert "Halaman tersembunyi" not in html
        assert 'href="/" aria-current="page"' in html

    def test_marks_current_page(self, page_html, home_page, site_settings):
        home_page.add_child(
            instance=StandardPage(title="Tentang PATEN", show_in_menus=True, intro="Apa itu PATEN")
        )
        html = page_html("/tentang-paten/")
        assert '<h1 id="page-title">Tentang PATEN</h1>' in html
        assert 'href="/tentang-paten/" aria-current="page"' in html


class TestErrorPages:
    def test_404_is_indonesian(self, page_html, home_page):
        html = page_html("/tidak-ada-halaman-ini/", status=404)
        assert '<html lang="id"' in html
        assert "Halaman tidak ditemukan" in html

    def test_404_in_english_under_prefix(self, page_html, home_page):
        assert "Page not found" in page_html("/en/no-such-page/", status=404)

    def test_500_needs_no_database(self, django_assert_num_queries):
        with translation.override("id"), django_assert_num_queries(0):
            html = render_to_string("500.html")
        assert "Terjadi kesalahan" in html
        assert "<link" not in html


class TestSitemapAndRobots:
    def test_sitemap_lists_home_page(self, client, home_page):
        site = Site.objects.get(is_default_site=True)
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        assert f"<loc>{site.root_url}/</loc>" in response.content.decode()

    def test_sitemap_lists_live_child_pages_only(self, client, home_page):
        home_page.add_child(instance=StandardPage(title="Kontak"))
        draft = home_page.add_child(instance=StandardPage(title="Draf", live=False))
        content = client.get("/sitemap.xml").content.decode()
        assert "/kontak/</loc>" in content
        assert draft.slug not in content

    def test_robots_txt(self, client):
        response = client.get("/robots.txt")
        body = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert "Disallow: /admin/" in body
        assert "Sitemap: http://testserver/sitemap.xml" in body
