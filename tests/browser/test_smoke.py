"""Smoke tests in a real browser (Debian Chromium through Playwright)."""

import re
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from wagtail.models import Site

import pytest
from playwright.sync_api import Page, expect

from paten.demo import DEMO_PASSWORD
from paten.site.models import SiteSettings, StandardPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "kata-sandi-uji-coba-123"
# A full-page phone screenshot to look at after a layout change (/tmp/home.png here).
SCREENSHOT = Path(tempfile.gettempdir()) / "home.png"


def test_home_page_is_indonesian_on_a_phone(page: Page, live_server):
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "pemda_name": "Pemerintah Kota Bontang",
            "address": "Jl. Moh. Roem No. 1, Bontang Lestari, Bontang Selatan",
            "phone": "(0548) 123 456",
            "email": "paten@bontangkota.go.id",
            "footer_text": "Layanan PATEN tersedia di kantor kecamatan pada hari kerja.",
        },
    )
    home = site.root_page.specific
    home.add_child(instance=StandardPage(title="Tentang PATEN", show_in_menus=True))
    home.add_child(instance=StandardPage(title="Kontak", show_in_menus=True))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.screenshot(path=SCREENSHOT, full_page=True)

    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pelayanan Administrasi Terpadu Kecamatan"
    )
    expect(page.get_by_role("link", name="Pemerintah Kota Bontang")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Kontak")).to_be_visible()
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The skip link is the first thing the keyboard reaches, and it is visible then.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi utama")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


def test_language_switch_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    context.close()


def test_demo_admin_signs_in_and_sees_indonesian_dashboard(page: Page, live_server):
    """The demo "Admin Pemda" (a role, not a superuser) from load_demo_data."""
    call_command("load_demo_data", stdout=StringIO())
    page.goto(live_server.url + "/admin/")

    expect(page).to_have_url(re.compile(r"/admin/login/"))
    # Wagtail's login form leaves the password label untranslated: find fields by id.
    page.locator("#id_username").fill("adminpemda")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Ringkasan situs")).to_be_visible()
    expect(page.get_by_role("link", name="Dasbor")).to_be_attached()
    expect(
        page.get_by_role("link", name="Pengaturan").or_(
            page.get_by_role("button", name="Pengaturan")
        )
    ).to_be_visible()
