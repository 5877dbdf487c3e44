from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from forms_builder.demo import forms_demo_load
from paten.accounts.services import staff_assign, staff_create
from paten.demo import DEMO_PASSWORD, SEED_REGIONS, demo_users
from paten.ppid.demo import ppid_demo_load
from paten.site.services import site_settings_set_demo
from reporting.evaluation.demo import evaluation_demo_load
from reporting.survey.demo import survey_demo_load
from service_catalog.demo import catalog_demo_load


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): seed regions, demo staff per role and kecamatan, "
        "site settings, the Kota Bontang service catalog, application forms and applications."
    )

    def handle(self, *args, **options):
        from paten.sync.identity import installation

        if installation().is_instance:
            # An offline instance holds the central's configuration and its kecamatan's
            # records only (docs/sync.md): no demo data.
            self.stdout.write("offline kecamatan instance: demo data not loaded")
            return
        for code in SEED_REGIONS:
            call_command("import_regions", under=code, verbosity=0, stdout=self.stdout)
            self.stdout.write(f"regions under {code}: imported")
        with transaction.atomic():
            created = self._users()
        self.stdout.write(self.style.SUCCESS(f"demo users: {created} created, others kept"))
        self._site()
        catalog_demo_load()
        self.stdout.write(self.style.SUCCESS("service catalog: loaded"))
        forms = forms_demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"application forms: {forms['forms_created']} created; demo applications: "
                f"{forms['applications_created']} created, {forms['demo_applications']} in total"
            )
        )
        self.stdout.write(self.style.SUCCESS(survey_demo_load().message))
        self.stdout.write(self.style.SUCCESS(evaluation_demo_load().message))
        self.stdout.write(self.style.SUCCESS(ppid_demo_load().message))

    def _users(self) -> int:
        User = get_user_model()
        created = 0
        encoded_password = make_password(DEMO_PASSWORD)
        for demo in demo_users():
            user = User.objects.filter(username=demo.username).first()
            if user is None:
                user = staff_create(
                    username=demo.username,
                    encoded_password=encoded_password,
                    roles=demo.roles,
                    kecamatan=demo.kecamatan,
                    first_name=demo.first_name,
                    email=f"{demo.username}@demo.paten.local",
                )
                created += 1
            else:
                staff_assign(user=user, roles=demo.roles, kecamatan=demo.kecamatan)
            if demo.superuser and not user.is_superuser:
                user.is_superuser = True
                user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])
        return created

    def _site(self) -> None:
        site_settings_set_demo()
