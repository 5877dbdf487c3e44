"""List Wagtail admin strings that have no Indonesian yet (run after upgrading Wagtail).

Translate what it prints in ``paten/locale_wagtail/id/LC_MESSAGES/<domain>.po``; see
``paten/wagtail_catalogue.py``.
"""

from django.core.management.base import BaseCommand, CommandError

from paten.wagtail_catalogue import missing_translations, placeholder_mismatches


class Command(BaseCommand):
    help = "List Wagtail admin strings without an Indonesian translation."

    def handle(self, *args, **options):
        missing = missing_translations()
        for entry in missing:
            context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
            self.stdout.write(f"{entry.domain}{context}: {entry.msgid!r} ({entry.package})")
        mismatches = placeholder_mismatches()
        for problem in mismatches:
            self.stdout.write(f"placeholder mismatch: {problem}")
        if missing or mismatches:
            raise CommandError(
                f"{len(missing)} string(s) without Indonesian, {len(mismatches)} with a "
                "placeholder mismatch."
            )
        self.stdout.write(self.style.SUCCESS("Every Wagtail admin string has Indonesian."))
