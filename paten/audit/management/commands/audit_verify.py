from django.core.management.base import BaseCommand, CommandError

from paten.audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute every hash of the audit chain; exit 1 naming the first bad event."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, chunk_size: int, **options):
        result = audit_verify(chunk_size=chunk_size)
        if not result.ok:
            raise CommandError(
                f"FAILED: event #{result.sequence} (id {result.event_id}): {result.reason}; "
                f"{result.count} events before it verified",
                returncode=1,
            )
        self.stdout.write(f"OK: {result.count} events verified")
