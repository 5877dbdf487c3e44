"""A camat sees an applicant's NIK masked until pressing "Tampilkan", and that read is
in the personal data access log."""

import pytest
from playwright.sync_api import expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from tests.bontang import UTARA, bontang_regions
from tests.forms_builder.factories import form_version_for, spec, submit
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NIK = "6474011203900001"
MASKED_NIK = "647401********01"


@pytest.fixture
def application(db, staff_password):
    utara = next(k for k in bontang_regions() if k.code == UTARA)
    roles_sync_permissions()
    staff_create(
        username="camat.utara", password=staff_password, roles=[Role.CAMAT], kecamatan=[UTARA]
    )
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=1)
    form_version_for(
        service,
        [spec("nik_pemohon", "nik", label="NIK pemohon"), spec("keperluan", label="Keperluan")],
    )
    return submit(service, utara, data={"nik_pemohon": NIK, "keperluan": "Melamar kerja"})


def test_the_nik_is_masked_until_shown_and_the_read_is_logged(
    sign_in, browser, live_server, application
):
    base = live_server.url
    page = browser.new_context().new_page()
    sign_in(page, base, "camat.utara")

    page.goto(f"{base}/admin/permohonan/{application.pk}/")
    row = page.locator("tr", has_text="NIK pemohon")
    expect(row).to_contain_text(MASKED_NIK)
    expect(page.locator("body")).not_to_contain_text(NIK)
    expect(page.locator("tr", has_text="Keperluan")).to_contain_text("Melamar kerja")

    page.get_by_role("button", name="Tampilkan data pribadi").click()
    expect(page.locator("tr", has_text="NIK pemohon")).to_contain_text(NIK)
    expect(page.locator("[data-personal-notice=shown]")).to_be_visible()

    page.goto(f"{base}/admin/akses-data-pribadi/")
    event = page.locator("[data-access-event]").first
    expect(event).to_contain_text("camat.utara")
    expect(event).to_contain_text(application.tracking_code)
    expect(event).to_contain_text("Data pribadi ditampilkan")
    expect(event).to_contain_text("NIK pemohon")
