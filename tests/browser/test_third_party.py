"""Pages request nothing from another host, and the policy really blocks inline code."""

import re
from io import StringIO
from urllib.parse import urlparse

from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from paten.demo import DEMO_PASSWORD
from service_catalog.models import ServicePage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_service_and_admin_pages_request_only_this_server(browser, live_server):
    call_command("load_demo_data", stdout=StringIO())
    service = ServicePage.objects.live().filter(code="skd").get()
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    page.goto(live_server.url + "/", wait_until="networkidle")
    page.goto(live_server.url + service.url, wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)
    page.goto(live_server.url + "/admin/")
    page.locator("#id_username").fill("adminpemda")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")
    context.close()

    host = urlparse(live_server.url).netloc
    fetched = [url for url in requested if urlparse(url).scheme in {"http", "https"}]
    assert any(re.search(r"/static/.+\.css$", url) for url in fetched)
    assert [url for url in fetched if urlparse(url).netloc != host] == []


def test_an_injected_inline_script_is_refused_and_reported(page, live_server, csp_violations):
    page.goto(live_server.url + "/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.append(s); }"
        )

    assert page.evaluate("() => window.injected === undefined")
    assert len(csp_violations) == 1 and "script-src" in csp_violations[0]
    csp_violations.clear()  # seen and expected: the shared fixture must not fail this test
