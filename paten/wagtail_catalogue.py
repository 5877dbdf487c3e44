"""Indonesian for Wagtail's own admin strings.

Wagtail ships its Indonesian catalogue as ``id_ID`` and it covers only part of the
admin (about 40 % of Wagtail 8's strings), so kecamatan staff would see English buttons
and messages. ``paten/locale_wagtail/id/`` fills the gap: one ``django.po`` and one
``djangojs.po`` with every string Wagtail's catalogues lack. It is listed in
``LOCALE_PATHS``, so Django merges it over the apps' catalogues (and the admin's
JavaScript catalogue picks up ``djangojs.po``); it never overrides a string Wagtail's
translators already did, it only adds.

After upgrading Wagtail, ``manage.py wagtail_translations`` lists the new strings that
have no Indonesian yet; ``tests/paten/test_wagtail_translations.py`` fails until they
are translated.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

import polib

DOMAINS = ("django", "djangojs")
#: Wagtail's own locale names for Indonesian, then ours.
WAGTAIL_LOCALES = ("id_ID", "id")
FILL_IN_DIR = Path(settings.BASE_DIR) / "paten" / "locale_wagtail" / "id" / "LC_MESSAGES"

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|%%|\{[^{}]*\}|</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class SourceEntry:
    domain: str
    package: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    occurrences: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.domain, self.msgctxt, self.msgid)


def placeholders(text: str) -> list[str]:
    """Format placeholders and HTML tags of ``text``, sorted (order may change in a
    translation, except for positional ``%s``, which never occurs twice in Wagtail)."""
    return sorted(PLACEHOLDER.findall(text))


def wagtail_apps() -> list:
    return [app for app in apps.get_app_configs() if app.name.split(".")[0] == "wagtail"]


def _catalogue(path: Path) -> polib.POFile | None:
    return polib.pofile(str(path)) if path.exists() else None


def source_entries() -> list[SourceEntry]:
    """Every string of the installed Wagtail apps, from their English catalogues."""
    found: dict[tuple, SourceEntry] = {}
    for app in wagtail_apps():
        for domain in DOMAINS:
            english = _catalogue(Path(app.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po")
            for entry in english or ():
                if entry.obsolete:
                    continue
                source = SourceEntry(
                    domain=domain,
                    package=app.name,
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural or None,
                    occurrences=tuple(path for path, _line in entry.occurrences[:2]),
                )
                found.setdefault(source.key, source)
    return list(found.values())


def wagtail_translated() -> set[tuple[str, str | None, str]]:
    """Keys Wagtail's own Indonesian catalogues translate."""
    keys = set()
    for app in wagtail_apps():
        for domain in DOMAINS:
            for locale in WAGTAIL_LOCALES:
                path = Path(app.path) / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
                for entry in _catalogue(path) or ():
                    if entry.translated() and not entry.obsolete:
                        keys.add((domain, entry.msgctxt, entry.msgid))
    return keys


def fill_in_catalogue(domain: str) -> polib.POFile | None:
    return _catalogue(FILL_IN_DIR / f"{domain}.po")


def local_translated() -> set[tuple[str, str | None, str]]:
    """Keys the ``LOCALE_PATHS`` catalogues translate: the fill-ins, and the project's
    own catalogue where it uses the same English (it is merged over the admin too)."""
    keys = set()
    for directory in settings.LOCALE_PATHS:
        for domain in DOMAINS:
            path = Path(directory) / "id" / "LC_MESSAGES" / f"{domain}.po"
            for entry in _catalogue(path) or ():
                if entry.translated() and not entry.obsolete:
                    keys.add((domain, entry.msgctxt, entry.msgid))
    return keys


def missing_translations() -> list[SourceEntry]:
    """Wagtail strings that neither Wagtail's Indonesian catalogue nor ours translate."""
    covered = wagtail_translated() | local_translated()
    return [entry for entry in source_entries() if entry.key not in covered]


def placeholder_mismatches() -> list[str]:
    """Fill-in entries whose translation lost or changed a placeholder or tag."""
    problems = []
    for domain in DOMAINS:
        for entry in fill_in_catalogue(domain) or ():
            if not entry.translated():
                continue
            source = entry.msgid_plural or entry.msgid
            translations = (
                list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            )
            for text in translations:
                if placeholders(text) != placeholders(source):
                    problems.append(f"{domain}: {entry.msgid!r} → {text!r}")
    return problems
