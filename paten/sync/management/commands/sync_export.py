from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from paten.sync import identity, services
from paten.sync.constants import InstallationRole, PeerStatus
from paten.sync.models import Peer


class Command(BaseCommand):
    help = (
        "Write the next bundle. At an offline instance: the kecamatan's records for the "
        "central. At the central: the configuration for one instance (--kecamatan)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the bundle")
        parser.add_argument("--kecamatan", help="at the central: the instance's kecamatan code")
        parser.add_argument(
            "--resend",
            action="store_true",
            help="start from what the other side acknowledged (a bundle was lost)",
        )
        parser.add_argument(
            "--final",
            action="store_true",
            help="at an instance: the last bundle; the instance becomes read-only (hand-back)",
        )

    def handle(self, *args, file, kecamatan, resend, final, **options):
        me = identity.installation()
        try:
            if me.is_instance:
                result = services.up_export(path=file, final=final, resend=resend)
            else:
                peer = Peer.objects.filter(
                    role=InstallationRole.INSTANCE, kecamatan=kecamatan, status=PeerStatus.ACTIVE
                ).first()
                if peer is None:
                    raise CommandError(f"No active offline instance for kecamatan {kecamatan}.")
                result = services.down_export(peer=peer, path=file, resend=resend)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())) or "no changes"
        self.stdout.write(
            self.style.SUCCESS(f"Bundle #{result.log.sequence} written to {file} ({counts}).")
        )
