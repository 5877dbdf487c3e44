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


# Pages whose buttons carry an icon beside their label, and a label on each.
PAGES = (
    ("/admin/ekspor-data/", "Ekspor"),
    ("/admin/sinkron/", "Daftarkan laptop luring"),
    ("/admin/sinkron/", "Impor"),
)


@pytest.mark.parametrize(("path", "label"), PAGES)
def test_button_icons_are_icon_sized(sign_in, browser, live_server, staff_password, path, label):
    bontang_regions()
    roles_sync_permissions()
    staff_create(username="pemda", password=staff_password, roles=[Role.ADMIN_PEMDA])
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server.url, "pemda")
    page.goto(live_server.url + path)
    buttons = button_icon_sizes(page, label)
    assert buttons, f"no {label} button on {path}"
    for button in buttons:
        width, height = button["icon"]
        assert 0 < width <= 32 and 0 < height <= 32, button
        assert button["button"][1] <= 64, button
    context.close()
