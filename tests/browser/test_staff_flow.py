"""Staff at a kecamatan office: the petugas loket finds an application by the applicant's
name and registers a walk-in (name and phone asked once, the original seen instead of a
scan, verified at once) ending at the receipt to print; the camat reads the preview of
the document before signing it."""

import pytest
from playwright.sync_api import Page, expect

from forms_builder.models import Application
from forms_builder.services.applications import Applicant
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.regions.models import Region
from tests.bontang import bontang_regions
from tests.forms_builder.factories import advance, form_version_for, pdf_upload, spec, submit
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
S = ApplicationState


@pytest.fixture
def office(db, staff_password):
    bontang_regions()
    roles_sync_permissions()
    users = {}
    for username, role in [
        ("loket.utara", Role.PETUGAS_LOKET),
        ("backoffice.utara", Role.BACK_OFFICE),
        ("camat.utara", Role.CAMAT),
    ]:
        users[username] = staff_create(
            username=username, password=staff_password, roles=[role], kecamatan=["64.74.01"]
        )
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=1)
    form_version_for(
        service,
        schema=[
            spec("nama_pemohon", "applicant_name", label="Nama lengkap"),
            spec("no_hp", "phone", label="Nomor HP", required=False),
            spec("kelurahan", "region", label="Kelurahan"),
            spec("dikuasakan", "radio", label="Dikuasakan?", choices="Tidak\nYa"),
            spec(
                "nama_penerima_kuasa",
                label="Nama penerima kuasa",
                condition=("dikuasakan", "Ya"),
            ),
            spec("ktp", "file", label="Pindaian surat pengantar", required_document_key="doc0"),
        ],
    )
    return service, users


def open_pdf(page: Page, base: str, href: str) -> bytes:
    response = page.request.get(base + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    return response.body()


def test_loket_finds_by_name_and_prints_the_receipt_at_intake(
    sign_in, browser, live_server, office
):
    base = live_server.url
    service, _users = office
    kecamatan = Region.objects.get(code="64.74.01")
    data = {
        "nama_pemohon": "Budi Santoso",
        "kelurahan": "64.74.01.1002",
        "dikuasakan": "Tidak",
    }
    wanted = submit(
        service,
        kecamatan,
        data=data,
        applicant=Applicant(name="Budi Santoso", phone="081234567890"),
        files={"ktp": pdf_upload()},
    )
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, base, "loket.utara")

    # 1. The global search box finds the application by part of the name.
    page.goto(f"{base}/admin/permohonan/")
    page.locator("[data-queue-search] input[name=q]").fill("santoso")
    page.locator("[data-queue-search] button[type=submit]").click()
    expect(page.locator("table.listing")).to_contain_text(wanted.display_code)
    page.get_by_role("link", name=wanted.display_code).click()
    expect(page.locator("main")).to_contain_text("Bontang Baru")

    # 2. A walk-in at the counter: name and phone once, the original seen, no scan.
    page.goto(f"{base}/admin/permohonan/loket/?service={service.pk}")
    expect(page.locator("#id_pemohon-name")).to_have_count(0)
    expect(page.locator("#field-nama_penerima_kuasa")).to_be_hidden()
    page.locator("[name=nama_pemohon]").fill("Siti Rahmawati")
    page.locator("[name=no_hp]").fill("0812 9876 5432")
    page.locator("[name=kelurahan]").select_option("64.74.01.1001")
    page.get_by_label("Tidak").check()
    page.locator("[name=pemohon-originals_checked][value=doc0]").check()
    page.locator("[name=pemohon-complete]").check()
    page.locator("[data-intake-form] button[type=submit]").click()

    # 3. It ends at the receipt to print, the file already being processed.
    receipt = page.locator("[data-print-receipt]")
    expect(receipt).to_be_visible()
    application = Application.objects.exclude(pk=wanted.pk).get()
    assert application.applicant_name == "Siti Rahmawati"
    assert application.state == S.PROCESSING and application.attachments.count() == 0
    expect(page.locator(".messages")).to_contain_text(application.display_code)
    assert open_pdf(page, base, receipt.get_attribute("href")).startswith(b"%PDF")


def test_camat_reads_the_preview_before_signing(sign_in, browser, live_server, office):
    base = live_server.url
    service, users = office
    kecamatan = Region.objects.get(code="64.74.01")
    application = submit(
        service,
        kecamatan,
        data={"nama_pemohon": "Budi Santoso", "kelurahan": "64.74.01.1002", "dikuasakan": "Tidak"},
        applicant=Applicant(name="Budi Santoso", phone="081234567890"),
        channel="loket",
        actor=users["loket.utara"],
        originals_checked=["doc0"],
    )
    application = advance(
        application,
        loket=users["loket.utara"],
        back_office=users["backoffice.utara"],
        camat=users["camat.utara"],
        until=S.AWAITING_SIGNATURE,
    )
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, base, "camat.utara")
    page.goto(f"{base}/admin/permohonan/{application.pk}/")
    preview = page.locator("[data-result-preview] iframe")
    expect(preview).to_be_visible()
    assert open_pdf(page, base, preview.get_attribute("src")).startswith(b"%PDF")

    sign = page.locator("button[data-transition=selesai]")
    sign.click()  # refused by the browser: the preview is not confirmed yet
    application.refresh_from_db()
    assert application.state == S.AWAITING_SIGNATURE
    page.locator("[data-previewed]").check()
    sign.click()
    expect(page.locator(".messages")).to_be_visible()
    application.refresh_from_db()
    assert application.state == S.FINISHED and application.result_number
