import os

import pytest
from playwright.sync_api import Page, expect

# pytest-django's live_server starts before the browser marker's setup hook runs, and
# Playwright's sync API runs an event loop in this thread: allow Django's sync ORM here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def staff_password() -> str:
    """The password of the staff users the browser tests create."""
    return "kata-sandi-uji-coba-123"


@pytest.fixture
def sign_in(staff_password):
    """``sign_in(page, base, username)``: log a staff user into the admin."""

    def sign_in(page: Page, base: str, username: str) -> None:
        page.goto(base + "/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(staff_password)
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(base + "/admin/")

    return sign_in
