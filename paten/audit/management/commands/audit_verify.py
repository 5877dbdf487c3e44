from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paten.audit.services import audit_verify
from paten.audit.verify_export import checkpoints_split


class Command(BaseCommand):
    help = (
        "Recompute every hash of every audit chain and compare each chain with every signed "
        "checkpoint (stored, and any given as files); exit 1 naming each problem, and when "
        "events stay unsealed longer than the admin's bound."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000)
        parser.add_argument(
            "--checkpoint",
            nargs="*",
            default=[],
            help="files of signed checkpoints (witness copies)",
        )

    def handle(self, *args, chunk_size: int, checkpoint: list[str], **options):
        notes = []
        for path in checkpoint:
            notes.extend(checkpoints_split(Path(path).read_text(encoding="utf-8")))
        result = audit_verify(chunk_size=chunk_size, checkpoints=notes)
        lines = [
            f"FAILED: {p.chain}: event #{p.sequence} (id {p.event_id}): {p.reason}"
            for p in result.problems
        ]
        if result.stale:
            lines.append(
                f"ALARM: {result.stale} events unsealed for longer than the configured bound"
            )
        summary = (
            f"{result.count} events verified in {len(result.chains)} chains against "
            f"{result.checkpoints} checkpoints"
        )
        if lines:
            raise CommandError("\n".join([*lines, summary]), returncode=1)
        self.stdout.write(
            f"OK: {summary}" + (f"; {result.unsealed} unsealed" if result.unsealed else "")
        )
