from django.core.management.base import BaseCommand

from paten.demo import DEMO_PASSWORD, demo_users


class Command(BaseCommand):
    help = "Print the URL and the demo logins (used by `make run`)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        line = "=" * 72
        self.stdout.write(line)
        self.stdout.write(f"PATEN is running: {url}")
        self.stdout.write(f"Admin:            {url}admin/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}, demo only):")
        for user in demo_users():
            where = ", ".join(user.kecamatan) or "pemda-wide"
            flag = " (superuser)" if user.superuser else ""
            self.stdout.write(f"  {user.username:<28} {', '.join(user.roles)} [{where}]{flag}")
        self.stdout.write("Web, Celery worker and beat run together; Ctrl-C stops them.")
        self.stdout.write(line)
