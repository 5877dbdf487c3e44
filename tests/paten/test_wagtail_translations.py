"""Wagtail's admin is in Indonesian: every string of the installed Wagtail apps has a
translation, from Wagtail's own ``id_ID`` catalogue or from ``paten/locale_wagtail``,
and the fill-ins keep every placeholder (a lost ``%(title)s`` would raise at runtime)."""

import json
import re

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

import pytest

from paten.wagtail_catalogue import (
    fill_in_catalogue,
    missing_translations,
    placeholder_mismatches,
    placeholders,
    source_entries,
)


def test_every_wagtail_string_has_indonesian():
    missing = missing_translations()
    assert len(source_entries()) > 1000  # the English catalogues were found
    assert missing == [], f"{len(missing)} Wagtail strings without Indonesian, e.g. {missing[:5]}"


def test_fill_ins_keep_placeholders_and_tags():
    assert placeholder_mismatches() == []


def test_placeholders_found():
    assert placeholders('<a href="%(url)s">Lihat %(title)s</a> {0} %s 100 %%') == sorted(
        ['<a href="%(url)s">', "%(title)s", "</a>", "{0}", "%s", "%%"]
    )


def test_fill_ins_only_add():
    """A fill-in never replaces what Wagtail's translators wrote."""
    from paten.wagtail_catalogue import wagtail_translated

    ours = {
        (domain, e.msgctxt, e.msgid)
        for domain in ("django", "djangojs")
        for e in fill_in_catalogue(domain) or ()
    }
    assert not ours & wagtail_translated()


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [("Create", "Buat"), ("Search…", "Cari…")],
)
def test_admin_strings_shown_in_indonesian(msgid, expected):
    with translation.override("id"):
        assert translation.gettext(msgid) == expected
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


@pytest.mark.django_db
def test_admin_javascript_catalogue_has_the_fill_ins(admin_client):
    """The admin's JavaScript strings (``djangojs``) come through /admin/jsi18n/."""
    response = admin_client.get(reverse("wagtailadmin_javascript_catalog"))
    text = response.content.decode()
    catalogue = json.loads(re.search(r"newcatalog = (\{.*?\});\n", text, re.DOTALL).group(1))
    ours = [e for e in fill_in_catalogue("djangojs") if e.translated() and not e.msgctxt]
    assert ours
    for entry in ours:
        expected = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        shown = catalogue[entry.msgid]
        assert (shown[0] if isinstance(shown, list) else shown) == expected, entry.msgid


def test_command_reports_missing(monkeypatch):
    call_command("wagtail_translations")  # passes while everything is translated
    import paten.management.commands.wagtail_translations as command

    monkeypatch.setattr(command, "missing_translations", lambda: source_entries()[:1])
    with pytest.raises(CommandError, match="1 string"):
        call_command("wagtail_translations")
