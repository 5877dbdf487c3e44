from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from paten.sync import client
from paten.sync.constants import BundleStatus


class Command(BaseCommand):
    help = (
        "At an offline instance with a connection: send the next bundle to the central over "
        "HTTPS and import the configuration bundle it answers with."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", help="the central's address (default: from the enrolment)")

    def handle(self, *args, url, **options):
        try:
            sent, outcome = client.push(url=url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Sent bundle #{sent.log.sequence}.")
        if outcome.status == BundleStatus.REFUSED:
            raise CommandError(
                f"The central's answer was refused ({outcome.reason}): {outcome.message}"
            )
        self.stdout.write(self.style.SUCCESS(f"Answer: {BundleStatus(outcome.status).label}."))
