from django.core.management.base import BaseCommand, CommandError

from paten.sync import services
from paten.sync.constants import BundleStatus


class Command(BaseCommand):
    help = (
        "Import a bundle file (at the central: from an instance; at an instance: from the central)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        outcome = services.bundle_import(path=file)
        if outcome.status == BundleStatus.REFUSED:
            raise CommandError(f"Refused ({outcome.reason}): {outcome.message}")
        counts = ", ".join(f"{k} {v}" for k, v in sorted(outcome.counts.items()))
        self.stdout.write(
            self.style.SUCCESS(f"{BundleStatus(outcome.status).label}: {outcome.message} {counts}")
        )
        for later in outcome.then_applied:
            self.stdout.write(
                f"  then a held bundle: {BundleStatus(later.status).label} {later.message}"
            )
