from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from paten.sync import services


class Command(BaseCommand):
    help = (
        "At the central: enrol the laptop whose request is REQUEST as the offline instance of "
        "a kecamatan, and write its enrolment bundle (the admin page does the same)."
    )

    def add_arguments(self, parser):
        parser.add_argument("request")
        parser.add_argument("--kecamatan", required=True, help="Kemendagri code, e.g. 64.74.01")
        parser.add_argument("--out", required=True, help="where to write the enrolment bundle")

    def handle(self, *args, request, kecamatan, out, **options):
        region = Region.objects.filter(code=kecamatan, level=RegionLevel.KECAMATAN).first()
        if region is None:
            raise CommandError(f"{kecamatan} is not a kecamatan here.")
        try:
            with open(request, "rb") as handle:
                document = services.enrolment_request_read(handle.read())
            enrolment = services.instance_enrol(
                request=document, kecamatan=region, actor=None, path=out
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Laptop fingerprint: {document['fingerprint']}")
        self.stdout.write(f"Central fingerprint: {services.central_fingerprint()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Enrolled instance {enrolment.peer.id} for {region.name} (prefix "
                f"{enrolment.peer.tracking_prefix}); enrolment bundle written to {out}."
            )
        )
