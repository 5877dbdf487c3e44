from pathlib import Path

from django.core.management.base import BaseCommand

from paten.audit.services import audit_export


class Command(BaseCommand):
    help = (
        "Write the sealed audit log as one NDJSON file per chain into DIRECTORY, and the "
        "stored checkpoints as checkpoints.txt, for paten/audit/verify_export.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory: str, **options):
        for path, count in audit_export(Path(directory)):
            kind = "checkpoints" if path.name == "checkpoints.txt" else "events"
            self.stdout.write(f"{path}: {count} {kind}")
