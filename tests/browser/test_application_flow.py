"""An admin adds a NIK and a file field; a citizen applies online with a PDF; the loket
returns it and the citizen sends a replacement from the tracker; the loket verifies, the
back office processes, the camat approves; the citizen tracks the code and verifies the
document by its QR URL; a petugas of another kecamatan gets 404."""

import re

import pytest
from playwright.sync_api import Page, expect

from forms_builder.models import Application, FormVersion
from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from tests.bontang import bontang_regions
from tests.forms_builder.factories import PDF_BYTES
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NIK = "6474011203900001"  # Bontang Utara, born 12-03-1990


def add_field(page: Page, values: dict) -> None:
    page.locator("#id_form_fields-ADD").click()
    n = int(page.locator("#id_form_fields-TOTAL_FORMS").input_value()) - 1
    for name, value in values.items():
        field = page.locator(f"#id_form_fields-{n}-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def transition(page: Page, base: str, pk, target: str) -> None:
    page.goto(f"{base}/admin/permohonan/{pk}/")
    form = page.locator("form").filter(has=page.locator(f"button[data-transition='{target}']"))
    if target == "selesai":  # the camat confirms having read the preview first
        form.locator("[data-previewed]").check()
    form.locator(f"button[data-transition='{target}']").click()
    expect(page.locator(".messages")).to_be_visible()


@pytest.fixture
def setup(db, staff_password):
    bontang_regions()
    roles_sync_permissions()
    users = {
        "admin": [Role.ADMIN_PEMDA],
        "loket.utara": [Role.PETUGAS_LOKET],
        "backoffice.utara": [Role.BACK_OFFICE],
        "camat.utara": [Role.CAMAT],
        "loket.selatan": [Role.PETUGAS_LOKET],
    }
    for username, roles in users.items():
        kecamatan = (
            []
            if username == "admin"
            else ["64.74.02" if username.endswith("selatan") else "64.74.01"]
        )
        staff_create(username=username, password=staff_password, roles=roles, kecamatan=kecamatan)
    return make_service(title="Surat Keterangan Domisili", code="skd", steps=1)


def test_apply_process_track_and_verify(sign_in, browser, live_server, setup, tmp_path):
    base = live_server.url
    service = setup

    # 1. The pemda admin builds the form: a NIK field and a file field, then publishes
    # (no key is typed: the keys are made from the labels).
    admin = browser.new_context().new_page()
    sign_in(admin, base, "admin")
    admin.goto(f"{base}/admin/snippets/forms_builder/serviceform/add/?service={service.pk}")
    add_field(admin, {"label": "NIK pemohon", "field_type": "nik"})
    add_field(
        admin,
        {
            "label": "Surat pengantar",
            "field_type": "file",
            "required_document_key": "doc0",
        },
    )
    admin.locator('button[name="action-publish"]').evaluate("button => button.click()")
    expect(admin.locator(".messages")).to_be_visible()
    version = FormVersion.objects.get(service=service)
    assert [f["type"] for f in version.schema] == ["nik", "file"]

    # 2. A citizen applies online with a PDF.
    citizen = browser.new_context().new_page()
    citizen.goto(f"{base}/ajukan/skd/")
    citizen.locator("#id_kecamatan").select_option("64.74.01")
    citizen.locator("form.fb-form button[type=submit]").click()
    citizen.locator("#id_pemohon-name").fill("Siti Rahmawati")
    citizen.locator("#id_pemohon-email").fill("siti@example.id")
    citizen.locator("[name=nik_pemohon]").fill(NIK)
    pdf = tmp_path / "pengantar.pdf"
    pdf.write_bytes(PDF_BYTES)
    citizen.locator("[name=surat_pengantar]").set_input_files(str(pdf))
    citizen.locator("form.fb-form button[type=submit]").click()
    expect(citizen.locator(".fb-code")).to_be_visible()
    code = citizen.locator(".fb-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code)
    application = Application.objects.get()
    assert application.data["nik_pemohon"] == NIK
    assert application.attachments.count() == 1

    # 3. The loket returns it; the citizen sends a new PDF from the tracker.
    loket = browser.new_context().new_page()
    sign_in(loket, base, "loket.utara")
    transition(loket, base, application.pk, "verifikasi")
    loket.goto(f"{base}/admin/permohonan/{application.pk}/")
    returning = loket.locator("form").filter(has=loket.locator("[data-transition=dikembalikan]"))
    returning.locator("textarea[name=note]").fill("Surat pengantar tidak terbaca")
    returning.locator("[data-transition=dikembalikan]").click()
    expect(loket.locator(".messages")).to_be_visible()
    citizen.goto(f"{base}/lacak/?kode={code}")
    expect(citizen.locator("main")).to_contain_text("Surat pengantar tidak terbaca")
    citizen.locator("#documents [name=surat_pengantar]").set_input_files(str(pdf))
    citizen.locator("#documents button[type=submit]").click()
    expect(citizen.locator("#status-heading")).to_contain_text("Diajukan")
    expect(citizen.locator("main")).not_to_contain_text("Siti")
    assert application.attachments.filter(replaced_by__isnull=False).count() == 1
    loket.goto(f"{base}/admin/permohonan/{application.pk}/")
    expect(loket.locator("[data-attachment-status=replacement]")).to_have_count(1)
    expect(loket.locator("[data-attachment-status=replaced]")).to_have_count(1)
    loket.context.close()

    # 4. Loket verifies, back office processes, camat approves.
    for username, targets in [
        ("loket.utara", ["verifikasi", "diproses"]),
        ("backoffice.utara", ["menunggu_tanda_tangan"]),
        ("camat.utara", ["selesai"]),
    ]:
        staff = browser.new_context().new_page()
        sign_in(staff, base, username)
        for target in targets:
            transition(staff, base, application.pk, target)
        staff.context.close()
    application.refresh_from_db()
    assert application.state == "selesai" and application.result_number

    # 5. The citizen tracks the code and verifies the document by its QR URL.
    citizen.goto(f"{base}/lacak/")
    citizen.locator("#id_kode").fill(code.lower())
    citizen.locator("form.fb-form button[type=submit]").click()
    expect(citizen.locator("#status-heading")).to_contain_text("Selesai")
    expect(citizen.locator("main")).not_to_contain_text("Siti")
    citizen.goto(f"{base}/verifikasi/{application.verification_token}/")
    expect(citizen.locator("main")).to_contain_text(application.result_number)
    expect(citizen.locator("main")).not_to_contain_text(NIK)

    # 6. A petugas of another kecamatan cannot open it.
    other = browser.new_context().new_page()
    sign_in(other, base, "loket.selatan")
    response = other.goto(f"{base}/admin/permohonan/{application.pk}/")
    assert response.status == 404
