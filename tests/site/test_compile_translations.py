import os
from io import StringIO

from django.core.management import call_command

import polib

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: id\\n"

msgid "Page not found"
msgstr "Halaman tidak ditemukan"

#, fuzzy
msgid "Home"
msgstr "Rumah"
"""


def _write_po(path):
    path.parent.mkdir(parents=True)
    path.write_text(PO, encoding="utf-8")
    return path


def _run(root, *args):
    out = StringIO()
    call_command("compile_translations", *args, root=str(root), stdout=out)
    return out.getvalue()


def test_compiles_first_party_catalogues(tmp_path):
    po = _write_po(tmp_path / "paten/site/locale/id/LC_MESSAGES/django.po")
    other = _write_po(tmp_path / "reporting/locale/id/LC_MESSAGES/django.po")

    output = _run(tmp_path)

    assert "compiled paten/site/locale/id/LC_MESSAGES/django.po" in output
    assert "compiled reporting/locale/id/LC_MESSAGES/django.po" in output
    mo = polib.mofile(str(po.with_suffix(".mo")))
    assert mo.find("Page not found").msgstr == "Halaman tidak ditemukan"
    assert mo.find("Home") is None  # fuzzy entries are left out, as msgfmt does
    assert other.with_suffix(".mo").exists()


def test_skips_up_to_date_catalogues(tmp_path):
    po = _write_po(tmp_path / "paten/locale/id/LC_MESSAGES/django.po")
    _run(tmp_path)
    assert "0 catalogue(s) compiled, 1 up to date." in _run(tmp_path)

    future = po.stat().st_mtime + 10
    os.utime(po, (future, future))
    assert "compiled paten/locale/id/LC_MESSAGES/django.po" in _run(tmp_path)


def test_force_recompiles(tmp_path):
    _write_po(tmp_path / "forms_builder/locale/id/LC_MESSAGES/django.po")
    _run(tmp_path)
    assert "1 catalogue(s) compiled" in _run(tmp_path, "--force")


def test_ignores_virtualenvs_and_other_folders(tmp_path):
    _write_po(tmp_path / "paten/.venv/lib/locale/id/LC_MESSAGES/django.po")
    _write_po(tmp_path / "other_app/locale/id/LC_MESSAGES/django.po")
    assert "0 catalogue(s) compiled, 0 up to date." in _run(tmp_path)
