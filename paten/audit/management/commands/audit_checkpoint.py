from django.core.management.base import BaseCommand

from paten.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = "Seal and sign a checkpoint of every audit chain now; print the signed notes."

    def add_arguments(self, parser):
        parser.add_argument("chains", nargs="*", help="chain ids (default: every chain)")

    def handle(self, *args, chains: list[str], **options):
        for checkpoint in audit_checkpoint(chains=chains or None):
            self.stdout.write(checkpoint.note)
