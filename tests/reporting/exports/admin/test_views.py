"""Staff data exports: the admin page, its direct downloads and the report
runs it queues for large exports. Scope, masking and formula escaping hold on every path."""

import csv
import io
import types

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import pytest
from openpyxl import load_workbook

from forms_builder.models import AccessAction, Application, PersonalDataAccess
from forms_builder.services.applications import Applicant
from paten.accounts.constants import Role
from paten.accounts.resources import UserResource
from paten.accounts.services import staff_create
from paten.audit.models import AuditEvent
from reporting.exports.constants import Dataset
from reporting.exports.selectors import ExportOptions, export_for
from reporting.models import ReportKind, ReportOutput, ReportRun, ReportSettings, ReportStatus
from reporting.reports.services import report_run_request
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_response_submit
from tests.forms_builder.factories import form_version_for, spec, submit
from tests.reporting.factories import SELATAN, UTARA, all_answers, client_for

pytestmark = pytest.mark.django_db

URL = "reporting_exports:index"
NIK = "6474011203900001"
NO_KK = "6474010101200002"
PERSONAL_SCHEMA = [
    spec("nama_lengkap", label="Nama pemohon"),
    spec("nik", "nik", label="NIK"),
    spec("no_kk", "no_kk", label="No. KK"),
]
NO_REQUESTER = "A data export needs the user who requested it: scope and masking are theirs."
HOSTILE = '=HYPERLINK("http://evil.example","klik")'


# -- helpers ----------------------------------------------------------------------------


def grant(user, app_label: str, codename: str):
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    user.user_permissions.add(permission)
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def form_data(dataset: str = Dataset.APPLICATIONS, file_format: str = "csv", **extra) -> dict:
    today = timezone.localdate()
    return {
        "dataset": dataset,
        "file_format": file_format,
        "start": today.replace(day=1).isoformat(),
        "end": today.isoformat(),
        **extra,
    }


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def download(user, **data) -> list[dict]:
    response = client_for(user).post(reverse(URL), form_data(**data))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    return csv_rows(b"".join(response.streaming_content))


