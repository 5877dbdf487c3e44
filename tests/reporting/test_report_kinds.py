"""The SLA, IKM and kecamatan comparison report kinds, figures checked by hand.

Builders are called directly with a ``ReportRun`` row and a progress stub; each kind
is also run end to end through ``report_run_request`` and the (eager) Celery task, and
its files are opened: XLSX with openpyxl, CSV as text, PDF through ``pdftotext``.
"""

import csv
import io
import shutil
import subprocess
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from forms_builder.models import Application
from forms_builder.services.applications import Applicant
from forms_builder.tracking import display
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.regions.models import Region
from reporting.models import (
    FollowUpPlan,
    ReportFormat,
    ReportKind,
    ReportRun,
    ReportStatus,
    SurveySettings,
)
from reporting.reports import cell_safe, definition_for
from reporting.reports.kinds.comparison import AVERAGE_LABEL, assign_ranks, build_comparison
from reporting.reports.kinds.ikm import build_ikm_report
from reporting.reports.kinds.sla import NOT_FINISHED, STATUS_LATE, STATUS_OPEN, build_sla
from reporting.reports.services import report_run_request
from reporting.survey.constants import SurveyChannel
from reporting.survey.ikm import UNSUR_KEYS, display_ikm, display_nrr, ikm_compute_template_0111
from reporting.survey.selectors import Slice, ikm_for, respondent_profile
from reporting.survey.services import survey_response_submit
from tests.conftest import need
from tests.forms_builder.factories import advance, form_version_for, good_data, submit
from tests.reporting import test_report_recap as recap_data
from tests.reporting.conftest import BARAT, SELATAN, UTARA
from tests.reporting.factories import all_answers, finished_application
from tests.reporting.test_report_recap import FEBRUARY, at, place
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db

# The February 2025 applications of the recap tests (fixtures re-exported, as conftest does).
february = recap_data.february
staff_selatan = recap_data.staff_selatan

S = ApplicationState
SECRET_NAME = "Rahasia Pemohon"
SECRET_PHONE = "081234567890"
SECRET_EMAIL = "rahasia@example.id"
SECRET_NIK = "6474015708900001"
SECRET_SUGGESTION = "Petugas Budi 081299998888 kurang ramah"
PERSONAL_DATA = (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL, SECRET_NIK)
EVIL_TITLE = '=HYPERLINK("http://example.com/x","klik")'


# -- helpers ----------------------------------------------------------------------------


class Progress:
    """A progress stub that records what the builder reports."""

    def __init__(self):
        self.calls: list[tuple[int, str]] = []

    def __call__(self, percent: int, note: str = "") -> None:
        self.calls.append((percent, note))

    @property
    def percents(self) -> list[int]:
        return [percent for percent, _note in self.calls]


def make_run(kind, parameters, *, kecamatan=None, formats=(ReportFormat.XLSX,), **options):
    return ReportRun.objects.create(
        kind=kind,
        parameters={**parameters, **options},
        formats=list(formats),
        kecamatan=kecamatan,
    )


def sheet_rows(data, title) -> list[list]:
    sheet = next(s for s in data.sheets if s.title == title)
    return [list(row) for row in sheet.rows()]


def as_dicts(data, title) -> list[dict]:
    sheet = next(s for s in data.sheets if s.title == title)
    return [dict(zip(sheet.header, row, strict=False)) for row in sheet.rows()]


def period_of(quarter) -> dict:
    return {"start": quarter.start_date.isoformat(), "end": quarter.end_date.isoformat()}


def request_run(capture, *, user, kind, start, end, **kwargs) -> ReportRun:
    """Request a run as ``user`` and let the eager Celery task generate it on commit."""
    with capture(execute=True):
        run = report_run_request(user=user, kind=kind, start=start, end=end, **kwargs)
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    return run


