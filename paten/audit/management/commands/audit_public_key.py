from django.core.management.base import BaseCommand

from paten.audit.keys import public_verifier_key


class Command(BaseCommand):
    help = "Print the audit checkpoints' public key (the --key of verify_export.py)."

    def handle(self, *args, **options):
        self.stdout.write(public_verifier_key())
