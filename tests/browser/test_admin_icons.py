"""Icons in admin buttons are icon-sized and leave their label visible."""

import pytest
from playwright.sync_api import Page

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from tests.bontang import bontang_regions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def button_icon_sizes(page: Page, label: str) -> list[dict]:
    return page.evaluate(
        """label => [...document.querySelectorAll('button, a.button')]
            .filter(b => b.innerText.trim().includes(label))
            .map(b => {
                const icon = b.querySelector('svg').getBoundingClientRect();
                const box = b.getBoundingClientRect();
                return {icon: [icon.width, icon.height], button: [box.width, box.height],
                        text: b.innerText.trim()};
            })""",
        label,
    )


def test_export_button_icon_is_icon_sized(sign_in, browser, live_server, staff_password):
    bontang_regions()
    roles_sync_permissions()
    staff_create(username="pemda", password=staff_password, roles=[Role.ADMIN_PEMDA])
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server.url, "pemda")
    page.goto(live_server.url + "/admin/ekspor-data/")
    buttons = button_icon_sizes(page, "Ekspor")
    assert buttons, "no Ekspor button"
    for button in buttons:
        width, height = button["icon"]
        assert 0 < width <= 32 and 0 < height <= 32, button
        assert button["button"][1] <= 64, button
    context.close()
