"""Kecamatan evaluation end to end: the pemda admin builds an instrument in the admin
(instrument with one aspect, then its computed and evidence indicators; indicator
weights that don't total 100 % are refused first) and opens a period for two kecamatan;
the camat of Bontang Utara uploads evidence; an evaluator verifies it; the admin closes
the period and the ranking shows Bontang Utara first.

The instrument (one aspect, 100 %): K1 computed, applications finished, linear to a
target of 2 (50 %); E1 evidence, thresholds 3=100 and 1=30 (50 %). Utara finishes two
applications and reports 3: 100 and 100, total 100,00. Selatan finishes none and reports
1: 0 and 30, total 15,00.
"""

from datetime import timedelta

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.regions.models import Region
from reporting.evaluation.services import evidence_submit
from reporting.models import (
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    IndicatorValue,
    Metric,
    Source,
)
from tests.bontang import bontang_regions
from tests.forms_builder.factories import PDF_BYTES, form_version_for, pdf_upload
from tests.reporting.factories import finished_application
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UTARA, SELATAN = "64.74.01", "64.74.02"


@pytest.fixture
def setup(db, settings, tmp_path, staff_password):
    settings.PATEN_KABUPATEN_KOTA = "64.74"
    settings.PATEN_PRIVATE_ROOT = tmp_path / "private"
    bontang_regions()
    roles_sync_permissions()
    staff = {}
    for username, role, kecamatan in [
        ("admin", Role.ADMIN_PEMDA, []),
        ("evaluator", Role.EVALUATOR, []),
        ("camat.utara", Role.CAMAT, [UTARA]),
        ("loket.utara", Role.PETUGAS_LOKET, [UTARA]),
        ("backoffice.utara", Role.BACK_OFFICE, [UTARA]),
        ("camat.selatan", Role.CAMAT, [SELATAN]),
    ]:
        staff[username] = staff_create(
            username=username, password=staff_password, roles=[role], kecamatan=kecamatan
        )
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=1)
    form_version_for(service)
    workflow = {
        "loket": staff["loket.utara"],
        "back_office": staff["backoffice.utara"],
        "camat": staff["camat.utara"],
    }
    for _ in range(2):
        finished_application(service, Region.objects.get(code=UTARA), workflow)

    return staff


