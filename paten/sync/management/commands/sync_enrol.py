from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from paten.sync import services
from paten.sync.container import BundleRefused


class Command(BaseCommand):
    help = (
        "Make this installation a kecamatan's offline instance. First "
        "`sync_enrol --request FILE` writes the request to take to the central; then "
        "`sync_enrol --reset ENROLMENT_FILE` applies the enrolment bundle the central made "
        "(deleting the demo data of make run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the enrolment bundle, or with --request the file to write"
        )
        parser.add_argument(
            "--request", action="store_true", help="write this laptop's enrolment request"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the data this installation holds (demo data) before enrolling",
        )

    def handle(self, *args, file, request, reset, **options):
        try:
            if request:
                fingerprint = services.enrolment_request_write(path=file)
                self.stdout.write(f"Enrolment request written to {file}.")
                self.stdout.write(
                    f"Fingerprint of this laptop: {fingerprint} — the central's admin "
                    "compares it before enrolling."
                )
                return
            bundle = services.enrolment_inspect(path=file)
            header = bundle.header
            from paten.sync import keys

            self.stdout.write(
                "Central key fingerprint: "
                + keys.fingerprint(header["central_signing_key"], header["central_encryption_key"])
                + " — compare it with the one shown on the central's enrolment page."
            )
            log = services.enrolment_apply(path=file, reset=reset)
        except BundleRefused as refusal:
            raise CommandError(refusal.message) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        counts = ", ".join(f"{k} {v}" for k, v in sorted(log.counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Enrolled as the offline instance of kecamatan {bundle.manifest['kecamatan']} "
                f"({counts})."
            )
        )
