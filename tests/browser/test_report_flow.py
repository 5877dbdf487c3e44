"""A camat requests the monthly recap of their kecamatan from the admin menu, sees it
finish, downloads the XLSX and finds their two finished applications in it; the
progress page follows a queued run with JavaScript; a pemda admin schedules the
recap monthly and django-celery-beat gets its periodic task."""

import json

import pytest
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook
from playwright.sync_api import expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.regions.models import Region
from reporting.models import ReportKind, ReportRun, ReportSchedule, ReportStatus
from reporting.reports.schedules import TASK_NAME
from reporting.tasks import report_run_generate
from tests.bontang import bontang_regions
from tests.forms_builder.factories import form_version_for
from tests.reporting.factories import finished_application
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UTARA = "64.74.01"
SERVICE = "Surat Keterangan Domisili"


@pytest.fixture
def setup(db, staff_password):
    bontang_regions()
    roles_sync_permissions()
    staff = {}
    for username, role, kecamatan in [
        ("admin", Role.ADMIN_PEMDA, []),
        ("camat.utara", Role.CAMAT, [UTARA]),
        ("loket.utara", Role.PETUGAS_LOKET, [UTARA]),
        ("backoffice.utara", Role.BACK_OFFICE, [UTARA]),
    ]:
        staff[username] = staff_create(
            username=username, password=staff_password, roles=[role], kecamatan=kecamatan
        )
    service = make_service(title=SERVICE, code="skd", steps=1)
    form_version_for(service)
    utara = Region.objects.get(code=UTARA)
    workflow = {
        "loket": staff["loket.utara"],
        "back_office": staff["backoffice.utara"],
        "camat": staff["camat.utara"],
    }
    for _ in range(2):
        finished_application(service, utara, workflow)
    return staff


def test_camat_requests_recap_downloads_it_and_admin_schedules_it(
    sign_in, browser, live_server, setup, tmp_path
):
    base = live_server.url
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, base, "camat.utara")

    # 1. Laporan > Minta laporan, the monthly recap, this month, Bontang Utara, XLSX.
    page.get_by_role("button", name="Laporan").click()
    page.get_by_role("link", name="Minta laporan").click()
    expect(page).to_have_url(base + "/admin/laporan/minta/")
    kinds = page.locator("[data-report-kinds]")
    if kinds.count():
        kinds.get_by_role("link", name="Rekap pelayanan bulanan").click()
    expect(page.locator("main h2").first).to_have_text("Rekap pelayanan bulanan")
    page.locator("input[name=period][value=bulan_ini]").check()
    expect(page.locator("#id_kecamatan option")).to_have_text(["Bontang Utara"])
    expect(page.locator("input[name=formats][value=xlsx]")).to_be_checked()
    page.locator("[data-report-submit]").click()

    # 2. The run page: Celery runs eagerly inside the request, so it is already done.
    run = ReportRun.objects.get()
    expect(page).to_have_url(f"{base}/admin/laporan/{run.pk}/")
    expect(page.locator("[data-report-status]")).to_have_text("Selesai")
    expect(page.locator("progress[data-report-progress]")).to_have_attribute("value", "100")

    # 3. The XLSX: Bontang Utara, the service, two received and two finished.
    with page.expect_download() as info:
        page.locator("a[data-format=xlsx]").click()
    download = info.value
    assert download.suggested_filename == run.outputs.get().filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path, read_only=True)["Rekap"].iter_rows(values_only=True))
    header = rows[0]
    [row] = [r for r in rows[1:] if r[header.index("Layanan")] == SERVICE]
    assert row[header.index("Kecamatan")] == "Bontang Utara"
    assert row[header.index("Diterima")] == 2
    assert row[header.index("Selesai")] == 2

    # 4. A run still queued: the page polls its status and shows the file when done.
    queued = ReportRun.objects.create(
        kind=ReportKind.MONTHLY_RECAP,
        parameters=run.parameters,
        formats=["csv"],
        kecamatan_id=UTARA,
        requested_by=setup["camat.utara"],
    )
    page.goto(f"{base}/admin/laporan/{queued.pk}/")
    expect(page.locator("[data-report-status]")).to_have_text("Antre")
    expect(page.locator("a[data-format=csv]")).to_have_count(0)
    report_run_generate.delay(str(queued.pk))
    queued.refresh_from_db()
    assert queued.status == ReportStatus.DONE
    expect(page.locator("[data-report-status]")).to_have_text("Selesai")
    expect(page.locator("progress[data-report-progress]")).to_have_js_property("value", 100)
    expect(page.locator("a[data-format=csv]")).to_be_visible()
    page.context.close()

    # 5. The pemda admin schedules the recap for the whole kabupaten, monthly.
    admin = browser.new_context().new_page()
    sign_in(admin, base, "admin")
    admin.goto(base + "/admin/laporan/jadwal/new/")
    admin.locator("#id_name").fill("Rekap bulanan Kota Bontang")
    admin.locator("#id_kind").select_option(ReportKind.MONTHLY_RECAP.value)
    admin.locator("#id_kecamatan").select_option("")
    admin.locator("#id_period").select_option("bulan_lalu")
    admin.locator("#id_frequency").select_option("bulanan")
    admin.locator("#id_day_of_month").fill("3")
    admin.locator("#id_hour").fill("6")
    admin.locator("#id_minute").fill("15")
    admin.locator("#id_recipients").fill("sekretariat@bontangkota.go.id")
    admin.locator("form button[type=submit].button-longrunning").click()
    expect(admin.locator(".messages")).to_be_visible()
    expect(admin.locator("table.listing")).to_contain_text("Rekap bulanan Kota Bontang")

    schedule = ReportSchedule.objects.get()
    assert schedule.kecamatan is None and schedule.formats == ["xlsx"]
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert (task.task, json.loads(task.args), task.enabled) == (TASK_NAME, [schedule.pk], True)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("15", "6", "3")
