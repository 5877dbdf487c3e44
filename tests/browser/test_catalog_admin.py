"""An admin writes a service and its application form without typing JSON or keys,
another approves it, a citizen finds it, its PDF and its "Ajukan" button."""

import re

import pytest
from playwright.sync_api import Page, expect

from forms_builder.models import FormVersion
from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from service_catalog.models import ServicePage
from service_catalog.services import catalog_index_ensure
from tests.bontang import bontang_regions
from tests.service_catalog.factories import (
    LegalInstrumentFactory,
    ServiceCategoryFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Surat keterangan bersih lingkungan"


def add_inline(page: Page, prefix: str, values: dict) -> None:
    page.locator(f"#id_{prefix}-ADD").click()
    index = page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value()
    n = int(index) - 1
    for name, value in values.items():
        field = page.locator(f"#id_{prefix}-{n}-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def choose(page: Page, field_id: str, label: str) -> None:
    """Pick a snippet through Wagtail's chooser modal."""
    chooser = page.locator(f"#{field_id}-chooser")
    chooser.locator(".unchosen button[data-chooser-action-choose]").click()
    page.locator("a[data-chooser-modal-choice]", has_text=label).first.click()
    expect(chooser.locator("[data-chooser-title]")).to_contain_text(label)


def fill_rich_text(page: Page, field_id: str, text: str) -> None:
    editor = page.locator(f"#{field_id}").locator("xpath=..").locator("[contenteditable='true']")
    editor.click()
    page.keyboard.type(text)


@pytest.fixture
def setup(db, staff_password):
    bontang_regions()
    roles_sync_permissions()
    for username in ("penyusun.a", "penyetuju.b"):
        staff_create(username=username, password=staff_password, roles=[Role.ADMIN_PEMDA])
    index = catalog_index_ensure()
    category = ServiceCategoryFactory(name="Surat keterangan", slug="keterangan")
    instrument = LegalInstrumentFactory(
        title="Standar pelayanan kecamatan", number="7", year=2024, signed_on=None
    )
    return {"index": index, "category": category, "instrument": instrument}


def test_service_written_approved_and_found(sign_in, browser, live_server, setup):
    base = live_server.url

    # 1. The first admin writes the service and submits it for moderation.
    author = browser.new_context(viewport={"width": 1366, "height": 768})
    page = author.new_page()
    sign_in(page, base, "penyusun.a")
    page.goto(f"{base}/admin/pages/add/service_catalog/servicepage/{setup['index'].pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_code").fill("skbl")
    choose(page, "id_category", "Surat keterangan")
    page.locator("#id_field").select_option("non_perizinan")
    page.locator("#id_summary").fill("Keterangan bersih lingkungan untuk warga.")
    add_inline(
        page,
        "required_documents",
        {"name": "Surat pengantar RT", "form": "asli"},
    )
    add_inline(page, "required_documents", {"name": "Fotokopi KTP", "form": "fotokopi"})
    add_inline(
        page,
        "procedure_steps",
        {
            "title": "Berkas diterima",
            "role": "loket",
            "duration_value": "10",
            "duration_unit": "minutes",
        },
    )
    add_inline(
        page,
        "procedure_steps",
        {"title": "Verifikasi", "role": "kasi", "duration_value": "20", "duration_unit": "minutes"},
    )
    add_inline(
        page,
        "procedure_steps",
        {
            "title": "Tanda tangan camat",
            "role": "camat",
            "duration_value": "15",
            "duration_unit": "minutes",
        },
    )
    page.locator("#id_duration_value").fill("1")
    page.locator("#id_duration_unit").select_option("hours")
    page.locator("#id_product").fill("Surat keterangan bersih lingkungan")
    fill_rich_text(page, "id_complaint_channels", "Kotak pengaduan di loket")
    page.get_by_role("tab").nth(1).click()
    choose(page, "id_legal_basis-0-instrument", "Nomor 7 Tahun 2024")
    page.get_by_role("tab").nth(3).click()  # Promote: the slug, filled from the title
    expect(page.locator("#id_slug")).to_have_value("surat-keterangan-bersih-lingkungan")
    with page.expect_navigation():
        page.locator("button[name='action-submit']").evaluate("button => button.click()")
    errors = page.locator(".w-field__errors").evaluate_all(
        "els => els.filter(e => e.innerText.trim()).map("
        "e => [e.closest('[data-contentpath]')?.dataset.contentpath, e.parentElement?.id])"
    )
    assert not errors, errors
    expect(page.locator(".messages")).to_contain_text(TITLE)

    service = ServicePage.objects.get(code="skbl")
    assert service.required_documents.count() == 2
    assert service.procedure_steps.count() == 3
    assert not service.live and service.workflow_in_progress
    author.close()

    # 2. A second admin approves it: the service goes live.
    reviewer = browser.new_context(viewport={"width": 1366, "height": 768})
    page = reviewer.new_page()
    sign_in(page, base, "penyetuju.b")
    page.goto(f"{base}/admin/pages/{service.pk}/edit/")
    approve = page.locator("button[data-workflow-action-name='approve']").first
    with page.expect_navigation():
        approve.evaluate("button => button.click()")
    expect(page.locator(".messages")).to_be_visible()
    service.refresh_from_db()
    assert service.live
    reviewer.close()

    # 3. The first admin writes its application form: labels, types and the document
    # picked by its name from a list; no key anywhere on the page.
    author = browser.new_context(viewport={"width": 1366, "height": 768})
    page = author.new_page()
    sign_in(page, base, "penyusun.a")
    page.goto(f"{base}/admin/snippets/forms_builder/serviceform/add/?service={service.pk}")
    expect(page.locator("input[name$='-key']")).to_have_count(0)
    page.locator("#id_intro").fill("Isi data Anda dan unggah KTP.")
    add_inline(page, "form_fields", {"label": "Keperluan", "field_type": "singleline"})
    add_inline(page, "form_fields", {"label": "Fotokopi KTP", "field_type": "file"})
    document = page.locator("#id_form_fields-1-required_document_key")
    expect(document.locator("option")).to_contain_text(["Surat pengantar RT", "Fotokopi KTP"])
    document.select_option(label="Fotokopi KTP")
    with page.expect_navigation():
        page.locator("button[name='action-publish']").evaluate("button => button.click()")
    expect(page.locator(".messages .success")).to_be_visible()
    version = FormVersion.objects.current_for(service)
    ktp = service.required_documents.get(name="Fotokopi KTP")
    assert [(f["key"], f["required_document_key"]) for f in version.schema] == [
        ("keperluan", ""),
        ("fotokopi_ktp", ktp.key),
    ]
    author.close()

    # 4. A citizen finds it by search, opens its PDF and may apply online.
    citizen = browser.new_context()
    page = citizen.new_page()
    page.goto(base + "/layanan/")
    page.locator("#id_q").fill("bersih lingkungan")
    page.locator("form.catalog-filter button[type=submit]").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    pdf_link = page.get_by_role("link", name=re.compile("PDF"))
    href = pdf_link.get_attribute("href")
    response = page.request.get(base + href if href.startswith("/") else href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
    apply = page.get_by_role("link", name="Ajukan secara online")
    expect(apply).to_be_visible()
    apply.click()
    page.get_by_role("button", name="Lanjut").click()  # the kecamatan, then the form
    expect(page.get_by_label("Keperluan")).to_be_visible()
    expect(page.get_by_label("Fotokopi KTP")).to_be_visible()
    citizen.close()
