"""A citizen whose application is finished opens the tracker, follows the survey link,
answers the nine unsur and sends; the public IKM page then shows the new figure of the
kecamatan for the current quarter (one all-4 response: 100,00, mutu A)."""

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from forms_builder.services.applications import Applicant
from reporting.models import SurveyResponse
from reporting.survey.constants import ANSWER_FIELDS
from reporting.survey.services import survey_period_create
from tests.forms_builder.factories import advance, form_version_for, submit
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UTARA = "64.74.01"


@pytest.fixture
def finished(settings, utara, staff):
    settings.FORMS_BUILDER_LOOKUP_RATE = (100, 600)
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=1)
    form_version_for(service)
    application = submit(
        service,
        kecamatan=utara,
        applicant=Applicant(name="Siti Rahmawati", email="siti@example.id"),
    )
    application = advance(application, **staff, until="selesai")
    today = timezone.localdate()
    period = survey_period_create(
        kind="triwulan", year=today.year, number=(today.month - 1) // 3 + 1
    )
    return application, period


def test_citizen_answers_the_survey_and_sees_the_ikm(page: Page, live_server, finished):
    application, period = finished
    base = live_server.url

    # 1. The tracker shows the finished application with a link to the survey.
    page.goto(f"{base}/lacak/")
    page.locator("#id_kode").fill(application.display_code.lower())
    page.locator("form.fb-form button[type=submit]").click()
    expect(page.locator("#status-heading")).to_contain_text("Selesai")
    page.get_by_role("link", name="Isi survei kepuasan").click()

    # 2. The questionnaire: nine unsur, no personal data beyond initials.
    expect(page).to_have_url(f"{base}/survei/{application.tracking_code}/")
    expect(page.locator("main")).to_contain_text("Bontang Utara")
    expect(page.locator("main")).not_to_contain_text("Siti")
    expect(page.locator("fieldset.sv-question, .sv-question fieldset")).to_have_count(9)
    for field in ANSWER_FIELDS.values():
        # Tap the label (the large target), not the small radio itself.
        page.locator(f"label[for=id_{field}_3]").click()
        expect(page.locator(f"#id_{field}_3")).to_be_checked()
    page.locator("label[for=id_gender_1]").click()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", name="Terima kasih telah mengisi survei!")).to_be_visible()
    response = SurveyResponse.objects.get()
    assert response.application_id == application.pk
    assert set(response.answers.values()) == {4}

    # 3. The tracker now thanks instead of linking; the survey cannot be sent twice.
    page.goto(f"{base}/lacak/?kode={application.display_code}")
    expect(page.locator("main")).to_contain_text("Terima kasih, survei sudah diisi.")
    page.goto(f"{base}/survei/{application.tracking_code}/")
    expect(page.locator("main")).to_contain_text("sudah mengisi")

    # 4. The public IKM page shows the kecamatan's new figure for the current quarter.
    page.goto(f"{base}/ikm/?kecamatan={UTARA}")
    main = page.locator("main")
    expect(main).to_contain_text(period.name)
    expect(main).to_contain_text("Bontang Utara")
    expect(page.locator(".ikm-score__number").first).to_have_text("100,00")
    expect(page.locator(".ikm-badge__letter").first).to_have_text("A")
