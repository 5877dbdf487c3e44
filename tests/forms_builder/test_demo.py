"""The demo forms and applications: published, in every queue state, and idempotent."""

import io

from django.core.management import call_command
from django.test import override_settings

import pytest

from forms_builder.demo import DEMO_EMAIL_DOMAIN, DEMO_STATES, FORMS, forms_demo_load
from forms_builder.models import (
    Application,
    ApplicationEvent,
    Attachment,
    FormVersion,
    IssuanceSettings,
    ServiceForm,
)
from forms_builder.workflow import ApplicationState
from paten.accounts.services import staff_create
from paten.audit.models import AuditEvent
from paten.demo import DEMO_KECAMATAN, demo_users
from service_catalog.demo import catalog_demo_load

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.xdist_group("forms-builder-demo"),
]
S = ApplicationState


@pytest.fixture(scope="module")
def loaded(rows_for_the_module):
    """What load_demo_data creates before the forms: Bontang, its staff and the catalog."""
    with override_settings(PATEN_KABUPATEN_KOTA="64.74"), rows_for_the_module():
        call_command("import_regions", under="64.74", verbosity=0, stdout=io.StringIO())
        for demo in demo_users():
            if demo.kecamatan:
                staff_create(
                    username=demo.username, password="x", roles=demo.roles, kecamatan=demo.kecamatan
                )
        catalog_demo_load()
        yield forms_demo_load()


def test_forms_are_published_with_a_version(loaded):
    assert loaded["forms_created"] == len(FORMS)
    for code in FORMS:
        service_form = ServiceForm.objects.get(service__code=code)
        assert service_form.live and service_form.live_revision_id
        version = FormVersion.objects.get(service__code=code)
        assert version.number == 1
        types = {spec["type"] for spec in version.schema}
        assert {"nik", "region", "phone", "birth_date", "file"} <= types
        conditional = [s for s in version.schema if s["condition"]]
        assert conditional and all(s["condition"]["field"] == "dikuasakan" for s in conditional)
        settings = IssuanceSettings.objects.get(service__code=code)
        assert settings.number_pattern == "{seq:03}/{service_code}/{kecamatan_code}/{year}"


def test_applications_in_every_state_per_kecamatan(loaded):
    demo = Application.objects.filter(applicant_email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    assert loaded["applications_created"] == demo.count() == len(DEMO_STATES) * 3
    for code in DEMO_KECAMATAN:
        states = sorted(demo.filter(kecamatan_id=code).values_list("state", flat=True))
        assert states == sorted(DEMO_STATES)
    for application in demo:
        assert application.events.first().to_state == S.SUBMITTED
        assert application.events.last().to_state == application.state
        assert application.attachments.exists()
        assert application.data["nik_pemohon"].startswith(application.kecamatan_id.replace(".", ""))
    returned = demo.filter(state=S.RETURNED)
    assert all(a.return_note for a in returned)
    assert demo.filter(data__dikuasakan="Ya").exists()
    assert AuditEvent.objects.filter(action__startswith="application.").count() == (
        ApplicationEvent.objects.count()
    )


def test_numbers_issued_for_finished_applications(loaded):
    finished = Application.objects.filter(state__in=[S.FINISHED, S.HANDED_OVER])
    assert finished.count() == 6
    for application in finished:
        year = application.issued_at.year
        code = application.service.code.upper()
        assert application.result_number.endswith(f"/{code}/{application.kecamatan_id}/{year}")
        assert application.verification_token
        assert application.events.filter(to_state=S.FINISHED, actor__username__startswith="camat.")
    assert not Application.objects.exclude(pk__in=finished).exclude(result_number=None).exists()


def _row_counts() -> list[int]:
    models = (ServiceForm, FormVersion, IssuanceSettings, Application, ApplicationEvent, Attachment)
    return [model.objects.count() for model in models]


def test_second_run_creates_nothing(loaded):
    counts = _row_counts()
    second = forms_demo_load()
    assert second["forms_created"] == second["applications_created"] == 0
    assert second["issuance_settings_created"] == 0
    assert counts == _row_counts()
