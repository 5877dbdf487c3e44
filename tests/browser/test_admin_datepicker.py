"""Wagtail's bundled date picker speaks Indonesian: no English button label is left in
the admin page of a form with a date field."""

import pytest
from playwright.sync_api import expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from tests.bontang import bontang_regions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADD_INSTRUMENT = "/admin/snippets/service_catalog/legalinstrument/add/"


def test_date_picker_has_no_english_button(sign_in, browser, live_server, staff_password):
    bontang_regions()
    roles_sync_permissions()
    staff_create(username="pemda", password=staff_password, roles=[Role.ADMIN_PEMDA])
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server.url, "pemda")
    page.goto(live_server.url + ADD_INSTRUMENT)
    page.locator("#id_signed_on").click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_have_count(1)
    days = picker.locator(".xdsoft_calendar th").all_inner_texts()
    assert days[:2] == ["Sen", "Sel"]  # Wagtail's own translation of the calendar
    buttons = page.locator(".xdsoft_save_selected")
    assert buttons.count() >= 3  # one per date field: signed, effective from and until
    assert set(buttons.all_text_contents()) == {"Simpan pilihan"}
    assert "Save Selected" not in page.evaluate("() => document.documentElement.outerHTML")
    context.close()
