from django.core.management.base import BaseCommand

from paten.audit.services import audit_seal_all


class Command(BaseCommand):
    help = "Seal every audit chain's unsealed events now (the beat sweep does it every minute)."

    def handle(self, *args, **options):
        for chain, count in audit_seal_all().items():
            self.stdout.write(f"{chain}: {count} sealed")