def output_rows(run: ReportRun, fmt: str = "csv") -> list[dict]:
    output = ReportOutput.objects.get(run=run, format=fmt)
    with output.file.open("rb") as handle:
        content = handle.read()
    if fmt == "csv":
        return csv_rows(content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def request_run(user, *, run_kecamatan=None, formats=("csv",), **options) -> ReportRun:
    today = timezone.localdate()
    return report_run_request(
        user=user,
        kind=ReportKind.APPLICATIONS_EXPORT,
        start=today.replace(day=1),
        end=today,
        kecamatan=run_kecamatan,
        formats=list(formats),
        options={"dataset": Dataset.APPLICATIONS, **options},
    )


def set_max_request_rows(value: int) -> None:
    config = ReportSettings.load()
    config.max_request_rows = value
    config.save()


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def utara_applications(service, utara):
    return [submit(service, utara), submit(service, utara)]


@pytest.fixture
def selatan_application(service, selatan):
    return submit(service, selatan)


@pytest.fixture
def personal_application(service, utara):
    form_version_for(service, PERSONAL_SCHEMA)
    return submit(
        service,
        utara,
        data={"nama_lengkap": "Budi Santoso", "nik": NIK, "no_kk": NO_KK},
        applicant=Applicant(name="Budi Santoso", email="budi@example.id"),
    )


@pytest.fixture
def reporter_selatan(camat_selatan):
    """A camat of Bontang Selatan who may request report runs."""
    return grant(camat_selatan, "reporting", "add_reportrun")


@pytest.fixture
def reporter_utara(camat):
    return grant(camat, "reporting", "add_reportrun")


# -- the page ---------------------------------------------------------------------------


class TestPage:
    def test_lists_only_the_datasets_the_user_may_export(self, loket_selatan, admin_pemda):
        page = client_for(loket_selatan).get(reverse(URL))
        assert page.status_code == 200
        choices = dict(page.context["form"].fields["dataset"].choices)
        assert Dataset.APPLICATIONS in choices and Dataset.REGIONS in choices
        assert Dataset.USERS not in choices
        admin_choices = dict(
            client_for(admin_pemda).get(reverse(URL)).context["form"].fields["dataset"].choices
        )
        assert Dataset.USERS in admin_choices

    def test_a_user_who_may_export_nothing_is_refused(self, bontang):
        user = staff_create(username="tamu", password="x", roles=[])
        user = grant(user, "wagtailadmin", "access_admin")
        response = client_for(user).get(reverse(URL))
        # Wagtail turns PermissionDenied in the admin into a redirect home with a message.
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")

    def test_personal_data_checkbox_only_with_the_permission(self, loket):
        assert "unmask" not in client_for(loket).get(reverse(URL)).context["form"].fields
        user = grant(loket, "forms_builder", "view_personal_data")
        assert "unmask" in client_for(user).get(reverse(URL)).context["form"].fields


# -- scope: Selatan never gets Utara rows --------------------------------------------------


class TestScope:
    def test_direct_download_of_applications(
        self, utara_applications, selatan_application, loket_selatan
    ):
        rows = download(loket_selatan)
        assert [row["kode_pelacakan"] for row in rows] == [selatan_application.display_code]
        assert {row["kode_kecamatan"] for row in rows} == {SELATAN}

    def test_report_run_of_applications(
        self,
        utara_applications,
        selatan_application,
        reporter_selatan,
        django_capture_on_commit_callbacks,
    ):
        set_max_request_rows(0)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(reporter_selatan).post(reverse(URL), form_data())
        run = ReportRun.objects.get()
        assert response.status_code == 302
        assert run.kecamatan_id == SELATAN
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        rows = output_rows(run)
        assert [row["kode_pelacakan"] for row in rows] == [selatan_application.display_code]

    def test_a_kecamatan_outside_the_scope_cannot_be_chosen(
        self, utara_applications, loket_selatan
    ):
        response = client_for(loket_selatan).post(reverse(URL), form_data(kecamatan=UTARA))
        assert response.status_code == 200
        assert "kecamatan" in response.context["form"].errors
        assert "Content-Disposition" not in response

    def test_a_run_for_another_kecamatan_exports_nothing_of_it(
        self, utara_applications, reporter_selatan, django_capture_on_commit_callbacks
    ):
        """Even a run whose parameters name Utara is scoped by its requester."""
        with django_capture_on_commit_callbacks(execute=True):
            run = request_run(reporter_selatan, run_kecamatan=SELATAN, kecamatan=UTARA)
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        assert output_rows(run) == []

    def test_survey_responses(self, utara, selatan, loket_selatan):
        for kecamatan in (utara, selatan):
            survey_response_submit(
                answers=all_answers(4), channel=SurveyChannel.PAPER, kecamatan=kecamatan
            )
        rows = download(loket_selatan, dataset=Dataset.SURVEY_RESPONSES)
        assert [row["kecamatan"] for row in rows] == [SELATAN]

    def test_regions(self, loket_selatan, loket):
        codes = {row["kode"] for row in download(loket_selatan, dataset=Dataset.REGIONS)}
        assert SELATAN in codes
        assert UTARA not in codes and f"{UTARA}.1001" not in codes
        assert f"{UTARA}.1001" in {row["kode"] for row in download(loket, dataset=Dataset.REGIONS)}


# -- masking ----------------------------------------------------------------------------


class TestMasking:
    def test_direct_download_is_masked_by_default(self, personal_application, loket):
        (row,) = download(loket, unmask="on")  # no permission: the checkbox is ignored
        assert row["NIK [nik]"] == "647401********01"
        assert row["No. KK [no_kk]"] == "647401********02"
        assert row["nama_pemohon"] == "B. S."
        assert NIK not in str(row) and NO_KK not in str(row)

    def test_direct_download_unmasked_when_asked_with_the_permission(
        self, personal_application, loket
    ):
        user = grant(loket, "forms_builder", "view_personal_data")
        (masked,) = download(user)
        assert masked["NIK [nik]"] == "647401********01"
        assert not PersonalDataAccess.objects.exists()  # a masked export reads nothing
        (row,) = download(user, unmask="on", reason="Verifikasi data bansos")
        assert row["NIK [nik]"] == NIK
        assert row["nama_pemohon"] == "Budi Santoso"
        event = PersonalDataAccess.objects.get()
        assert event.action == AccessAction.EXPORTED
        assert (event.actor, event.reason) == (user, "Verifikasi data bansos")
        assert event.kecamatan_id == personal_application.kecamatan_id

    def test_an_unmasked_export_needs_a_reason(self, personal_application, loket):
        user = grant(loket, "forms_builder", "view_personal_data")
        response = client_for(user).post(reverse(URL), form_data(unmask="on", reason="  "))
        assert response.status_code == 200
        assert "alasan" in str(response.context["form"].errors["reason"]).lower()
        assert not PersonalDataAccess.objects.exists()

    def test_the_run_records_the_choice_and_the_worker_honours_it(
        self, personal_application, reporter_utara, django_capture_on_commit_callbacks
    ):
        user = grant(reporter_utara, "forms_builder", "view_personal_data")
        set_max_request_rows(0)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(user).post(
                reverse(URL), form_data(unmask="on", reason="Rekap untuk inspektorat")
            )
        run = ReportRun.objects.get()
        assert run.parameters["unmask"] is True
        assert run.requested_by == user
        event = PersonalDataAccess.objects.get()
        assert (event.action, event.reason) == (AccessAction.EXPORTED, "Rekap untuk inspektorat")
        (row,) = output_rows(run)
        assert row["NIK [nik]"] == NIK

    def test_a_run_asking_for_clear_data_without_the_permission_is_masked(
        self, personal_application, back_office, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run = request_run(back_office, unmask=True)
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        (row,) = output_rows(run)
        assert row["NIK [nik]"] == "647401********01"


# -- formula injection -------------------------------------------------------------------


class TestFormulaInjection:
    @pytest.fixture
    def hostile(self, utara_applications):
        application = utara_applications[0]
        Application.objects.filter(pk=application.pk).update(
            # The name is personal data (masked by default); the purpose is not.
            data={"nama_lengkap": "-2+3", "keperluan": HOSTILE}
        )
        return application

    def test_direct_download_escapes_formulas(self, hostile, loket):
        row = next(r for r in download(loket) if r["kode_pelacakan"] == hostile.display_code)
        assert row["Keperluan [keperluan]"] == "'" + HOSTILE
        assert row["Nama lengkap [nama_lengkap]"] == "***"

    def test_xlsx_of_a_run_holds_text_never_a_formula(
        self, hostile, reporter_utara, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run = request_run(reporter_utara, formats=("xlsx",))
        rows = output_rows(run, "xlsx")
        row = next(r for r in rows if r["kode_pelacakan"] == hostile.display_code)
        assert row["Keperluan [keperluan]"] == "'" + HOSTILE


# -- large exports become report runs ------------------------------------------------------


class TestLargeExports:
    def test_a_large_export_becomes_a_report_run(
        self, utara_applications, reporter_utara, django_capture_on_commit_callbacks
    ):
        set_max_request_rows(1)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(reporter_utara).post(reverse(URL), form_data(file_format="xlsx"))
        run = ReportRun.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("report_runs:detail", args=[run.pk])
        assert run.kind == ReportKind.APPLICATIONS_EXPORT
        assert run.formats == ["xlsx"]
        assert run.parameters["dataset"] == Dataset.APPLICATIONS
        assert run.parameters["unmask"] is False
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        assert ReportOutput.objects.get(run=run).rows == 2

    def test_within_the_limit_it_is_downloaded_at_once_and_audited(self, utara_applications, loket):
        set_max_request_rows(2)
        assert len(download(loket)) == 2
        assert not ReportRun.objects.exists()
        event = AuditEvent.objects.get(action="export.downloaded")
        assert event.payload["rows"] == 2 and event.payload["dataset"] == Dataset.APPLICATIONS

    def test_a_user_who_may_not_request_runs_is_told_to_narrow_the_export(
        self, utara_applications, loket
    ):
        set_max_request_rows(1)
        response = client_for(loket).post(reverse(URL), form_data())
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not ReportRun.objects.exists()

    def test_the_kind_streams_the_rows(self, utara_applications, loket):
        export = export_for(user=loket, options=ExportOptions(dataset=Dataset.APPLICATIONS))
        sheet = export.sheet()
        rows = sheet.rows()
        assert isinstance(rows, types.GeneratorType)  # produced while the file is written
        assert sheet.row_count == len(list(rows)) == 2

    def test_a_run_without_requester_fails_with_a_message(
        self, utara_applications, django_capture_on_commit_callbacks
    ):
        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            run = report_run_request(
                user=None,
                kind=ReportKind.APPLICATIONS_EXPORT,
                start=today,
                end=today,
                kecamatan=UTARA,
                options={"dataset": Dataset.APPLICATIONS},
            )
        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED
        assert run.error.startswith("ExportError:")
        assert _(NO_REQUESTER) in run.error
        assert not run.outputs.exists()


# -- the other datasets --------------------------------------------------------------------


class TestOtherDatasets:
    def test_users_export_never_holds_a_password(self, admin_pemda, loket):
        rows = download(admin_pemda, dataset=Dataset.USERS)
        assert list(rows[0]) == ["username", "nama", "email", "peran", "kecamatan", "aktif"]
        row = next(r for r in rows if r["username"] == loket.username)
        assert row["peran"] == Role.PETUGAS_LOKET and row["kecamatan"] == UTARA
        flat = str(rows)
        assert loket.password not in flat and "md5$" not in flat

    def test_only_pemda_admins_export_users(self, loket_selatan, camat_selatan):
        response = client_for(loket_selatan).post(reverse(URL), form_data(dataset=Dataset.USERS))
        assert "dataset" in response.context["form"].errors
        assert len(UserResource(user=camat_selatan).export()) == 0

    def test_services(self, service, admin_pemda):
        rows = download(admin_pemda, dataset=Dataset.SERVICES)
        assert [row["kode"] for row in rows] == ["skd"]

    def test_survey_suggestions_are_left_out_unless_asked_with_the_permission(
        self, utara, camat, loket
    ):
        survey_response_submit(
            answers=all_answers(3),
            channel=SurveyChannel.PAPER,
            kecamatan=utara,
            suggestion="Antrean terlalu lama",
        )
        (row,) = download(loket, dataset=Dataset.SURVEY_RESPONSES, include_suggestions="on")
        assert "saran" not in row
        planner = grant(camat, "reporting", "change_followupplan")
        (row,) = download(planner, dataset=Dataset.SURVEY_RESPONSES, include_suggestions="on")
        assert row["saran"] == "Antrean terlalu lama"