def xlsx_sheets(run) -> dict[str, list[tuple]]:
    output = run.outputs.get(format=ReportFormat.XLSX)
    workbook = load_workbook(output.file.path, read_only=True)
    try:
        return {
            sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def xlsx_text(run) -> str:
    return "\n".join(
        " | ".join("" if value is None else str(value) for value in row)
        for rows in xlsx_sheets(run).values()
        for row in rows
    )


def csv_rows(run) -> list[list[str]]:
    output = run.outputs.get(format=ReportFormat.CSV)
    with output.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def pdf_text(run) -> str:
    if not shutil.which("pdftotext"):
        need("pdftotext (poppler-utils) is not installed: the PDF's text cannot be checked")
    output = run.outputs.get(format=ReportFormat.PDF)
    text = subprocess.run(
        ["pdftotext", "-layout", output.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def pdf_html(data) -> str:
    """The HTML the PDF writer renders (checked without needing poppler)."""
    return render_to_string(
        data.pdf_template, {"data": data, "generated_at": timezone.now(), **data.context}
    )


def admin_pemda():
    return staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA])


def with_report_permission(user):
    """Camat do not request reports by default: grant it, and drop the cached perms."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="reporting", codename="add_reportrun")
    )
    return get_user_model().objects.get(pk=user.pk)


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

    def test_not_overdue_before_the_deadline_in_a_period_ending_today(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        now = timezone.now()
        Application.objects.filter(pk=application.pk).update(due_at=now + (midnight - now) / 2)
        parameters = {"start": today.isoformat(), "end": today.isoformat()}
        data = build_sla(run=make_run(ReportKind.SLA, parameters), progress=Progress())
        assert sheet_rows(data, "Terlambat") == []
        Application.objects.filter(pk=application.pk).update(due_at=now - timedelta(minutes=1))
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
        self, bontang, utara, staff, django_capture_on_commit_callbacks
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
        run = request_run(
            django_capture_on_commit_callbacks,
            user=admin_pemda(),
            kind=ReportKind.SLA,
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


@pytest.fixture
def responses(service, utara, selatan, staff, staff_selatan, quarter):
    """Three respondents in Bontang Utara and one in Bontang Selatan (answered today).

    Utara:  r1 all 4 · r2 all 3 · r3 all 2 except prosedur 1 and sarana 4
    Σ per unsur 9, except prosedur 8 and sarana 11; IKM = (7·3 + 8/3 + 11/3) / 9 × 25
    = 82/27 × 25 = 75,93 → mutu C (65,00–76,60), "Kurang baik".
    """
    first = finished_application(service, utara, staff)
    second = finished_application(service, utara, staff)
    finished_application(service, selatan, staff_selatan)
    survey_response_submit(
        answers=all_answers(4),
        channel=SurveyChannel.TRACKING,
        application=first,
        profile={"gender": "P", "age": 34, "education": "s1", "occupation": "pns"},
        suggestion=SECRET_SUGGESTION,
    )
    survey_response_submit(
        answers=all_answers(3),
        channel=SurveyChannel.TRACKING,
        application=second,
        profile={"gender": "L", "age": 52, "education": "sma", "occupation": "swasta"},
        suggestion="=1+1",
    )
    survey_response_submit(
        answers=all_answers(2, prosedur=1, sarana=4),
        channel=SurveyChannel.PAPER,
        kecamatan=utara,
        service=service,
        entered_by=staff["loket"],
    )
    survey_response_submit(
        answers=all_answers(1),
        channel=SurveyChannel.PAPER,
        kecamatan=selatan,
        entered_by=staff_selatan["loket"],
    )
    return {"first": first, "second": second}


def footer(rows: list[list], label_start: str) -> list:
    return next(row for row in rows if row and str(row[0]).startswith(label_start))


class TestIkm:
    def test_processing_sheet_by_hand(self, responses, utara, quarter):
        progress = Progress()
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=progress
        )
        sheet = data.sheets[0]
        assert sheet.title == "Pengolahan data"
        assert list(sheet.header) == ["No. responden"] + [f"U{n}" for n in range(1, 10)]
        rows = sheet_rows(data, "Pengolahan data")
        assert rows[:3] == [
            [1, 4, 4, 4, 4, 4, 4, 4, 4, 4],
            [2, 3, 3, 3, 3, 3, 3, 3, 3, 3],
            # U8 is sarana (4), U9 pengaduan (2): the questionnaire order.
            [3, 2, 1, 2, 2, 2, 2, 2, 4, 2],
        ]
        assert footer(rows, "Σ nilai")[1:] == [9, 8, 9, 9, 9, 9, 9, 11, 9]
        nrr = [Decimal("3.000")] * 9
        nrr[1], nrr[7] = Decimal("2.667"), Decimal("3.667")
        assert footer(rows, "NRR per unsur")[1:] == nrr
        assert footer(rows, "NRR tertimbang")[1:3] == [Decimal("0.3333"), Decimal("0.2963")]
        assert footer(rows, "Σ NRR tertimbang")[1] == Decimal("3.0370")  # 82/27
        assert footer(rows, "IKM unit pelayanan")[1:] == [Decimal("75.93"), "Mutu C", "Kurang baik"]
        assert not any(row and "0,111" in str(row[0]) for row in rows)
        assert sheet.row_count == len(rows)
        assert progress.percents and max(progress.percents) <= 30

    @pytest.mark.parametrize("scoped", [True, False])
    def test_figures_equal_the_selector(self, responses, utara, quarter, scoped):
        kecamatan = utara if scoped else None
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=kecamatan),
            progress=Progress(),
        )
        figure = ikm_for(
            Slice(start=quarter.start_date, end=quarter.end_date, kecamatan=kecamatan and UTARA)
        )
        result = figure.result
        rows = sheet_rows(data, "Pengolahan data")
        assert len([r for r in rows if r and isinstance(r[0], int)]) == figure.respondents
        assert footer(rows, "Σ nilai")[1:] == [u.total for u in result.unsur]
        assert footer(rows, "NRR per unsur")[1:] == [display_nrr(u.nrr) for u in result.unsur]
        assert footer(rows, "Σ NRR tertimbang")[1] == display_nrr(result.ikm, 4)
        assert footer(rows, "IKM unit pelayanan")[1] == display_ikm(result.ikm_converted)
        unsur = as_dicts(data, "Nilai per unsur")
        assert [r["NRR"] for r in unsur[:9]] == [display_nrr(u.nrr) for u in result.unsur]
        assert unsur[9]["Nilai konversi (NRR × 25)"] == display_ikm(result.ikm_converted)
        sample = sheet_rows(data, "Kecukupan sampel")[0]
        assert sample[1:6] == [
            figure.population,
            figure.min_sample,
            figure.respondents,
            "Ya" if figure.adequate else "Tidak",
            figure.shortfall,
        ]
        assert sample[6] == display_ikm(result.ikm_converted)

    def test_unsur_sheet_flags_weak_unsur_and_ranks_lowest_first(self, responses, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = {row["U"]: row for row in as_dicts(data, "Nilai per unsur") if row["U"]}
        assert list(rows) == [f"U{n}" for n in range(1, 10)]
        prosedur, persyaratan, sarana = rows["U2"], rows["U1"], rows["U8"]
        assert prosedur["Unsur"] == "Sistem, Mekanisme, dan Prosedur"
        assert (prosedur["Nilai konversi (NRR × 25)"], prosedur["Mutu"]) == (Decimal("66.67"), "C")
        assert (prosedur["Perlu perbaikan"], prosedur["Peringkat (1 = terendah)"]) == ("Ya", 1)
        # Seven unsur share NRR 3,000 (75,00 → C): one shared rank after prosedur.
        assert (persyaratan["Mutu"], persyaratan["Peringkat (1 = terendah)"]) == ("C", 2)
        assert sum(1 for r in rows.values() if r["Peringkat (1 = terendah)"] == 2) == 7
        assert sarana["Unsur"] == "Sarana dan Prasarana"
        assert (sarana["Mutu"], sarana["Perlu perbaikan"], sarana["Peringkat (1 = terendah)"]) == (
            "A",
            "Tidak",
            9,
        )

    def test_profile_sample_and_channels(self, responses, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        expected = respondent_profile(
            Slice(start=quarter.start_date, end=quarter.end_date, kecamatan=UTARA)
        )
        profile = sheet_rows(data, "Profil responden")
        gender = [row[1:3] for row in profile if row[0] == "Jenis kelamin"]
        assert gender == [list(pair) for pair in expected["gender"]]
        assert [row[2] for row in profile if row[0] == "Jenis kelamin"] == [1, 1, 1]
        assert {row[3] for row in profile if row[0] == "Jenis kelamin"} == {33.3}
        ages = {row[1]: row[2] for row in profile if row[0] == "Usia"}
        assert (ages["31–40"], ages["51–60"], ages["20–30"]) == (1, 1, 0)
        sample = sheet_rows(data, "Kecukupan sampel")
        # Two applications finished in Utara: Krejcie–Morgan asks for both; 3 answered.
        assert sample[0] == ["Kecamatan Bontang Utara", 2, 2, 3, "Ya", 0, Decimal("75.93"), "C"]
        assert sample[1][0] == "Layanan: Surat Keterangan Domisili"
        channels = {row[0]: row[3] for row in sample[sample.index([]) + 2 :]}
        assert channels == {
            str(SurveyChannel.PAPER.label): 1,
            str(SurveyChannel.TRACKING.label): 2,
        }

    def test_template_variant_only_when_the_setting_is_on(self, responses, utara, quarter):
        settings_row = SurveySettings.load()
        settings_row.report_template_0111 = True
        settings_row.save()
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = sheet_rows(data, "Pengolahan data")
        assert any(row and "VARIAN TEMPLATE bobot 0,111" in str(row[0]) for row in rows)
        sums = dict(zip(UNSUR_KEYS, [9, 8, 9, 9, 9, 9, 9, 11, 9], strict=True))
        variant = ikm_compute_template_0111(sums, 3)
        assert footer(rows, "IKM unit pelayanan, varian 0,111")[1:3] == [
            display_ikm(variant.ikm_converted),
            f"Mutu {variant.mutu}",
        ]
        # The exact figure is still the one labelled as the IKM.
        assert footer(rows, "IKM unit pelayanan =")[1] == Decimal("75.93")
        assert "0,111" in pdf_html(data)

    def test_suggestions_only_when_requested(self, responses, utara, quarter):
        default = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        assert "Saran" not in [sheet.title for sheet in default.sheets]
        everything = str([sheet_rows(default, s.title) for s in default.sheets])
        assert SECRET_SUGGESTION not in everything
        assert SECRET_SUGGESTION not in pdf_html(default)

        asked = build_ikm_report(
            run=make_run(
                ReportKind.IKM, period_of(quarter), kecamatan=utara, include_suggestions=True
            ),
            progress=Progress(),
        )
        saran = sheet_rows(asked, "Saran")
        assert [row[4] for row in saran] == [SECRET_SUGGESTION, "=1+1"]
        assert saran[0][2:4] == ["Bontang Utara", "Surat Keterangan Domisili"]
        assert SECRET_SUGGESTION in pdf_html(asked)

    def test_follow_up_plans_of_the_period_and_scope(self, responses, utara, selatan, quarter):
        FollowUpPlan.objects.create(
            period=quarter, kecamatan=utara, unsur="prosedur", action="Sederhanakan alur loket"
        )
        FollowUpPlan.objects.create(
            period=quarter, kecamatan=selatan, unsur="waktu", action="Tambah petugas Selatan"
        )
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        plans = as_dicts(data, "Rencana tindak lanjut")
        assert [(p["Kecamatan"], p["Rencana tindakan"]) for p in plans] == [
            ("Bontang Utara", "Sederhanakan alur loket")
        ]
        assert plans[0]["Periode survei"] == str(quarter)
        html = pdf_html(data)
        assert "Sederhanakan alur loket" in html
        assert "Tambah petugas Selatan" not in html
        pemda = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter)), progress=Progress()
        )
        assert len(as_dicts(pemda, "Rencana tindak lanjut")) == 2

    def test_rows_written_later_match_the_figures(self, responses, utara, quarter):
        """A response recorded between collecting and writing is left out of both."""
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        survey_response_submit(answers=all_answers(1), channel=SurveyChannel.PAPER, kecamatan=utara)
        rows = sheet_rows(data, "Pengolahan data")
        assert [row[0] for row in rows if row and isinstance(row[0], int)] == [1, 2, 3]
        assert footer(rows, "Σ nilai")[1] == 9

    def test_no_respondents(self, bontang, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = sheet_rows(data, "Pengolahan data")
        assert rows[-1] == ["Belum ada responden pada periode ini."]
        assert sheet_rows(data, "Nilai per unsur") == []
        assert "PermenPAN-RB" in pdf_html(data)

    def test_end_to_end(self, responses, utara, quarter, django_capture_on_commit_callbacks):
        run = request_run(
            django_capture_on_commit_callbacks,
            user=admin_pemda(),
            kind=ReportKind.IKM,
            start=quarter.start_date,
            end=quarter.end_date,
            kecamatan=UTARA,
            options={"include_suggestions": True},
        )
        assert run.kecamatan_id == UTARA
        sheets = xlsx_sheets(run)
        assert list(sheets) == [
            "Pengolahan data",
            "Nilai per unsur",
            "Profil responden",
            "Kecukupan sampel",
            "Rencana tindak lanjut",
            "Saran",
        ]
        ikm_row = footer([list(r) for r in sheets["Pengolahan data"]], "IKM unit pelayanan")
        assert ikm_row[1:4] == [75.93, "Mutu C", "Kurang baik"]
        assert sheets["Pengolahan data"][3][1:] == (2, 1, 2, 2, 2, 2, 2, 4, 2)
        # A suggestion that looks like a formula stays text.
        assert [row[4] for row in sheets["Saran"][1:]] == [SECRET_SUGGESTION, "'=1+1"]
        text = xlsx_text(run)
        for secret in ("Siti Rahmawati", "siti@example.id"):
            assert secret not in text  # the applicants of the surveyed applications
        pdf = pdf_text(run)
        assert "PermenPAN-RB No. 14 Tahun 2017" in pdf
        assert "75,93" in pdf

    def test_default_pdf_has_no_suggestions(
        self, responses, utara, quarter, django_capture_on_commit_callbacks
    ):
        run = request_run(
            django_capture_on_commit_callbacks,
            user=admin_pemda(),
            kind=ReportKind.IKM,
            start=quarter.start_date,
            end=quarter.end_date,
            kecamatan=UTARA,
        )
        assert "Saran" not in xlsx_sheets(run)
        assert SECRET_SUGGESTION not in xlsx_text(run)
        pdf = pdf_text(run)
        assert "Siti Rahmawati" not in pdf
        assert "081299998888" not in pdf


# -- comparison --------------------------------------------------------------------------


@pytest.fixture
def comparison_data(service, utara, selatan, staff, staff_selatan, quarter):
    """Utara: 2 finished on time, respondents all 4. Selatan: 2 finished, 1 late, all 3.

    Barat: nothing. Expected ranking: Utara (100 %, 100,00), Selatan (50 %, 75,00), Barat.
    """
    for _ in range(2):
        survey_response_submit(
            answers=all_answers(4),
            channel=SurveyChannel.TRACKING,
            application=finished_application(service, utara, staff),
        )
    late = None
    for _ in range(2):
        late = finished_application(service, selatan, staff_selatan)
        survey_response_submit(
            answers=all_answers(3), channel=SurveyChannel.TRACKING, application=late
        )
    Application.objects.filter(pk=late.pk).update(due_at=late.finished_at - timedelta(hours=1))


class TestComparison:
    def test_pemda_wide_ranks_every_kecamatan(self, comparison_data, quarter):
        data = build_comparison(
            run=make_run(ReportKind.COMPARISON, period_of(quarter)), progress=Progress()
        )
        rows = as_dicts(data, "Perbandingan")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (1, 3, "Bontang Utara"),
            (2, 3, "Bontang Selatan"),
            (3, 3, "Bontang Barat"),
            ("", "", AVERAGE_LABEL),
        ]
        utara, selatan, barat, average = rows
        assert (utara["Diterima"], utara["Selesai"], utara["Selesai tepat waktu"]) == (2, 2, 2)
        assert (utara["% kepatuhan SLA"], utara["IKM (25–100)"], utara["Mutu"]) == (
            100.0,
            Decimal("100.00"),
            "A",
        )
        assert (selatan["Selesai tepat waktu"], selatan["% kepatuhan SLA"]) == (1, 50.0)
        assert (selatan["IKM (25–100)"], selatan["Mutu"], selatan["Kinerja"]) == (
            Decimal("75.00"),
            "C",
            "Kurang baik",
        )
        assert (selatan["Responden"], selatan["Sampel minimum"], selatan["Sampel memadai"]) == (
            2,
            2,
            "Ya",
        )
        assert (barat["Diterima"], barat["% kepatuhan SLA"], barat["IKM (25–100)"]) == (
            0,
            None,
            None,
        )
        # Average: counts per kecamatan, rates pooled over the kabupaten.
        assert (average["Diterima"], average["Selesai tepat waktu"]) == (1.3, 1.0)
        assert average["% kepatuhan SLA"] == 75.0  # 3 of 4
        pooled = ikm_for(Slice(start=quarter.start_date, end=quarter.end_date))
        assert average["IKM (25–100)"] == display_ikm(pooled.result.ikm_converted)
        assert average["IKM (25–100)"] == Decimal("87.50")
        assert average["Mutu"] == "B"

    def test_ties_share_a_rank_and_the_next_rank_skips(self):
        rows = [
            {"name": "a", "sla_pct": 90.0, "ikm": Decimal("80.00")},
            {"name": "b", "sla_pct": 80.0, "ikm": Decimal("85.00")},
            {"name": "c", "sla_pct": 80.0, "ikm": Decimal("85.00")},
            {"name": "d", "sla_pct": 80.0, "ikm": None},
            {"name": "e", "sla_pct": None, "ikm": Decimal("99.00")},
            {"name": "f", "sla_pct": 80.0, "ikm": Decimal("90.00")},
        ]
        assign_ranks(rows)
        assert {r["name"]: r["rank"] for r in rows} == {
            "a": 1,
            "f": 2,
            "b": 3,
            "c": 3,
            "d": 5,
            "e": 6,
        }

    def test_kecamatan_scope_shows_only_its_own_row(self, comparison_data, selatan, quarter):
        data = build_comparison(
            run=make_run(ReportKind.COMPARISON, period_of(quarter), kecamatan=selatan),
            progress=Progress(),
        )
        rows = as_dicts(data, "Perbandingan")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (2, 3, "Bontang Selatan"),
            ("", "", AVERAGE_LABEL),
        ]
        assert rows[1]["% kepatuhan SLA"] == 75.0  # the average still covers every kecamatan
        html = pdf_html(data)
        for other in ("Bontang Utara", "Bontang Barat", UTARA, BARAT):
            assert other not in str(sheet_rows(data, "Perbandingan"))
            assert other not in html
        assert data.context["own"]["rank"] == 2

    def test_end_to_end_as_camat(
        self, comparison_data, camat_selatan, quarter, django_capture_on_commit_callbacks
    ):
        run = request_run(
            django_capture_on_commit_callbacks,
            user=with_report_permission(camat_selatan),
            kind=ReportKind.COMPARISON,
            start=quarter.start_date,
            end=quarter.end_date,
        )
        assert run.kecamatan_id == SELATAN  # never wider than the camat's own kecamatan
        assert sorted(run.outputs.values_list("format", flat=True)) == ["csv", "pdf", "xlsx"]
        sheet = xlsx_sheets(run)["Perbandingan"]
        assert sheet[1][:4] == (2, 3, SELATAN, "Bontang Selatan")
        assert [row[3] for row in sheet[1:]] == ["Bontang Selatan", AVERAGE_LABEL]
        table = csv_rows(run)
        assert table[0][:4] == ["Peringkat", "Dari", "Kode kecamatan", "Kecamatan"]
        assert [row[3] for row in table[1:]] == ["Bontang Selatan", AVERAGE_LABEL]
        for other in ("Bontang Utara", "Bontang Barat"):
            assert other not in xlsx_text(run)
            assert other not in str(table)
        pdf = pdf_text(run)
        assert "Bontang Selatan" in pdf
        for other in ("Bontang Utara", "Bontang Barat"):
            assert other not in pdf

    def test_csv_escapes_formulas(self, bontang, quarter, django_capture_on_commit_callbacks):
        Region(code="64.74.04", name="@SUM(1+1)").save()
        run = request_run(
            django_capture_on_commit_callbacks,
            user=admin_pemda(),
            kind=ReportKind.COMPARISON,
            start=quarter.start_date,
            end=quarter.end_date,
            formats=[ReportFormat.CSV],
        )
        names = [row[3] for row in csv_rows(run)[1:]]
        assert "'@SUM(1+1)" in names
        assert "@SUM(1+1)" not in names
        assert len(names) == 5  # four kecamatan and the average
