from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from paten.admin_import import ImportFileError
from paten.regions.services import NATIONAL_FILE, regions_import


class Command(BaseCommand):
    help = (
        "Import Kemendagri regions (CSV/XLSX with columns kode,nama). By default only "
        "settings.PATEN_KABUPATEN_KOTA, its ancestors and everything below it are "
        "imported from the list shipped with the code. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(NATIONAL_FILE), help="CSV or XLSX file (default: %(default)s)"
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--under",
            help="Kemendagri code whose subtree is imported "
            "(default: settings.PATEN_KABUPATEN_KOTA)",
        )
        scope.add_argument("--all", action="store_true", help="Import the whole country.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")

    def handle(self, *args, file, under, all, dry_run, **options):  # noqa: A002
        under = None if all else (under or settings.PATEN_KABUPATEN_KOTA)
        try:
            summary = regions_import(path=file, under=under, dry_run=dry_run)
        except (OSError, ImportFileError) as e:
            raise CommandError(str(e)) from e

        scope = f"under {under}" if under else "whole country"
        mode = "dry run, nothing written" if dry_run else "written"
        self.stdout.write(
            f"{file} ({scope}, {mode}): {summary.total} rows: {summary.new} new, "
            f"{summary.updated} updated, {summary.skipped} skipped, "
            f"{summary.invalid} errors"
        )
        for error in summary.errors:
            where = f"line {error.line}" if error.line else "file"
            for message in error.messages:
                self.stderr.write(f"{where}: {message}")
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} error(s): nothing was imported. Fix the file and retry."
            )
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Regions imported."))
