"""Boolean columns of admin listings say Ya/Tidak in words, not an icon titled "True"."""

from types import SimpleNamespace

from django.utils import translation
from wagtail.admin.ui.tables import BooleanColumn, Table


def _render(language: str) -> str:
    rows = [SimpleNamespace(pk=n, active=value) for n, value in enumerate((True, False, None))]
    table = Table([BooleanColumn("active", label="Aktif")], rows)
    with translation.override(language):
        return table.render_html({})


def test_boolean_cells_read_ya_and_tidak_in_indonesian():
    html = _render("id")
    assert "Ya" in html and "Tidak" in html and "Tidak diketahui" in html
    assert "True" not in html and "False" not in html and "None" not in html
    # The icons are decoration; the word is what a screen reader reads.
    assert html.count('aria-hidden="true"') == 3


def test_boolean_cells_read_yes_and_no_in_english():
    html = _render("en")
    assert "Yes" in html and "No" in html and "Unknown" in html
