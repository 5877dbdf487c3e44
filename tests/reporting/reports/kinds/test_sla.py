"""The SLA report kind, figures checked by hand, and the registry of the kinds.

Builders are called directly with a ``ReportRun`` row and a progress stub; each kind
is also run end to end through ``report_run_request`` and the (eager) Celery task, and
its files are opened: XLSX with openpyxl, CSV as text, PDF through ``pdftotext``.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from forms_builder.models import Application
from forms_builder.services.applications import Applicant
from forms_builder.tracking import display
from forms_builder.workflow import ApplicationState
from paten.tabular import cell_safe
from reporting.models import (
    ReportFormat,
    ReportKind,
)
from reporting.reports import definition_for
from reporting.reports.kinds.sla import NOT_FINISHED, STATUS_LATE, STATUS_OPEN, build_sla
from tests.forms_builder.factories import advance, form_version_for, good_data, submit
from tests.reporting.reports.factories import (
    FEBRUARY,
    Progress,
    as_dicts,
    at,
    make_run,
    pdf_text,
    place,
    sheet_rows,
    xlsx_sheets,
    xlsx_text,
)
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db

# The February 2025 applications of the recap tests (fixtures re-exported, as conftest does).

S = ApplicationState
SECRET_NAME = "Rahasia Pemohon"
SECRET_PHONE = "081234567890"
SECRET_EMAIL = "rahasia@example.id"
SECRET_NIK = "6474015708900001"
PERSONAL_DATA = (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL, SECRET_NIK)
EVIL_TITLE = '=HYPERLINK("http://example.com/x","klik")'


# -- helpers ----------------------------------------------------------------------------


def test_kinds_are_registered_with_their_formats():
    assert definition_for(ReportKind.SLA).formats == (ReportFormat.XLSX, ReportFormat.PDF)
    assert definition_for(ReportKind.IKM).formats == (ReportFormat.XLSX, ReportFormat.PDF)
    assert definition_for(ReportKind.COMPARISON).formats == (
        ReportFormat.XLSX,
        ReportFormat.PDF,
        ReportFormat.CSV,
    )


# -- SLA ---------------------------------------------------------------------------------


@pytest.fixture
def sla_extra(february, service, utara, staff):
    """Two more late ones: finished an hour after the deadline, and on the weekend after it.

    j  due Tue 18 Feb 16:00, finished Tue 18 17:00       1 working day late (minimum)
    k  due Fri 21 Feb 16:00, finished Sat 22 09:00       1 working day late
    """
    j = advance(submit(service, utara), **staff, until=S.FINISHED)
    k = advance(submit(service, utara), **staff, until=S.FINISHED)
    return {
        **february,
        "j": place(j, submitted=at(17), verified=at(17), due=at(18, 16), finished=at(18, 17)),
        "k": place(k, submitted=at(19), verified=at(19), due=at(21, 16), finished=at(22, 9)),
    }


class TestSla:
    def test_compliance_sheet_by_hand(self, sla_extra):
        progress = Progress()
        data = build_sla(run=make_run(ReportKind.SLA, FEBRUARY), progress=progress)
        rows = {row["Kecamatan"]: row for row in as_dicts(data, "Kepatuhan SLA")}
        utara = rows["Bontang Utara"]
        assert utara["Layanan"] == "Surat Keterangan Domisili"
        assert utara["Selesai"] == 6  # a b c g j k
        assert utara["Selesai tepat waktu"] == 3  # a c g
        assert utara["Selesai terlambat"] == 3  # b j k
        assert utara["% kepatuhan"] == 50.0
        # Working days late: b 3 (6, 7, 10 Feb), j 1, k 1.
        assert utara["Rata-rata hari kerja terlambat"] == 1.7
        assert utara["Median hari kerja terlambat"] == 1.0
        assert utara["Belum selesai, lewat batas waktu"] == 2  # d h
        selatan = rows["Bontang Selatan"]
        assert [selatan[k] for k in ("Selesai", "Selesai tepat waktu", "% kepatuhan")] == [
            1,
            1,
            100.0,
        ]
        assert selatan["Rata-rata hari kerja terlambat"] is None
        total = rows["JUMLAH"]
        assert (total["Selesai"], total["Selesai tepat waktu"], total["% kepatuhan"]) == (
            7,
            4,
            57.1,
        )
        assert total["Belum selesai, lewat batas waktu"] == 2
        assert progress.percents and all(0 <= p <= 30 for p in progress.percents)
        assert progress.percents == sorted(progress.percents)

    def test_late_sheet_lists_open_then_completed_late_by_hand(self, sla_extra):
        data = build_sla(run=make_run(ReportKind.SLA, FEBRUARY), progress=Progress())
        apps = sla_extra
        service = "Surat Keterangan Domisili"

        def local(day, hour, minute=0, month=2):
            return datetime(2025, month, day, hour, minute)

        assert sheet_rows(data, "Terlambat") == [
            # Open at the end of February: d due Fri 14 → 17–21, 24–28 Feb = 10.
            [display(apps["d"].tracking_code), "Bontang Utara", service, STATUS_OPEN]
            + [local(11, 10), local(14, 16), NOT_FINISHED, 10],
            # h finished in March, so open on 28 Feb; due Thu 27 → 1.
            [display(apps["h"].tracking_code), "Bontang Utara", service, STATUS_OPEN]
            + [local(25, 10), local(27, 16), NOT_FINISHED, 1],
            [display(apps["b"].tracking_code), "Bontang Utara", service, STATUS_LATE]
            + [local(3, 8), local(5, 16), local(10, 10), 3],
            [display(apps["j"].tracking_code), "Bontang Utara", service, STATUS_LATE]
            + [local(17, 10), local(18, 16), local(18, 17), 1],
            [display(apps["k"].tracking_code), "Bontang Utara", service, STATUS_LATE]
            + [local(19, 10), local(21, 16), local(22, 9), 1],
        ]
        assert data.sheets[1].row_count == 5

    def test_kecamatan_scope(self, sla_extra, selatan):
        data = build_sla(
            run=make_run(ReportKind.SLA, FEBRUARY, kecamatan=selatan), progress=Progress()
        )
        assert [row["Kecamatan"] for row in as_dicts(data, "Kepatuhan SLA")] == [
            "Bontang Selatan",
            "JUMLAH",
        ]
        assert sheet_rows(data, "Terlambat") == []

    def test_not_overdue_before_the_deadline_in_a_period_ending_today(self, due_later_today):
        application = due_later_today
        today = timezone.localdate()
        parameters = {"start": today.isoformat(), "end": today.isoformat()}
        data = build_sla(run=make_run(ReportKind.SLA, parameters), progress=Progress())
        assert sheet_rows(data, "Terlambat") == []
        Application.objects.filter(pk=application.pk).update(
            due_at=timezone.now() - timedelta(minutes=1)
        )
        data = build_sla(run=make_run(ReportKind.SLA, parameters), progress=Progress())
        [row] = sheet_rows(data, "Terlambat")
        assert row[0] == display(application.tracking_code)
        assert (row[3], row[6], row[7]) == (STATUS_OPEN, NOT_FINISHED, 1)

    def test_query_count_does_not_grow_with_the_rows(self, sla_extra, service, utara, staff):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                data = build_sla(run=make_run(ReportKind.SLA, FEBRUARY), progress=Progress())
                for sheet in data.sheets:
                    list(sheet.rows())
            return len(captured)

        before = queries()
        for day in (4, 5, 6):
            late = advance(submit(service, utara), **staff, until=S.FINISHED)
            place(late, submitted=at(day - 1), verified=at(day - 1), due=at(day), finished=at(20))
        assert queries() == before

    def test_end_to_end_without_personal_data_and_with_escaped_formulas(
        self, admin_pemda, bontang, utara, staff, requested_run
    ):
        evil = make_service(title=EVIL_TITLE, code="jahat")
        form_version_for(evil)
        application = advance(
            submit(
                evil,
                utara,
                applicant=Applicant(name=SECRET_NAME, phone=SECRET_PHONE, email=SECRET_EMAIL),
                data=good_data(nama_lengkap=SECRET_NAME),
            ),
            **staff,
            until=S.FINISHED,
        )
        Application.objects.filter(pk=application.pk).update(
            data={**application.data, "nik": SECRET_NIK},
            due_at=application.finished_at - timedelta(days=3),
        )
        today = timezone.localdate()
        run = requested_run(
            admin_pemda,
            ReportKind.SLA,
            start=today.replace(day=1),
            end=today,
            formats=[ReportFormat.XLSX, ReportFormat.PDF],
        )
        assert run.outputs.count() == 2
        sheets = xlsx_sheets(run)
        assert list(sheets) == ["Kepatuhan SLA", "Terlambat"]
        [header, late] = sheets["Terlambat"]
        assert header[0] == "Kode pelacakan"
        assert late[0] == display(application.tracking_code)
        assert late[2] == "'" + EVIL_TITLE  # escaped: a text cell, never a formula
        assert sheets["Kepatuhan SLA"][1][2] == cell_safe(EVIL_TITLE)
        text = xlsx_text(run)
        for secret in PERSONAL_DATA:
            assert secret not in text
        pdf = pdf_text(run)
        assert display(application.tracking_code) in pdf
        for secret in PERSONAL_DATA:
            assert secret not in pdf


# -- IKM ---------------------------------------------------------------------------------


# -- comparison --------------------------------------------------------------------------
