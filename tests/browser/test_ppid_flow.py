"""A citizen requests information online; the PPID utama routes it to the kecamatan PPID,
who extends it with a reason and then grants it in part; the citizen downloads the answer
from the tracker and files an objection; the atasan PPID answers; the PPID requests the
annual report and downloads it; another kecamatan's PPID cannot open the request."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.ppid.constants import InformationClass, ObjectionState, RequestState
from paten.ppid.models import DipCategory, InformationRequest, Objection
from reporting.models import ReportKind, ReportRun
from tests.service_catalog.factories import bontang_regions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "kata-sandi-uji-coba-123"
NIK = "6474014107900001"
PDF = b"%PDF-1.4\n% jawaban\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(base + "/admin/")


@pytest.fixture
def setup(db, settings):
    settings.PATEN_KABUPATEN_KOTA = "64.74"
    bontang_regions()
    roles_sync_permissions()
    for username, role, kecamatan in [
        ("ppid", Role.PPID, []),
        ("ppid.utara", Role.PPID, ["64.74.01"]),
        ("ppid.selatan", Role.PPID, ["64.74.02"]),
        ("atasan", Role.ATASAN_PPID, []),
    ]:
        staff_create(username=username, password=PASSWORD, roles=[role], kecamatan=kecamatan)
    DipCategory.objects.get_or_create(name="Keuangan")
    from datetime import date

    from django.db import transaction

    from paten.ppid.models import ConsequenceTest, DipEntry, ExceptionGround
    from paten.ppid.services import consequence_test_number_issue, dip_number_issue

    with transaction.atomic():
        test = ConsequenceTest(
            kecamatan_id="64.74.01",
            information="Nama dan alamat penerima bantuan",
            ground=ExceptionGround.objects.get(article__endswith="huruf h"),
            consequence="Mengungkap rahasia pribadi penerima.",
            decided_on=date(2026, 1, 5),
            exempt_until=date(2031, 1, 5),
            decided_by="PPID Kecamatan Bontang Utara",
        )
        test.number = consequence_test_number_issue(kecamatan_code="64.74.01")
        test.save()
        entry = DipEntry(
            title="Data pribadi penerima bantuan",
            information_class=InformationClass.EXEMPT,
            category=DipCategory.objects.get(name="Keuangan"),
            kecamatan_id="64.74.01",
            holding_unit="Seksi Kesos",
            responsible="PPID Kecamatan",
            year=2026,
            retention="5 tahun",
            consequence_test=test,
        )
        entry.number = dip_number_issue(kecamatan_code="64.74.01")
        entry.save()
        entry.save_revision().publish()


def test_request_route_extend_grant_in_part_object_answer_report(
    browser, live_server, setup, tmp_path
):
    base = live_server.url
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()

    # 1. A citizen requests information online, without an account.
    page.goto(base + "/permohonan-informasi/")
    page.locator("#id_requester_name").fill("Siti Rahmawati")
    page.locator("#id_requester_nik").fill(NIK)
    page.locator("#id_requester_address").fill("Jl. Awang Long 7, Bontang")
    page.locator("#id_requester_phone").fill("0812 3456 7890")
    page.locator("#id_information_requested").fill("Daftar penerima bantuan sosial 2025")
    page.locator("#id_purpose").fill("Pengawasan bantuan sosial")
    ktp = tmp_path / "ktp.png"
    ktp.write_bytes(PNG)
    page.locator("#id_identity_file").set_input_files(str(ktp))
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.locator("[data-tracking-code]")).to_be_visible()
    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert "Siti" not in page.content() and NIK not in page.url
    item = InformationRequest.objects.get()

    # 2. The PPID utama routes it to Bontang Utara.
    sign_in(page, base, "ppid")
    page.goto(f"{base}/admin/ppid/permohonan/")
    page.get_by_role("link", name=item.registration_number).click()
    page.locator("[data-action=route] select[name=kecamatan]").select_option("64.74.01")
    page.locator("[data-action=route] button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()

    # 3. The kecamatan PPID extends it with a reason, then grants it in part.
    sign_in(page, base, "ppid.utara")
    page.goto(f"{base}/admin/ppid/permohonan/{item.pk}/")
    page.locator("[data-action=extend] input[name=days]").fill("5")
    page.locator("[data-action=extend] textarea[name=reason]").fill("Data masih di arsip kelurahan")
    page.locator("[data-action=extend] button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    decide = page.locator("[data-action=decide]")
    decide.locator("input[value=dikabulkan_sebagian]").check()
    decide.locator("textarea[name=answer]").fill("Jumlah penerima per kelurahan terlampir.")
    decide.locator("textarea[name=withheld]").fill("Nama dan alamat penerima.")
    exempt = decide.locator("select[name=exempt_entry] option", has_text="Data pribadi")
    decide.locator("select[name=exempt_entry]").select_option(exempt.get_attribute("value"))
    answer = tmp_path / "jawaban.pdf"
    answer.write_bytes(PDF)
    decide.locator("input[name=files]").set_input_files(str(answer))
    decide.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.state == RequestState.GRANTED_IN_PART and item.extension_days == 5

    # 4. The citizen downloads the answer from the tracker and files an objection.
    context.clear_cookies()
    page.goto(f"{base}/permohonan-informasi/lacak/{code}/")
    expect(page.locator("[data-request-status]")).to_contain_text("Dikabulkan sebagian")
    with page.expect_download() as download:
        page.locator("button[data-download=jawaban]").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.locator("input[name=ground][value=a]").check()
    page.locator("textarea[name=reasons]").fill("Jumlah saja tidak cukup untuk pengawasan.")
    page.locator("button[data-object]").click()
    expect(page.locator("[data-objection]")).to_be_visible()
    objection = Objection.objects.get()

    # 5. The atasan PPID answers the objection; the tracker names the Komisi Informasi.
    sign_in(page, base, "atasan")
    page.goto(f"{base}/admin/ppid/keberatan/{objection.pk}/")
    page.locator("[data-action=answer] input[value=ditolak]").check()
    page.locator("[data-action=answer] textarea[name=answer]").fill("Tetap dikecualikan.")
    page.locator("[data-action=answer] button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ANSWERED
    context.clear_cookies()
    page.goto(f"{base}/permohonan-informasi/lacak/{code}/")
    expect(page.locator("[data-dispute-route]")).to_contain_text("Komisi Informasi")

    # 6. The kecamatan PPID requests the annual report (XLSX and PDF) and downloads it.
    sign_in(page, base, "ppid.utara")
    page.goto(f"{base}/admin/laporan/minta/?kind={ReportKind.PPID_ANNUAL}")
    expect(page.locator("main h2").first).to_have_text(
        "Laporan layanan informasi publik (tahunan atau semester)"
    )
    page.locator("input[name=period][value=bulan_ini]").check()
    expect(page.locator("#id_kecamatan option")).to_have_text(["Bontang Utara"])
    page.locator("input[name=formats][value=pdf]").check()
    page.locator("[data-report-submit]").click()
    run = ReportRun.objects.get(kind=ReportKind.PPID_ANNUAL)
    expect(page).to_have_url(f"{base}/admin/laporan/{run.pk}/")
    expect(page.locator("[data-report-status]")).to_have_text("Selesai")
    with page.expect_download() as info:
        page.locator("a[data-format=xlsx]").click()
    workbook = tmp_path / info.value.suggested_filename
    info.value.save_as(workbook)
    summary = dict(
        load_workbook(workbook, read_only=True)["Ringkasan"].iter_rows(min_row=2, values_only=True)
    )
    assert summary["Permohonan diterima"] == 1
    assert summary["Keberatan"] == 1
    with page.expect_download() as info:
        page.locator("a[data-format=pdf]").click()
    assert info.value.path().read_bytes().startswith(b"%PDF")

    # 7. Another kecamatan's PPID cannot open the request, nor the report.
    sign_in(page, base, "ppid.selatan")
    response = page.goto(f"{base}/admin/ppid/permohonan/{item.pk}/")
    assert response.status == 404
    page.goto(f"{base}/admin/ppid/permohonan/")
    expect(page.locator(f"[data-request='{item.pk}']")).to_have_count(0)
    response = page.goto(f"{base}/admin/laporan/{run.pk}/")
    assert response.status == 404
