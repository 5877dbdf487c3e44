from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from service_catalog.workbook import catalog_import, catalog_workbook_read


class Command(BaseCommand):
    help = (
        "Import a whole service catalog from an XLSX workbook (one sheet per resource, "
        "see docs/catalog-import.md) in one transaction: any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--user",
            help=(
                "Username that submits the imported services for approval (required "
                "unless --dry-run): another administrator approves them."
            ),
        )

    def handle(self, *args, path: Path, dry_run: bool, user: str | None, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if not path.is_file():
            raise CommandError(f"{path}: berkas tidak ditemukan")
        if not user and not dry_run:
            raise CommandError(
                "--user wajib diisi: layanan yang diimpor dikirim untuk persetujuan atas "
                "nama pengguna itu, lalu disetujui administrator lain."
            )
        actor = None
        if user:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"{user}: pengguna tidak ditemukan")
        try:
            datasets = catalog_workbook_read(content=path.read_bytes())
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        report = catalog_import(datasets=datasets, dry_run=dry_run, user=actor)
        for sheet, summary in report.summaries.items():
            self.stdout.write(
                f"{sheet}: {summary.total} baris, {summary.new} baru, "
                f"{summary.updated} diubah, {summary.skipped} tetap"
            )
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tidak ada yang diimpor: {len(report.errors)} baris bermasalah.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): tidak ada yang disimpan."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Selesai: {len(report.submitted)} layanan dikirim untuk persetujuan."
                )
            )