def test_instrument_to_ranking(sign_in, browser, live_server, setup, tmp_path):
    staff = setup
    base = live_server.url
    today = timezone.localdate()

    # 1. The admin builds the instrument: first the instrument with its aspect ...
    admin = browser.new_context().new_page()
    sign_in(admin, base, "admin")
    admin.goto(base + "/admin/evaluasi/instrumen/new/")
    admin.locator("#id_name").fill("EKK Bontang")
    admin.locator("#id_year").fill(str(today.year))
    admin.locator("#id_aspects-ADD").click()
    admin.locator("#id_aspects-0-name").fill("Pelayanan publik")
    admin.locator("#id_aspects-0-weight").fill("100")
    admin.locator("form button[type=submit].button-longrunning").first.click()
    # Saved; the admin stays on the page, told that the aspect has no indicator yet.
    expect(admin.locator(".messages")).to_contain_text("belum punya indikator")
    instrument = EvaluationInstrument.objects.get(name="EKK Bontang")
    aspect = instrument.aspects.get()

    # ... then its two indicators on the aspect's page.
    admin.goto(f"{base}/admin/evaluasi/aspek/edit/{aspect.pk}/")
    admin.locator("#id_indicators-ADD").click()
    admin.locator("#id_indicators-0-code").fill("K1")
    admin.locator("#id_indicators-0-name").fill("Permohonan selesai")
    admin.locator("#id_indicators-0-weight").fill("50")
    admin.locator("#id_indicators-0-target").fill("2")
    admin.locator("#id_indicators-0-rule").select_option("linear")
    admin.locator("#id_indicators-0-source").select_option(Source.COMPUTED)
    admin.locator("#id_indicators-0-metric").select_option(Metric.APPLICATIONS_FINISHED)
    admin.locator("#id_indicators-ADD").click()
    admin.locator("#id_indicators-1-code").fill("E1")
    admin.locator("#id_indicators-1-name").fill("Loket pelayanan yang buka")
    admin.locator("#id_indicators-1-weight").fill("40")
    admin.locator("#id_indicators-1-thresholds").fill("3=100\n1=30")
    admin.locator("#id_indicators-1-source").select_option(Source.EVIDENCE)
    admin.locator("#id_indicators-1-evidence_types").fill("pdf")
    admin.locator("form button[type=submit].button-longrunning").first.click()
    # 50 + 40 is refused with the reason; nothing is saved.
    expect(
        admin.get_by_text("Jumlah bobot indikator pada aspek Pelayanan publik harus 100 %")
    ).to_be_visible()
    assert not EvaluationIndicator.objects.exists()
    admin.locator("#id_indicators-1-weight").fill("50")
    admin.locator("form button[type=submit].button-longrunning").first.click()
    expect(admin.locator(".messages")).to_be_visible()
    e1 = EvaluationIndicator.objects.get(code="E1")
    assert e1.thresholds == [{"bound": "3", "score": "100"}, {"bound": "1", "score": "30"}]
    assert EvaluationIndicator.objects.get(code="K1").metric == Metric.APPLICATIONS_FINISHED

    admin.goto(base + "/admin/evaluasi/periode/new/")
    admin.locator("#id_instrument").select_option(str(instrument.pk))
    admin.locator("#id_name").fill("Triwulan uji")
    admin.locator(f"input[name=kecamatan][value='{UTARA}']").check()
    admin.locator(f"input[name=kecamatan][value='{SELATAN}']").check()
    admin.locator("#id_start_date").fill((today - timedelta(days=30)).isoformat())
    admin.locator("#id_end_date").fill(today.isoformat())
    admin.locator("#id_name").click()  # closes the date picker
    admin.locator("form button[type=submit].button-longrunning").first.click()
    expect(admin.locator("table.listing")).to_contain_text("Triwulan uji")
    period = EvaluationPeriod.objects.get(name="Triwulan uji")
    assert set(period.kecamatan.values_list("code", flat=True)) == {UTARA, SELATAN}

    # 2. The camat of Utara reports 3 open counters with a PDF.
    camat = browser.new_context().new_page()
    sign_in(camat, base, "camat.utara")
    camat.goto(base + "/admin/evaluasi/bukti/")
    row = camat.locator("tr[data-indicator=E1]")
    expect(row.locator("[data-status]")).to_have_text("Belum diisi")
    row.get_by_role("link", name="Isi").click()
    camat.locator("#id_value").fill("3")
    camat.locator("#id_files").set_input_files(
        files=[{"name": "loket.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    camat.locator("[data-evidence-submit]").click()
    expect(camat.locator("tr[data-indicator=E1] [data-status]")).to_contain_text("Diajukan")
    camat.context.close()
    # Selatan reports 1 (through the service: the same form as above).
    evidence_submit(
        period=period,
        kecamatan=SELATAN,
        indicator=e1,
        value=1,
        files=[pdf_upload("loket.pdf")],
        actor=staff["camat.selatan"],
    )

    # 3. The evaluator approves both.
    evaluator = browser.new_context().new_page()
    sign_in(evaluator, base, "evaluator")
    evaluator.goto(base + "/admin/evaluasi/verifikasi/")
    for _ in range(2):
        evaluator.locator("[data-verification-queue] tbody tr[data-value]").first.get_by_role(
            "button", name="Setujui"
        ).click()
        expect(evaluator.locator(".messages")).to_contain_text("terverifikasi")
    expect(evaluator.locator("[data-verification-queue] tr[data-value]")).to_have_count(0)
    evaluator.context.close()
    assert IndicatorValue.objects.filter(status=IndicatorValue.Status.VERIFIED).count() == 2

    # 4. The admin closes the period; the ranking opens with Utara first.
    admin.goto(base + "/admin/evaluasi/periode/")
    admin.get_by_role("link", name="Tutup periode").click()
    admin.locator("[data-period-close] button[type=submit]").click()
    expect(admin.locator("[data-evaluation-ranking]")).to_be_visible()
    ranking = admin.locator("[data-evaluation-ranking] tbody tr")
    expect(ranking).to_have_count(2)
    expect(ranking.nth(0)).to_contain_text("Bontang Utara")
    expect(ranking.nth(0).locator("[data-total]")).to_have_text("100,00")
    expect(ranking.nth(1)).to_contain_text("Bontang Selatan")
    expect(ranking.nth(1).locator("[data-total]")).to_have_text("15,00")
    period.refresh_from_db()
    assert period.status == EvaluationPeriod.Status.CLOSED
    admin.context.close()
