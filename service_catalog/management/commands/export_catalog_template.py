from pathlib import Path

from django.core.management.base import BaseCommand

from service_catalog.workbook import catalog_workbook_export

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "katalog_template.xlsx"


class Command(BaseCommand):
    help = (
        "Write the catalog XLSX template (a sheet per resource with a worked example), "
        "or with --data the current catalog in the same layout."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
        parser.add_argument(
            "--data", action="store_true", help="Export the catalog instead of the example."
        )

    def handle(self, *args, path: Path, data: bool, **options):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(catalog_workbook_export(example=not data))
        self.stdout.write(self.style.SUCCESS(f"{path} written"))
