"""Compile every first-party ``django.po`` and ``djangojs.po`` to ``.mo`` with polib (no
GNU gettext needed).

``make run`` and ``make test`` call this: ``.mo`` files are git-ignored, and a fresh
machine in a kecamatan office may have no ``msgfmt``. Like ``msgfmt``, fuzzy and
obsolete entries are left out of the ``.mo``.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import polib

# Where first-party catalogues live, relative to the repository root.
SEARCH_ROOTS = ("paten", "service_catalog", "forms_builder", "reporting")
SKIP_PARTS = {".venv", "venv", "site-packages", "node_modules", ".git"}


def find_po_files(root: Path) -> list[Path]:
    """Every ``<locale dir>/<lang>/LC_MESSAGES/django(js).po`` under the first-party apps
    of ``root`` (``locale/`` of each app, and ``paten/locale_wagtail/``)."""
    found = []
    for name in SEARCH_ROOTS:
        top = root / name
        if not top.is_dir():
            continue
        for po in top.rglob("*.po"):
            relative = po.relative_to(root).parts
            if SKIP_PARTS.intersection(relative) or "LC_MESSAGES" not in relative:
                continue
            if po.name in ("django.po", "djangojs.po"):
                found.append(po)
    return sorted(found)


def compile_po(po_path: Path, *, force: bool = False) -> bool:
    """Write the ``.mo`` next to ``po_path``; return False if it was already up to date."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    try:
        catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        raise CommandError(f"{po_path}: {exc}") from exc
    catalogue.save_as_mofile(str(mo_path))
    return True


class Command(BaseCommand):
    help = "Compile the first-party .po files to .mo with polib (no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--root",
            default=str(settings.BASE_DIR),
            help="Repository root to search (default: the project's BASE_DIR).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Compile even if the .mo is newer."
        )

    def handle(self, *args, root, force, **options):
        root_path = Path(root).resolve()
        compiled = skipped = 0
        for po_path in find_po_files(root_path):
            shown = po_path.relative_to(root_path)
            if compile_po(po_path, force=force):
                compiled += 1
                self.stdout.write(f"compiled {shown}")
            else:
                skipped += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"up to date {shown}")
        self.stdout.write(
            self.style.SUCCESS(f"{compiled} catalogue(s) compiled, {skipped} up to date.")
        )
